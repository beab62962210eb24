import type { LatencySummary } from '../lib/stats';

/** SQLite store writes committed on the main thread at idle, and on the writer thread. */
export interface WritePaths {
  inline: number;
  thread: number;
}

/** The real server's `insertStats`: its store insert's wall time, and where its writes committed. */
export type InsertStats = LatencySummary & { paths?: WritePaths };

/** What figures 1 and 3 say of the real server's inserts beside a row. */
export function insertNote(insert: InsertStats | undefined): string {
  if (!insert?.count) return '';
  const { p50, p99, paths } = insert;
  const where = paths
    ? `; writes committed inline at idle ${paths.inline}, on the writer thread ${paths.thread}`
    : '';
  return `; server's store.insertMessage wall time p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms${where}`;
}

/**
 * Times one async method of an object, wall clock, in place: the object keeps its identity, so whoever
 * later binds its methods (the server's metrics, its membership cache) binds the timed one. Used by
 * real-server.ts on the store as opened (startServer's decorateStore), before anything else holds it:
 * set on the instrumented store afterwards, as it used to be, the override was never called.
 */
export function timeMethod<T extends object, K extends keyof T>(
  target: T,
  method: K,
  record: (ms: number) => void,
): T {
  const original = target[method];
  if (typeof original !== 'function') throw new Error(`${String(method)} is not a method`);
  const call = (original as (...args: unknown[]) => Promise<unknown>).bind(target);
  // Reading performance.now() twice costs well under 1 µs.
  const timed = async (...args: unknown[]) => {
    const start = performance.now();
    try {
      return await call(...args);
    } finally {
      record(performance.now() - start);
    }
  };
  Object.defineProperty(target, method, { value: timed, configurable: true, writable: true });
  return target;
}
