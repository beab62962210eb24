/**
 * Runs async work one at a time per key, in the order `run` was called. Used for `message:send`: keyed
 * by (user, clientMessageId), the copies of a replay storm wait for the first to settle, then find it
 * stored and answer as replays; keyed by (user, channel), sends pass their checks in arrival order.
 *
 * When the key is free the work starts at once, inside the caller's `run` call, not a microtask later:
 * a caller that takes a second key from inside the work (replay key, then channel key) still queues on
 * it in the order the events arrived.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Not an async function: the work's own promise is returned, without a wrapper promise and an await a
   * call (two of these run for every message sent). The key is freed once its last work settles.
   */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(work) : startNow(work);
    const tail: Promise<void> = result.then(
      () => this.free(key, tail),
      () => this.free(key, tail),
    );
    this.tails.set(key, tail);
    return result;
  }

  private free(key: string, tail: Promise<void>): void {
    if (this.tails.get(key) === tail) this.tails.delete(key);
  }

  get size(): number {
    return this.tails.size;
  }
}

/** Calls `work` now; a synchronous throw becomes a rejection, as it would inside `then`. */
function startNow<T>(work: () => Promise<T>): Promise<T> {
  try {
    return work();
  } catch (err) {
    return Promise.reject(err);
  }
}
