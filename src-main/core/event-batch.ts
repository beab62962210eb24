/**
 * The UI's events for a batch of work (a catch-up chunk, the live arrivals of one turn, a history
 * page), held until it is done: each message touched once, as it is at the end, in one
 * `messagesUpserted` event (a batch of one stays `messageUpserted`); the outbox counts once; unread
 * once per channel, after the messages. Per message, 10,000 caught-up messages were 10,000 bridge
 * events and 10,000 renderer store updates (bench figure 13), and the badge total was counted after
 * each one (quadratic).
 */
import { MAX_UPSERT_BATCH, type MessageView } from '../../src-shared/bridge';
import type { MessageRow } from '../store/store';
import type { CoreEmitter } from './emitter';

export interface BatchSinks {
  emitter: CoreEmitter;
  view(row: MessageRow): MessageView;
  outboxCounts(): void;
  unread(channelIds: Iterable<string>): void;
  /**
   * Runs the batch's views' reads in one read transaction of the store. Each statement outside a transaction
   * takes and drops the WAL's read lock on its own (two `fcntl`s and a look at the WAL index): for the
   * four reads of each acknowledged send's view, that was most of what the view cost (bench figure 6).
   */
  reading<T>(read: () => T): T;
}

interface Held {
  rows: Map<string, MessageRow>;
  outbox: boolean;
  unread: Set<string>;
}

export class EventBatch {
  private held: Held | null = null;

  constructor(private readonly sinks: BatchSinks) {}

  /** Runs `work` with the events held; a batch inside a batch joins the outer one. */
  run<T>(work: () => T): T {
    if (this.held) return work();
    const held: Held = { rows: new Map(), outbox: false, unread: new Set() };
    this.held = held;
    try {
      return work();
    } finally {
      this.held = null;
      this.release(held);
    }
  }

  message(row: MessageRow): void {
    // Held: the newest state wins; a key keeps its first place (the renderer sorts by seq anyway).
    if (this.held) this.held.rows.set(row.key, row);
    else this.emit([this.sinks.view(row)]);
  }

  outbox(): void {
    if (this.held) this.held.outbox = true;
    else this.sinks.outboxCounts();
  }

  unread(channelId: string): void {
    if (this.held) this.held.unread.add(channelId);
    else this.sinks.unread([channelId]);
  }

  private release(held: Held): void {
    // Views are built after the work: they read the store (queued changes, replies) as committed.
    // All in one read; emitted once it is over, so no listener runs inside it.
    const rows = [...held.rows.values()];
    const views =
      rows.length > 1
        ? this.sinks.reading(() => rows.map((row) => this.sinks.view(row)))
        : rows.map((row) => this.sinks.view(row));
    for (let at = 0; at < views.length; at += MAX_UPSERT_BATCH)
      this.emit(views.slice(at, at + MAX_UPSERT_BATCH));
    if (held.outbox) this.sinks.outboxCounts();
    if (held.unread.size > 0) this.sinks.unread(held.unread);
  }

  private emit(views: MessageView[]): void {
    if (views.length === 1) this.sinks.emitter.emit('messageUpserted', views[0]!);
    else if (views.length > 1) this.sinks.emitter.emit('messagesUpserted', views);
  }
}

/** Every message upserted, raised alone or in a batch, one call each (the bench's hosts, tests). */
export function onEachMessage(
  source: Pick<CoreEmitter, 'on'>,
  listener: (message: MessageView) => void,
): () => void {
  const offs = [
    source.on('messageUpserted', listener),
    source.on('messagesUpserted', (messages) => {
      for (const m of messages) listener(m);
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
