/** The open channel's members with their presence, and adding people to it (not to a DM or an archive). */
import { useState } from 'react';
import type { ChannelView, PersonView } from '../../src-shared/bridge';
import { DialogError } from '../dialog/Dialog';
import { useApp, useAppStore } from '../store/context';
import { PeoplePicker } from './PeoplePicker';
import { PresenceDot } from './PresenceDot';
import { useResult } from './use-result';

export function MemberList({ channel }: { channel: ChannelView }) {
  const store = useAppStore();
  const people = useApp((s) => s.people);
  const byId = new Map(people.map((p) => [p.id, p]));
  const members: PersonView[] = channel.members
    .map((m) => byId.get(m.id) ?? { id: m.id, username: m.name, name: m.name, presence: 'offline' as const })
    .sort((a, b) => a.name.localeCompare(b.name));
  const [adding, setAdding] = useState<string[]>([]);
  const { busy, error, run } = useResult();
  const canAdd = channel.kind === 'channel' && !channel.archived;
  const candidates = people.filter((p) => !channel.members.some((m) => m.id === p.id));

  async function add() {
    for (const userId of adding) {
      if (!(await run(() => store.getState().addMember(channel.id, userId)))) return;
    }
    setAdding([]);
  }

  return (
    <aside className="side-panel member-panel" aria-label="Members">
      <header className="pane-header">
        <h2>Members</h2>
        <span className="pane-subtitle">{members.length}</span>
        <button
          type="button"
          className="icon-button"
          aria-label="Close members"
          onClick={() => store.getState().setMembersOpen(false)}
        >
          ×
        </button>
      </header>
      <ul data-testid="member-list" className="member-list">
        {members.map((m) => (
          <li key={m.id} className="member-row" data-user-id={m.id}>
            <PresenceDot presence={m.presence} />
            <span className="member-name">{m.name}</span>
            <span className="member-username">@{m.username}</span>
          </li>
        ))}
      </ul>
      {canAdd && (
        <form
          className="member-add"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <PeoplePicker label="Add people" people={candidates} picked={adding} onChange={setAdding} />
          <DialogError error={error} />
          <button type="submit" className="primary" disabled={busy || adding.length === 0}>
            Add
          </button>
        </form>
      )}
    </aside>
  );
}
