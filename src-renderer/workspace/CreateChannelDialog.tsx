/** "Create a channel": the name's rules checked as it is typed, public or private, a topic, members. */
import { useId, useState } from 'react';
import { MAX_TOPIC_LENGTH } from '../../src-shared/protocol/limits';
import { Dialog, DialogActions, DialogError } from '../dialog/Dialog';
import { useApp, useAppStore } from '../store/context';
import { nameProblem } from './channel-name';
import { PeoplePicker } from './PeoplePicker';
import { useResult } from './use-result';

export function CreateChannelDialog({ onClose }: { onClose(): void }) {
  const store = useAppStore();
  const ids = { name: useId(), rule: useId(), topic: useId(), private: useId() };
  const selfId = useApp((s) => s.session?.user?.id);
  const people = useApp((s) => s.people).filter((p) => p.id !== selfId);
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [members, setMembers] = useState<string[]>([]);
  const { busy, error, run } = useResult();
  const problem = nameProblem(name);

  async function create() {
    if (problem) return;
    const created = await run(() =>
      store.getState().createChannel({
        name,
        private: isPrivate,
        topic: topic.trim() || undefined,
        memberIds: members,
      }),
    );
    if (created) onClose();
  }

  return (
    <Dialog title="Create a channel" testId="channel-create" onClose={onClose}>
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label htmlFor={ids.name}>Name</label>
        <input
          id={ids.name}
          data-autofocus
          value={name}
          maxLength={120}
          aria-invalid={name.length > 0 && problem !== null}
          aria-describedby={ids.rule}
          autoComplete="off"
          onChange={(e) => setName(e.target.value)}
        />
        <p
          id={ids.rule}
          className={`field-hint${name.length > 0 && problem ? ' invalid' : ''}`}
          aria-live="polite"
        >
          {name.length > 0 && problem ? problem : 'Lower-case letters, digits, - and _; up to 80 characters.'}
        </p>
        <label htmlFor={ids.topic}>Topic (optional)</label>
        <input
          id={ids.topic}
          value={topic}
          maxLength={MAX_TOPIC_LENGTH}
          onChange={(e) => setTopic(e.target.value)}
        />
        <label className="check" htmlFor={ids.private}>
          <input
            id={ids.private}
            type="checkbox"
            checked={isPrivate}
            onChange={(e) => setPrivate(e.target.checked)}
          />
          Private: only members can see it and find it
        </label>
        <PeoplePicker label="Add members (optional)" people={people} picked={members} onChange={setMembers} />
        <DialogError error={error} />
        <DialogActions label="Create" disabled={busy || problem !== null} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
