/**
 * WAL checkpoints between the user's actions, not inside them. SQLite's automatic checkpoint runs
 * in whichever commit crosses the WAL's size limit and syncs the database file there: a few
 * milliseconds that landed in one send out of ~150 (figure 6's enqueue p99). The store raises that
 * limit to a safety net (database.ts) and this copies the WAL back on a timer, outside any send.
 */
import type { LocalStore } from '../store/store';
import type { ReportFault } from './guard';
import type { Clock } from './ports';

export class Checkpoints {
  private timer: unknown = null;

  constructor(
    private readonly store: LocalStore,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly fault: ReportFault,
  ) {
    this.schedule();
  }

  dispose(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      try {
        this.store.checkpoint();
      } catch (error) {
        this.fault('checkpointing the local database', error);
      }
      this.schedule();
    }, this.intervalMs);
  }
}
