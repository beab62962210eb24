/**
 * Password checks (scrypt: ~16 MiB and tens of ms of CPU each) run in a bounded pool, so a flood of
 * logins cannot starve real ones. At most `concurrency` run at once, and at most `perAddressRunning` for
 * one client address: one address flooding never holds every slot, so a login from anywhere else starts
 * at once. The rest wait in one queue per address; a free slot goes to the waiting address with the
 * fewest checks running. An address with `perAddressQueue` waiting, or a pool with `queueLimit` waiting
 * in all, is refused at once with RATE_LIMITED (429) instead of queueing without end.
 */
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';

export interface HashPoolLimits {
  concurrency: number;
  perAddressRunning: number;
  perAddressQueue: number;
  queueLimit: number;
}

/** Half of libuv's 4 threads: file and DNS work keep the other half. */
export const DEFAULT_HASH_POOL: HashPoolLimits = {
  concurrency: 2,
  perAddressRunning: 1,
  perAddressQueue: 8,
  queueLimit: 128,
};

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export const busy = () =>
  new AppError(ErrorCode.RATE_LIMITED, 'Too many sign-ins at once: try again in a moment');

export class HashPool {
  /** address → its waiting jobs; Map order is the turn order. */
  private readonly waiting = new Map<string, Job[]>();
  /** address → its checks running now. */
  private readonly runningBy = new Map<string, number>();
  private queued = 0;
  private running = 0;

  constructor(private readonly limits: HashPoolLimits = DEFAULT_HASH_POOL) {}

  run<T>(address: string, task: () => Promise<T>): Promise<T> {
    const own = this.waiting.get(address);
    if ((own?.length ?? 0) >= this.limits.perAddressQueue || this.queued >= this.limits.queueLimit) {
      return Promise.reject(busy());
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = { run: task, resolve: resolve as (value: unknown) => void, reject };
      if (own) own.push(job);
      else this.waiting.set(address, [job]);
      this.queued++;
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.limits.concurrency) {
      const address = this.pick();
      if (address === undefined) return;
      const jobs = this.waiting.get(address)!;
      const job = jobs.shift()!;
      if (jobs.length === 0) this.waiting.delete(address);
      this.queued--;
      this.running++;
      this.runningBy.set(address, (this.runningBy.get(address) ?? 0) + 1);
      job
        .run()
        .then(job.resolve, job.reject)
        .finally(() => {
          this.running--;
          const left = this.runningBy.get(address)! - 1;
          if (left === 0) this.runningBy.delete(address);
          else this.runningBy.set(address, left);
          this.next();
        });
    }
  }

  /** The waiting address with the fewest checks running (earliest first on a tie), below its cap. */
  private pick(): string | undefined {
    let best: string | undefined;
    let fewest = this.limits.perAddressRunning;
    for (const address of this.waiting.keys()) {
      const running = this.runningBy.get(address) ?? 0;
      if (running < fewest) {
        best = address;
        fewest = running;
      }
    }
    return best;
  }
}
