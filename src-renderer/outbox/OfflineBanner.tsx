import { useApp } from '../store/context';

export function waitingText(count: number): string {
  if (count === 0) return 'Messages you send now go out when the connection returns.';
  return count === 1
    ? '1 message is waiting and goes out when the connection returns.'
    : `${count} messages are waiting and go out when the connection returns.`;
}

/** While offline: say so, and how many messages wait in the outbox. */
export function OfflineBanner() {
  const offline = useApp((s) => s.connection.state === 'offline');
  const waiting = useApp((s) => s.outboxCounts.sending);
  const failed = useApp((s) => s.outboxCounts.failed);
  const setOutboxOpen = useApp((s) => s.setOutboxOpen);
  if (!offline) return null;
  return (
    <div className="offline-banner" role="status" data-waiting={waiting}>
      <strong>You're offline.</strong> {waitingText(waiting)}
      {failed > 0 && (
        <button type="button" className="link-button" onClick={() => setOutboxOpen(true)}>
          {failed} failed: review
        </button>
      )}
    </div>
  );
}
