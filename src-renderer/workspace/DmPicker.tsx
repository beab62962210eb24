/** "New message": pick one to seven people; opens the one direct message of exactly that group. */
import { useState } from 'react';
import { DM_MAX_PEOPLE } from '../../src-shared/protocol/limits';
import { Dialog, DialogActions, DialogError } from '../dialog/Dialog';
import { useApp, useAppStore } from '../store/context';
import { PeoplePicker } from './PeoplePicker';
import { useResult } from './use-result';

export function DmPicker({ onClose }: { onClose(): void }) {
  const store = useAppStore();
  const selfId = useApp((s) => s.session?.user?.id);
  const people = useApp((s) => s.people).filter((p) => p.id !== selfId);
  const [picked, setPicked] = useState<string[]>([]);
  const { busy, error, setError, run } = useResult();
  const tooMany = picked.length > DM_MAX_PEOPLE - 1;

  async function start() {
    if (picked.length === 0) return setError({ title: 'Nobody picked', detail: 'Pick at least one person.' });
    if (await run(() => store.getState().openDm(picked))) onClose();
  }

  return (
    <Dialog title="New message" testId="dm-create" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <PeoplePicker label="To" people={people} picked={picked} onChange={setPicked} autoFocus />
        {tooMany && (
          <p className="field-hint invalid">
            A direct message has at most {DM_MAX_PEOPLE} people, you included.
          </p>
        )}
        <DialogError error={error} />
        <DialogActions
          label="Start conversation"
          disabled={busy || picked.length === 0 || tooMany}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
