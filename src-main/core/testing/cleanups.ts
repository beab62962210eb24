/**
 * What a test started and must stop: pushed while it runs, run newest first after it, every one of
 * them even when one fails; then the first failure fails the test.
 */
import { afterEach } from 'vitest';

export type Cleanup = () => Promise<unknown>;

export function cleanupAfterEach(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw errors[0];
  });
  return cleanups;
}
