/**
 * Pieces of long jobs (a catch-up's chunks), one per turn of the event loop, however many jobs run at
 * once. Each job awaiting its own `setImmediate` let four channels' chunks run back to back in one check
 * phase: four times the chunk between two turns of the loop (bench figure 13's event-loop delay).
 * Here the jobs wait in one line and the next is let go on the next turn, so timers, sockets and the
 * UI's calls get a turn between any two pieces.
 */
export class Turns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves on a later turn of the event loop, after every job that asked before. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()?.();
      // Queued from inside the check phase: it runs on the next turn, not in this one.
      if (this.waiting.length > 0) this.schedule();
    });
  }
}
