/** Browse the workspace's public channels (and one's own), search by name or topic, join or open one. */
import { useEffect, useId, useState } from 'react';
import type { BrowseChannelView } from '../../src-shared/bridge';
import { Dialog, DialogError } from '../dialog/Dialog';
import { useAppStore, useRelay } from '../store/context';
import { useResult } from './use-result';

export function ChannelBrowser({ onClose }: { onClose(): void }) {
  const relay = useRelay();
  const store = useAppStore();
  const searchId = useId();
  const [query, setQuery] = useState('');
  const [channels, setChannels] = useState<BrowseChannelView[] | null>(null);
  const { busy, error, run } = useResult();

  // Loaded once per opening (run is a fresh closure each render, not a reason to load again).
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    void run(() => relay.browseChannels(undefined)).then((r) => r && setChannels(r.value));
  }, [relay]);

  const q = query.trim().toLowerCase();
  const shown = (channels ?? []).filter(
    (c) => !c.archived && (c.name.includes(q) || c.topic.toLowerCase().includes(q)),
  );

  async function open(channel: BrowseChannelView) {
    if (channel.member) {
      await store.getState().selectChannel(channel.id);
      onClose();
      return;
    }
    if (await run(() => store.getState().joinChannel(channel.id))) onClose();
  }

  return (
    <Dialog title="Browse channels" testId="channel-browser" onClose={onClose}>
      <label htmlFor={searchId}>Search channels</label>
      <input
        id={searchId}
        type="search"
        data-autofocus
        value={query}
        placeholder="Name or topic"
        onChange={(e) => setQuery(e.target.value)}
      />
      <DialogError error={error} />
      {channels === null && !error && <p className="list-note">Loading…</p>}
      {channels !== null && shown.length === 0 && (
        <p className="list-note">{q ? `No channel matches “${query.trim()}”.` : 'No channels yet.'}</p>
      )}
      <ul className="dialog-list" aria-label="Channels">
        {shown.map((c) => (
          <li key={c.id} className="dialog-row">
            <span className="dialog-row-main">
              <span className="dialog-row-title"># {c.name}</span>
              <span className="dialog-row-detail">
                {c.memberCount === 1 ? '1 member' : `${c.memberCount} members`}
                {c.topic ? ` · ${c.topic}` : ''}
              </span>
            </span>
            <button
              type="button"
              className={c.member ? 'secondary' : 'primary'}
              disabled={busy}
              aria-label={c.member ? `Open #${c.name}` : `Join #${c.name}`}
              onClick={() => void open(c)}
            >
              {c.member ? 'Open' : 'Join'}
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
