/**
 * The operation-queue tests' pieces (changes.test, uploads.test): a real server, an app core on a
 * user-data folder (signed in unless that folder already holds a session), and a scripted app killed
 * with kill -9 right after its last call returned, then restarted on its folder and flushed.
 */
import { startTestServer, type TestServer } from '../../../src-server/testing';
import type { ScriptOp } from './child-ops';
import type { Cleanup } from './cleanups';
import { createTestCore, outboxEmpty, signIn, type TestCore, waitFor } from './harness';
import { spawnCoreChild } from './spawn-child';

export function queueFixtures(cleanups: Cleanup[]) {
  async function server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
    const s = await startTestServer({ messageRateLimit: 0, ...opts });
    cleanups.push(() => s.close());
    return s;
  }

  async function app(url: string, username: string, userData?: string): Promise<TestCore> {
    const t = await createTestCore({ userData });
    cleanups.push(() => t.close({ keep: userData !== undefined }));
    if (!(await t.core.handlers.getSession(undefined)).signedIn) await signIn(t, url, username);
    return t;
  }

  /** Only the commits (and staged copies) can have kept what `script` did: the child dies at once. */
  async function killedThenRestarted(s: TestServer, userData: string, script: ScriptOp[]): Promise<TestCore> {
    const child = spawnCoreChild(
      'src-main/core/testing/child-ops.ts',
      [userData, s.url, 'alice', JSON.stringify(script)],
      (process) => process.kill('SIGKILL'),
    );
    cleanups.push(() => child.kill());
    await child.queued;
    await child.kill();
    const restarted = await app(s.url, 'alice', userData);
    await waitFor(() => outboxEmpty(restarted), 'the queue flushed');
    return restarted;
  }

  return { server, app, killedThenRestarted };
}
