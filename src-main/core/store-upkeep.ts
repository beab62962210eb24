/**
 * The local database's upkeep, between the user's actions rather than inside them.
 *
 * WAL checkpoints: SQLite's automatic checkpoint runs in whichever commit crosses the WAL's size limit
 * and syncs the database file there: a few milliseconds that landed in one send out of ~150 (figure 6's
 * enqueue p99), and 100-300 ms in a catch-up's chunk commit (figure 13). The store raises that limit to
 * a safety net (database.ts) and this copies the WAL back on a timer, on a second connection in a
 * worker thread (store/checkpointer.ts), so neither a send nor a catch-up's loop waits for the copy or
 * its fsyncs. While the core catches up (`busy`) only every BUSY_CHECKPOINT_TICKS-th tick checkpoints:
 * often enough that the WAL does not grow by the whole catch-up, rarely enough not to copy the same hot
 * pages (the messages' indexes) again every tick. If the worker cannot start or stops, the timer
 * checkpoints on the main thread as before, between sends and not while the core catches up: each
 * checkpoint then held the event loop 100-200 ms under load.
 *
 * The search index: message writes only note what the index must take in (migration 010); this takes it
 * in, a bounded batch at a time, on the same tick, and batch after batch while a backlog lasts (a
 * catch-up of thousands of edits), yielding to the event loop between them so sends and acks interleave.
 * A search catches the index up itself first (store.search), so the index is never stale when read.
 * While the core catches up (`busy`), the index waits: indexing 10,000 caught-up messages took about a
 * sixth of the catch-up's CPU and held the event loop in its batches (bench figure 13), and nobody
 * searches what the catch-up has not finished bringing (a search that does still finds it, as above).
 */
import type { Checkpointer } from '../store/checkpointer';
import type { LocalStore } from '../store/store';
import type { ReportFault } from './guard';
import type { Clock } from './ports';

/** While busy, the worker checkpoints on one tick in this many. */
export const BUSY_CHECKPOINT_TICKS = 4;
/** Between two batches of a backlog: long enough for the socket's pending events to run first. */
const BACKLOG_GAP_MS = 5;
/** Messages indexed per turn of the event loop: a few milliseconds each batch (FTS5 insert + delete). */
export const UPKEEP_INDEX_BATCH = 100;
/**
 * A batch that failed is tried again after twice the last wait, up to this: a lasting failure (a
 * damaged index) is reported about once a minute instead of every tick, and costs no CPU meanwhile;
 * searches still catch the index up themselves and show their own error.
 */
export const INDEX_RETRY_MAX_MS = 60_000;

export class StoreUpkeep {
  private checkpointTimer: unknown = null;
  private indexTimer: unknown = null;
  /** The worker that checkpoints, null when it could not start or has stopped (then the timer does). */
  private checkpointer: Checkpointer | null = null;
  private ticks = 0;
  /** Index batches failed in a row (0 once one succeeds). */
  private indexFailures = 0;

  constructor(
    private readonly store: LocalStore,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly fault: ReportFault,
    /** Foreground work is running (a catch-up): the index can wait for it. */
    private readonly busy: () => boolean = () => false,
    /** Checkpoint on a worker thread (the default); false: on this thread's timer only. */
    inBackground = true,
  ) {
    if (inBackground) this.startCheckpointer();
    this.scheduleCheckpoint();
    this.scheduleIndex(this.intervalMs);
  }

  /** The background checkpoints' worker, when one runs (tests). */
  get background(): Checkpointer | null {
    return this.checkpointer;
  }

  /** Resolves once the background checkpoints' worker has ended (its connection closed). */
  dispose(): Promise<void> {
    const closed = this.checkpointer?.close() ?? Promise.resolve();
    this.checkpointer = null;
    for (const timer of [this.checkpointTimer, this.indexTimer])
      if (timer !== null) this.clock.clearTimeout(timer);
    this.checkpointTimer = null;
    this.indexTimer = null;
    return closed;
  }

  private startCheckpointer(): void {
    try {
      this.checkpointer = this.store.checkpointInBackground((error) => {
        this.fault('checkpointing the local database in the background', error);
        // The worker is gone: this thread's timer checkpoints from now on.
        this.checkpointer = null;
      });
    } catch (error) {
      this.fault('starting the background checkpoints', error);
      this.checkpointer = null;
    }
  }

  private scheduleCheckpoint(): void {
    this.checkpointTimer = this.clock.setTimeout(() => {
      this.ticks++;
      const busy = this.busy();
      try {
        if (this.checkpointer) {
          if (!busy || this.ticks % BUSY_CHECKPOINT_TICKS === 0)
            void this.checkpointer.checkpointNow().then((result) => {
              if (!result.ok && result.error !== 'closed')
                this.fault('checkpointing the local database', new Error(result.error));
            });
        } else if (!busy) this.store.checkpoint();
      } catch (error) {
        this.fault('checkpointing the local database', error);
      }
      this.scheduleCheckpoint();
    }, this.intervalMs);
  }

  private scheduleIndex(delayMs: number): void {
    this.indexTimer = this.clock.setTimeout(() => {
      if (this.busy()) return this.scheduleIndex(this.intervalMs);
      let backlog = false;
      try {
        backlog = this.store.indexForSearch(UPKEEP_INDEX_BATCH) === UPKEEP_INDEX_BATCH;
        this.indexFailures = 0;
      } catch (error) {
        this.indexFailures++;
        this.fault('indexing messages for search', error);
        return this.scheduleIndex(
          Math.min(this.intervalMs * 2 ** this.indexFailures, Math.max(this.intervalMs, INDEX_RETRY_MAX_MS)),
        );
      }
      this.scheduleIndex(backlog ? BACKLOG_GAP_MS : this.intervalMs);
    }, delayMs);
  }
}
