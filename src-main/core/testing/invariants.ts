/**
 * The outbox invariant, checked from both ends: every numbered message on the server exactly once
 * and in per-channel order, and locally nothing left Sending or Failed.
 */
import { expect } from 'vitest';
import { login } from '../../../src-server/testing';
import { ChannelList, type Message } from '../../../src-shared/protocol';
import {
  assertExactlyOnceInOrder,
  channelId,
  outboxEmpty,
  serverMessages,
  type TestCore,
  waitFor,
} from './harness';

/** Queues `count` numbered messages alternating general/random while offline, then goes online. */
export async function queueOffline(
  t: TestCore,
  prefix: string,
  count: number,
): Promise<Map<string, number[]>> {
  const ids = [await channelId(t, 'general'), await channelId(t, 'random')] as const;
  const expected = new Map<string, number[]>(ids.map((id) => [id, []]));
  t.core.networkChanged(false);
  for (let i = 0; i < count; i++) {
    const id = ids[i % 2] as string;
    await t.core.handlers.sendMessage({ channelId: id, content: `${prefix}${i}` });
    expected.get(id)?.push(i);
  }
  return expected;
}

export async function onServer(
  url: string,
  token: string,
  ids: Iterable<string>,
): Promise<Map<string, Message[]>> {
  const byChannel = new Map<string, Message[]>();
  for (const id of ids) byChannel.set(id, await serverMessages(url, token, id));
  return byChannel;
}

/** How many messages the server has accepted in the user's channels: cheap enough to poll. */
export async function acceptedSoFar(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/api/channels`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`channels ${res.status}`);
  return ChannelList.parse(await res.json()).reduce((sum, c) => sum + c.lastSeq, 0);
}

/**
 * Queues `count` messages from `t` offline (as queueOffline), lets the network back, and waits until the
 * server at `serverUrl` has stored at least one of them: a flush under way, for a failure to cut into.
 * `base` is what the server had stored before; `token` is alice's, to read it with acceptedSoFar.
 */
export async function flushUnderWay(t: TestCore, serverUrl: string, prefix: string, count: number) {
  const { token } = await login(serverUrl, 'alice');
  const expected = await queueOffline(t, prefix, count);
  const base = await acceptedSoFar(serverUrl, token);
  t.core.networkChanged(true);
  await waitFor(async () => (await acceptedSoFar(serverUrl, token)) > base, 'flush started');
  return { expected, token, base };
}

/**
 * Locally: every numbered message once and Sent; none left Sending, and none Failed but the `failed`
 * the caller expects (messages refused for good, which stay in the outbox and are not listed here).
 */
export async function assertAllSentLocally(
  t: TestCore,
  prefix: string,
  expected: Map<string, number[]>,
  failed = 0,
): Promise<void> {
  const outbox = await t.core.handlers.listOutbox(undefined);
  expect(outbox.filter((item) => item.status !== 'Failed')).toEqual([]);
  expect(outbox).toHaveLength(failed);
  for (const [id, numbers] of expected) {
    const page = await t.core.handlers.listMessages({ channelId: id, limit: 500 });
    const mine = page.messages.filter((m) => m.content.startsWith(prefix) && m.status !== 'Failed');
    expect(mine.map((m) => Number(m.content.slice(prefix.length)))).toEqual(numbers);
    // Each one Sent; a channel whose every message was refused has none (a set of statuses would
    // then be empty and never equal {Sent}: order.fuzz seed 653460979).
    expect(mine.map((m) => m.status)).toEqual(numbers.map(() => 'Sent'));
  }
}

export async function verify(t: TestCore, url: string, prefix: string, expected: Map<string, number[]>) {
  await waitFor(() => outboxEmpty(t), 'outbox empty');
  const { token } = await login(url, 'alice');
  assertExactlyOnceInOrder(await onServer(url, token, expected.keys()), prefix, expected);
  await assertAllSentLocally(t, prefix, expected);
}
