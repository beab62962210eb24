/**
 * GET /readyz: can this instance serve? The store answers a query and, with REDIS_URL, Redis answers a
 * PING, each within READY_TIMEOUT_MS. A load balancer stops sending new clients to an instance that is
 * not ready; /healthz stays the liveness probe (the process answers at all), so a database outage makes
 * instances unready without getting them restarted.
 */
import type { Store } from '../store/types';

export const READY_TIMEOUT_MS = 2_000;

/** A query that touches the database and finds nothing: the nil UUID names no user. */
const NO_USER = '00000000-0000-0000-0000-000000000000';

export interface ReadinessDeps {
  store: Store;
  redis?: { ping(): Promise<void> };
}

export interface Readiness {
  ready: boolean;
  /** "ok", or why not (no secrets: messages of our own making). */
  checks: Record<string, string>;
}

export async function checkReadiness({ store, redis }: ReadinessDeps): Promise<Readiness> {
  const probes: [string, () => Promise<unknown>][] = [['store', () => store.getUser(NO_USER)]];
  if (redis) probes.push(['redis', () => redis.ping()]);
  const results = await Promise.all(probes.map(([, probe]) => withTimeout(probe())));
  const checks = Object.fromEntries(probes.map(([name], i) => [name, results[i]!]));
  return { ready: results.every((r) => r === 'ok'), checks };
}

async function withTimeout(probe: Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe.then(() => 'ok'), timeout]);
  } catch {
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
