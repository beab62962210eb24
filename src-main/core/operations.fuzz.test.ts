/**
 * The operation queue as a property (issue 14): a random sequence of sends, edits, deletions and
 * reactions, with the app restarted at random points (ops queued, in flight or acknowledged), ends on
 * the server exactly as the same sequence applied without restarts: the intent, each op once, in order.
 *
 * A restart closes the core mid-flush and opens a new one on the same folder: what survives is what
 * the commits kept, as after kill -9 (every op is committed before its call returns; the child-process
 * kill -9 itself is in changes.test.ts). `npm test` samples 3 cases; `npm run test:fuzz` runs more.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { login, startTestServer, type TestServer } from '../../src-server/testing';
import { fuzzReplay, fuzzRuns } from '../../src-shared/testing/fuzz';
import {
  createTestCore,
  outboxEmpty,
  serverMessages,
  signIn,
  type TestCore,
  waitFor,
} from './testing/harness';

type Step =
  | { kind: 'send' }
  | { kind: 'edit' | 'delete'; target: number }
  | { kind: 'react' | 'unreact'; target: number; emoji: string }
  | { kind: 'restart'; afterMs: number };

const EMOJI = ['👍', '🎉', '👀'];
const Step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'send' as const }),
  fc.record({ kind: fc.constantFrom('edit' as const, 'delete' as const), target: fc.nat({ max: 5 }) }),
  fc.record({
    kind: fc.constantFrom('react' as const, 'unreact' as const),
    target: fc.nat({ max: 5 }),
    emoji: fc.constantFrom(...EMOJI),
  }),
  fc.record({ kind: fc.constant('restart' as const), afterMs: fc.nat({ max: 40 }) }),
);

/** The intent: each message of the run as the person meant it to end. */
interface Intended {
  content: string;
  deleted: boolean;
  emoji: Set<string>;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ messageRateLimit: 0 });
});
afterAll(async () => {
  await server?.close();
});

let run = 0;

async function checkCase(steps: Step[]): Promise<void> {
  const { token, user } = await login(server.url, 'alice');
  const created = await fetch(`${server.url}/api/channels`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `ops-${process.pid}-${run++}`, private: false }),
  });
  const channelId = ((await created.json()) as { id: string }).id;
  let t: TestCore = await createTestCore();
  const userData = t.userData;
  try {
    await signIn(t, server.url, 'alice');
    const intent: Intended[] = [];
    const keys: string[] = [];
    let n = 0;
    for (const step of steps) {
      const h = t.core.handlers;
      if (step.kind === 'restart') {
        await new Promise((resolve) => setTimeout(resolve, step.afterMs));
        await t.close({ keep: true });
        t = await createTestCore({ userData });
        continue;
      }
      if (step.kind === 'send') {
        const content = `m${n++}`;
        keys.push((await h.sendMessage({ channelId, content })).key);
        intent.push({ content, deleted: false, emoji: new Set() });
        continue;
      }
      const i = step.target % Math.max(1, intent.length);
      const meant = intent[i];
      const key = keys[i];
      if (!meant || !key || meant.deleted) continue; // the app refuses these; nothing is queued
      if (step.kind === 'edit') {
        meant.content = `${meant.content}+`;
        await h.editMessage({ channelId, key, content: meant.content });
      } else if (step.kind === 'delete') {
        meant.deleted = true;
        await h.deleteMessage({ channelId, key });
      } else if ('emoji' in step && step.kind === 'react') {
        meant.emoji.add(step.emoji);
        await h.addReaction({ channelId, key, emoji: step.emoji });
      } else if ('emoji' in step) {
        meant.emoji.delete(step.emoji);
        await h.removeReaction({ channelId, key, emoji: step.emoji });
      }
    }
    await waitFor(() => outboxEmpty(t), 'queue flushed');
    const onServer = (await serverMessages(server.url, token, channelId)).filter((m) => m.userId === user.id);
    const got = onServer.map((m) => ({
      content: m.content,
      deleted: m.deleted,
      emoji: m.reactions
        .filter((r) => r.userIds.includes(user.id))
        .map((r) => r.emoji)
        .sort(),
    }));
    const want = intent.map((m) => ({
      content: m.deleted ? '' : m.content,
      deleted: m.deleted,
      emoji: m.deleted ? [] : [...m.emoji].sort(),
    }));
    // A tombstone keeps its reactions or not as the server likes; only what is shown counts.
    for (const g of got) if (g.deleted) g.emoji = [];
    if (JSON.stringify(got) !== JSON.stringify(want))
      throw new Error(
        `server ${JSON.stringify(got)}\nintent ${JSON.stringify(want)}\nsteps ${JSON.stringify(steps)}`,
      );
  } finally {
    await t.close();
  }
}

describe('the operation queue, as a property', () => {
  it('random operations with random restarts end on the server as the intent, each once, in order', async () => {
    await fc.assert(fc.asyncProperty(fc.array(Step, { minLength: 4, maxLength: 16 }), checkCase), {
      numRuns: fuzzRuns(3),
      ...fuzzReplay(),
    });
  }, 240_000);
});
