/**
 * Store commit latency and the writer queue depth, measured around the Store interface in one place for
 * both backends (SQLite's writer thread and PostgreSQL): the store's own files stay free of metrics.
 * The latency counts from the moment a write is handed to the store, so a wait in the group-commit queue
 * shows in it, as it shows in the sender's ack.
 */
import type { Store } from '../store/types';
import type { Metrics } from './metrics';

const WRITES = ['insertMessage', 'recordReceipt'] as const;

/** The same store, its writes timed; every other method is the store's own. */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const timed: Partial<Store> = {};
  for (const op of WRITES) {
    const write = store[op].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (timed as Record<string, unknown>)[op] = (...args: unknown[]) => {
      const start = performance.now();
      metrics.writerQueueDepth.inc();
      return write(...args).finally(() => {
        metrics.writerQueueDepth.dec();
        metrics.storeCommitLatency.observeFor((performance.now() - start) / 1000, op);
      });
    };
  }
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key) {
      if (typeof key === 'string' && Object.hasOwn(timed, key)) return timed[key as keyof Store];
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (!bound.has(key)) bound.set(key, value.bind(target));
      return bound.get(key);
    },
  });
}
