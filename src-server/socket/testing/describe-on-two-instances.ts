/**
 * A suite run on two server instances sharing one SQLite file and one Redis (startTwoInstances), started
 * once for its file; without redis-server on the machine it is skipped, saying why.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { redisUnavailable, startTwoInstances, type TwoInstances } from '../../redis-server';

export function describeOnTwoInstances(
  title: string,
  file: string,
  body: (instances: TwoInstances) => void,
): void {
  const unavailable = redisUnavailable();
  if (unavailable) console.warn(`${file} skipped: ${unavailable}`);
  describe.skipIf(unavailable !== undefined)(title, () => {
    let started: TwoInstances | undefined;
    beforeAll(async () => {
      started = await startTwoInstances();
    });
    afterAll(() => started?.stop());
    const live = (): TwoInstances => {
      if (!started) throw new Error('the two instances are not started yet (use them inside a test)');
      return started;
    };
    // Read in the tests, once beforeAll has started them.
    body({
      get redis() {
        return live().redis;
      },
      get dataDir() {
        return live().dataDir;
      },
      get a() {
        return live().a;
      },
      get b() {
        return live().b;
      },
      get sockets() {
        return live().sockets;
      },
      stop: () => live().stop(),
    });
  });
}
