/**
 * Live `message:new` arrivals, coalesced per turn of the event loop: what came in together (a burst
 * is many socket frames in one read) is ingested in one commit and raised in one UI event, instead of
 * one of each per message (bench figure 14: 830 messages a second held the main process). Order is
 * kept: the server's other events call `flush()` before they are handled (server-events.ts), so an
 * edit or a receipt never overtakes the message it is about. Nothing is acknowledged to the server on
 * arrival, so a kill -9 before the flush loses nothing: the channel's cursor has not moved over those
 * messages, and the next catch-up fetches them again.
 */
import type { Message } from '../../src-shared/protocol';
import type { ReportFault } from './guard';

/** A burst bigger than this is committed at once, without waiting for the turn to end. */
export const MAX_LIVE_BATCH = 500;

export class LiveArrivals {
  private pending: Message[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    private readonly ingest: (messages: Message[]) => void,
    private readonly fault: ReportFault,
  ) {}

  add(message: Message): void {
    this.pending.push(message);
    if (this.pending.length >= MAX_LIVE_BATCH) this.flush();
    else
      this.scheduled ??= setImmediate(() => {
        this.scheduled = null;
        try {
          this.flush();
        } catch (error) {
          this.fault('ingesting live messages', error);
        }
      });
  }

  /** Ingests what is waiting, now (throws what the ingest throws). */
  flush(): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
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
