/**
 * Pacing after RATE_LIMITED. The server's limit is per user, across channels, and every refusal says
 * how long is left (`retryAfterMs`). After one, no channel sends before that time, and then each channel
 * sends one message at a time (a window of one) for PACED_MS after the last refusal: a backlog drains at
 * the server's rate with about one refusal per block, instead of a pipeline of refusals each time.
 *
 * Kept in the account's database, so an app restarted during a block does not pipeline its whole outbox
 * into it (issue 11: a reconnecting app resent everything into an active block, 15,653 refusals for
 * 4,870 messages). Order never depends on it: numbered sends are ordered by the server.
 */
import type { DeviceSequence } from '../store/device-sequence';
import type { Clock } from './ports';

/** How long the window of one lasts after the last refusal. */
export const PACED_MS = 10_000;
/** A wait longer than this (a clock set back while it was stored) is not believed. */
const MAX_WAIT_MS = 60_000;

const KEY = 'rate_limited';

interface Persisted {
  /** No send before this (epoch ms on the core's clock). */
  notBefore: number;
  /** One message at a time per channel until this. */
  pacedUntil: number;
}

export class SendPacer {
  private state: Persisted;

  constructor(
    private readonly sequence: DeviceSequence,
    private readonly clock: Clock,
  ) {
    this.state = read(sequence.meta(KEY));
  }

  /** A refusal said to wait `retryAfterMs`. */
  limited(retryAfterMs: number): void {
    const now = this.clock.now();
    const notBefore = Math.max(this.state.notBefore, now + retryAfterMs);
    this.state = { notBefore, pacedUntil: notBefore + PACED_MS };
    this.sequence.setMeta(KEY, JSON.stringify(this.state));
  }

  /** When sending may start again, if that is later than now. */
  waitUntil(): number | undefined {
    const now = this.clock.now();
    const { notBefore } = this.state;
    return notBefore > now && notBefore <= now + MAX_WAIT_MS ? notBefore : undefined;
  }

  /** The window a channel may use now. */
  window(normal: number): number {
    const now = this.clock.now();
    const { pacedUntil } = this.state;
    return now < pacedUntil && pacedUntil <= now + MAX_WAIT_MS + PACED_MS ? 1 : normal;
  }
}

function read(value: string | undefined): Persisted {
  try {
    const parsed = JSON.parse(value ?? '{}') as Partial<Persisted>;
    return {
      notBefore: Number(parsed.notBefore) || 0,
      pacedUntil: Number(parsed.pacedUntil) || 0,
    };
  } catch {
    return { notBefore: 0, pacedUntil: 0 };
  }
}
