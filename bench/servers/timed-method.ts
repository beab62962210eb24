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
