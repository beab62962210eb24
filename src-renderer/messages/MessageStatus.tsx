import type { MessageView } from '../../src-shared/bridge';
import { MessageDeliveryStatus } from '../../src-shared/protocol/events';

/** "Seen by bob, carol · Delivered to dave", for the status's tooltip. */
export function seenByText(seenBy: MessageView['seenBy']): string {
  const read = seenBy.filter((s) => s.status === MessageDeliveryStatus.READ).map((s) => s.name);
  const delivered = seenBy.filter((s) => s.status === MessageDeliveryStatus.DELIVERED).map((s) => s.name);
  const parts = [];
  if (read.length > 0) parts.push(`Seen by ${read.join(', ')}`);
  if (delivered.length > 0) parts.push(`Delivered to ${delivered.join(', ')}`);
  return parts.join(' · ');
}

export function MessageStatus({ message }: { message: MessageView }) {
  if (!message.own || !message.status) return null;
  const seen = seenByText(message.seenBy);
  const failure = message.status === 'Failed' ? message.failure?.message : undefined;
  return (
    <span
      data-testid="message-status"
      className={`message-status status-${message.status.toLowerCase()}`}
      title={failure ?? (seen || undefined)}
    >
      {message.status}
    </span>
  );
}
