import type { OutboxItem } from '../../src-shared/bridge';
import { conversationLabel } from '../channels/conversation-label';
import { useApp, useAppStore } from '../store/context';

/** Everything we wrote that the server has not taken yet: retry it, or let it go. */
export function OutboxPanel() {
  const store = useAppStore();
  const items = useApp((s) => s.outbox);
  const failed = useApp((s) => s.outboxCounts.failed);
  const close = () => store.getState().setOutboxOpen(false);
  /** A click that retries or discards the item, then reads the outbox again. */
  const act = (action: 'retryMessage' | 'discardMessage', item: OutboxItem) => () =>
    void store
      .getState()
      [action](item.clientMessageId)
      .then(() => store.getState().refreshOutbox());
  return (
    <section className="outbox-panel" aria-label="Outbox">
      <header className="pane-header">
        <h2>Outbox</h2>
        <button type="button" className="icon-button" aria-label="Close outbox" onClick={close}>
          ×
        </button>
      </header>
      <div className="outbox-actions">
        <button type="button" disabled={items.length === 0} onClick={() => void store.getState().retryAll()}>
          Retry all
        </button>
        <button
          type="button"
          className="danger"
          disabled={failed === 0}
          onClick={() => void store.getState().discardAllFailed()}
        >
          Discard failed
        </button>
      </div>
      {items.length === 0 ? (
        <p className="list-note">Nothing waiting: every message has been sent.</p>
      ) : (
        <ul className="outbox-list">
          {items.map((item) => (
            <li key={item.clientMessageId} className={`outbox-item ${item.status.toLowerCase()}`}>
              <div className="outbox-meta">
                <span>{whereQueued(item)}</span>
                <span className="outbox-status">{item.status}</span>
                {item.attempts > 0 && <span>{item.attempts} attempts</span>}
              </div>
              <p className="outbox-content">{item.content}</p>
              {item.failure && <p className="failure-reason">{item.failure.message}</p>}
              <div className="outbox-item-actions">
                <button type="button" className="link-button" onClick={act('retryMessage', item)}>
                  Retry
                </button>
                <button type="button" className="link-button danger" onClick={act('discardMessage', item)}>
                  Discard
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Where the item was written: a #channel, a direct message by its people (or 'Only you'), or a channel no longer held. */
function whereQueued(item: OutboxItem): string {
  // No kind: a channel no longer held here (left, or removed), whose name went with it.
  if (item.channelKind === undefined) return 'A channel you have left';
  const label = conversationLabel({ kind: item.channelKind, name: item.channelName });
  return item.channelKind === 'dm' ? `Direct message: ${label}` : label;
}
