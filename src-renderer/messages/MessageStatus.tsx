import { useId, useState } from 'react';
import type { MessageView, UiStatus } from '../../src-shared/bridge';
import { MessageDeliveryStatus } from '../../src-shared/protocol/codes';
import { useApp } from '../store/context';
import { LineIcon } from './LineIcon';

/** "Seen by bob, carol · Delivered to dave", for the status's tooltip. */
export function seenByText(seenBy: MessageView['seenBy']): string {
  const read = seenBy.filter((s) => s.status === MessageDeliveryStatus.READ).map((s) => s.name);
  const delivered = seenBy.filter((s) => s.status === MessageDeliveryStatus.DELIVERED).map((s) => s.name);
  const parts = [];
  if (read.length > 0) parts.push(`Seen by ${read.join(', ')}`);
  if (delivered.length > 0) parts.push(`Delivered to ${delivered.join(', ')}`);
  return parts.join(' · ');
}

/** "Seen by bob" (one reader), "Seen by 2 of 5", "Seen by everyone"; null before anyone has read it. */
export function seenBySummary(seenBy: MessageView['seenBy'], others: number): string | null {
  const readers = seenBy.filter((s) => s.status === MessageDeliveryStatus.READ);
  if (readers.length === 0) return null;
  if (readers.length === 1) return `Seen by ${readers[0]!.name}`;
  if (others > 0 && readers.length >= others) return 'Seen by everyone';
  return `Seen by ${readers.length} of ${Math.max(others, readers.length)}`;
}

/**
 * The status of an own message as a small mark (issue 12: a line of text doubled short messages).
 * The word stays in the element, for screen readers and QA (`message-status`). `always`: the last
 * own message shows it at rest; the others on hover or focus.
 */
export function MessageStatus({ message, always }: { message: MessageView; always: boolean }) {
  if (!message.own || !message.status) return null;
  const seen = seenByText(message.seenBy);
  const failure = message.status === 'Failed' ? message.failure?.message : undefined;
  return (
    <span
      data-testid="message-status"
      className={`message-status status-${message.status.toLowerCase()}${always ? ' always' : ''}`}
      title={failure ?? (seen || message.status)}
    >
      <StatusIcon status={message.status} />
      <span className="visually-hidden">{message.status}</span>
    </span>
  );
}

/** Who has read an own message, in words; a button that lists every member and how far each got. */
export function SeenBy({ message, tabIndex }: { message: MessageView; tabIndex?: number }) {
  const members = useApp((s) => s.channels.find((c) => c.id === message.channelId)?.members);
  const [open, setOpen] = useState(false);
  const listId = useId();
  const others = (members ?? []).filter((m) => m.id !== message.author.id);
  const summary = seenBySummary(message.seenBy, others.length);
  if (!message.own || !summary) return null;
  const statusOf = new Map(message.seenBy.map((s) => [s.userId, s.status]));
  const people = others.length > 0 ? others : message.seenBy.map((s) => ({ id: s.userId, name: s.name }));
  return (
    <span className="seen-by">
      <button
        type="button"
        data-testid="message-seen-by"
        className="seen-by-button link-button"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        tabIndex={tabIndex}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && open) {
            e.stopPropagation();
            setOpen(false);
          }
        }}
      >
        {summary}
      </button>
      {open && (
        <ul id={listId} className="seen-by-list" aria-label="Seen by">
          {people.map((p) => (
            <li key={p.id}>
              <span>{p.name}</span>
              <span className="seen-by-state">{stateWord(statusOf.get(p.id))}</span>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}

function stateWord(status: MessageDeliveryStatus | undefined): string {
  if (status === MessageDeliveryStatus.READ) return 'Read';
  if (status === MessageDeliveryStatus.DELIVERED) return 'Delivered';
  return 'Not yet';
}

/** Clock (sending), one tick (sent), two ticks (delivered), two bold ticks (read), "!" (failed). */
const ICON_PATHS: Record<UiStatus, string> = {
  Sending: 'M8 2.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11M8 5v3l2 1.5',
  Sent: 'M3.5 8.5l3 3 6-7',
  Delivered: 'M1.5 8.5l3 3 6-7M7.5 11.5l6-7',
  Read: 'M1.5 8.5l3 3 6-7M7.5 11.5l6-7',
  Failed: 'M8 2a6 6 0 1 0 0 12a6 6 0 1 0 0-12M8 4.8v3.8M8 11.2v.1',
};

function StatusIcon({ status }: { status: UiStatus }) {
  return <LineIcon path={ICON_PATHS[status]} strokeWidth={status === 'Read' ? 2.2 : 1.6} />;
}
