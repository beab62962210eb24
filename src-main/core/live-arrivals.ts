/**
 * Live `message:new` arrivals, coalesced per socket read: what came in together (a burst is many socket
 * frames in one read, each handled synchronously) is ingested in one commit and raised in one UI event,
 * instead of one of each per message (bench figure 14: 830 messages a second held the main process).
 * The batch is ingested in a microtask, as soon as the read that brought it is handled: behind a
 * setImmediate it also waited for every other callback due in that turn of the loop (another socket's
 * read, timers), in bench figure 2 the other core's ack, its commit and its UI events. Order is
 * kept: the server's other events call `flush()` before they are handled (server-events.ts), so an
 * edit or a receipt never overtakes the message it is about. Nothing is acknowledged to the server on
 * arrival, so a kill -9 before the flush loses nothing: the channel's cursor has not moved over those
 * messages, and the next catch-up fetches them again.
 */
import type { Message } from '../../src-shared/protocol';
import type { ReportFault } from './guard';

/** A burst bigger than this is committed at once, without waiting for the end of the read. */
export const MAX_LIVE_BATCH = 500;

export class LiveArrivals {
  private pending: Message[] = [];
  /** A microtask will ingest what is pending (a flush before it leaves it nothing to do). */
  private scheduled = false;

  constructor(
    private readonly ingest: (messages: Message[]) => void,
    private readonly fault: ReportFault,
  ) {}

  add(message: Message): void {
    this.pending.push(message);
    if (this.pending.length >= MAX_LIVE_BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        if (!this.scheduled) return;
        try {
          this.flush();
        } catch (error) {
          this.fault('ingesting live messages', error);
        }
      });
    }
  }

  /** Ingests what is waiting, now (throws what the ingest throws). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.ingest(batch);
  }

  /** The account closes: what is waiting is ingested first (a failure is reported, not thrown). */
  dispose(): void {
    try {
      this.flush();
    } catch (error) {
      this.fault('ingesting live messages', error);
    }
  }
}
