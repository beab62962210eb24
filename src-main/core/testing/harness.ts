/**
 * Test harness for the core: a real core on a temp user-data folder with plain-Node ports, an
 * event recorder, and helpers to read the server's view of a channel. No sleeps: `waitFor` polls
 * a condition and fails with a description when it never holds.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  type CallHandlers,
  type CallName,
  calls,
  type EventName,
  type EventPayload,
  events as eventSchemas,
  type Settings,
} from '../../../src-shared/bridge';
import { type Message, MessagesPage } from '../../../src-shared/protocol';
import { waitFor } from '../../../src-shared/testing/wait-for';
import { type Core, type CoreOptions, createCore } from '../create-core';
import {
  createFileSecretStore,
  createMemorySettingsStore,
  createRecordingNotifier,
  type RecordingNotifier,
  systemClock,
} from '../node-ports';
import type { CorePorts } from '../ports';

/** Short timeouts and backoff so the failure paths run in milliseconds. */
export const FAST: CoreOptions = {
  ackTimeoutMs: 4_000,
  backoffMinMs: 40,
  backoffMaxMs: 400,
  connectTimeoutMs: 3_000,
  requestTimeoutMs: 8_000,
  rateLimitWaitMs: 200,
  notificationCoalesceMs: 30,
};

export interface RecordedEvent {
  event: EventName;
  payload: unknown;
}

export interface TestCore {
  core: Core;
  userData: string;
  notifier: RecordingNotifier;
  events: RecordedEvent[];
  focusCalls: number;
  badge: number | undefined;
  opened: string[];
  /** Call outputs and event payloads that broke the bridge contract (close() fails if any). */
  violations: string[];
  of<E extends EventName>(event: E): EventPayload<E>[];
  /** Closes the core; the folder is removed unless `keep`. */
  close(opts?: { keep?: boolean }): Promise<void>;
}

const ALL_EVENTS: EventName[] = [
  'session',
  'connection',
  'channels',
  'messageUpserted',
  'messagesUpserted',
  'messageRemoved',
  'typing',
  'unread',
  'outbox',
  'navigate',
  'notification',
  'error',
  'people',
  'uploadProgress',
];

export async function makeUserData(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'relay-core-'));
}

export async function createTestCore(
  opts: {
    userData?: string;
    options?: CoreOptions;
    settings?: Partial<Settings>;
    start?: boolean;
    /**
     * Ports of a host besides the plain ones (the desktop's pickFiles, a fetch that steers requests, a
     * logger that watches what the core says).
     */
    ports?: Pick<CorePorts, 'pickFiles' | 'fetch' | 'logger'>;
  } = {},
): Promise<TestCore> {
  const userData = opts.userData ?? (await makeUserData());
  const notifier = createRecordingNotifier();
  const events: RecordedEvent[] = [];
  const test: TestCore = {
    core: undefined as unknown as Core,
    userData,
    notifier,
    events,
    focusCalls: 0,
    badge: undefined,
    opened: [],
    violations: [],
    // A batch (messagesUpserted) is its messages upserted in turn: of('messageUpserted') lists them too.
    of: <E extends EventName>(event: E) =>
      events.flatMap((e) =>
        e.event === event
          ? [e.payload as EventPayload<E>]
          : event === 'messageUpserted' && e.event === 'messagesUpserted'
            ? (e.payload as EventPayload<E>[])
            : [],
      ),
    async close({ keep = false } = {}) {
      await test.core.close();
      if (!keep) await rm(userData, { recursive: true, force: true });
      if (test.violations.length > 0)
        throw new Error(`bridge contract broken:\n${test.violations.join('\n')}`);
    },
  };
  test.core = createCore(
    {
      notifier,
      secrets: createFileSecretStore(userData),
      settings: createMemorySettingsStore(opts.settings),
      clock: systemClock,
      paths: { userData },
      openExternal: async (url) => {
        test.opened.push(url);
      },
      focusWindow: () => {
        test.focusCalls++;
      },
      setBadgeCount: (n) => {
        test.badge = n;
      },
      ...opts.ports,
    },
    { ...FAST, ...opts.options },
  );
  for (const event of ALL_EVENTS) {
    test.core.on(event, (payload) => {
      events.push({ event, payload });
      const checked = eventSchemas[event].safeParse(payload);
      if (!checked.success) test.violations.push(`event ${event}: ${checked.error.message}`);
    });
  }
  test.core = { ...test.core, handlers: checkedHandlers(test.core.handlers, test.violations) };
  if (opts.start !== false) await test.core.start();
  return test;
}

/** The handlers as the bridge's router calls them: inputs parsed, outputs checked against the contract. */
function checkedHandlers(handlers: CallHandlers, violations: string[]): CallHandlers {
  const checked = {} as Record<CallName, (input: unknown) => Promise<unknown>>;
  for (const name of Object.keys(calls) as CallName[]) {
    checked[name] = async (input: unknown) => {
      const args = calls[name].input.parse(input);
      const value = await (handlers[name] as (a: unknown) => unknown)(args);
      const output = calls[name].output.safeParse(value);
      if (!output.success) violations.push(`call ${name}: ${output.error.message}`);
      return value;
    };
  }
  return checked as unknown as CallHandlers;
}

/** Signs in and waits until connected with the channel list loaded. */
export async function signIn(t: TestCore, serverUrl: string, username: string): Promise<void> {
  await t.core.handlers.signIn({ serverUrl, username, password: 'password' });
  await waitForConnected(t);
  await waitFor(async () => (await t.core.handlers.listChannels(undefined)).length > 0, 'channels loaded');
  await waitForCaughtUp(t);
}

/** A core that signed in as `username` and was closed with its folder kept: what the next start finds. */
export async function signedInBefore(serverUrl: string, username: string) {
  const first = await createTestCore();
  await signIn(first, serverUrl, username);
  const user = (await first.core.handlers.getSession(undefined)).user!;
  await first.close({ keep: true });
  return { userData: first.userData, user };
}

/**
 * The catch-up after connecting has finished: every channel's catch-up cursor (the local store's) has
 * reached its newest message. Read from the file, not asked through listMessages: online, that call
 * fetches a missing newest message itself, so it answered "held" while the first sync's page was still
 * on its way (search.test failed so, once, under load: that page was then lost to going offline).
 */
export async function waitForCaughtUp(t: TestCore): Promise<void> {
  const { user } = await t.core.handlers.getSession(undefined);
  const db = new Database(join(t.userData, `relay-${user!.id}.sqlite`), { readonly: true });
  const cursorOf = db.prepare('SELECT cursor FROM channels WHERE id = ?').pluck();
  try {
    await waitFor(async () => {
      for (const channel of await t.core.handlers.listChannels(undefined)) {
        if (channel.lastSeq === 0) continue;
        if (((cursorOf.get(channel.id) as number | null) ?? 0) < channel.lastSeq) return false;
      }
      return true;
    }, 'caught up');
  } finally {
    db.close();
  }
}

export async function waitForConnected(t: TestCore): Promise<void> {
  await waitFor(
    async () => (await t.core.handlers.getSession(undefined)).connection === 'connected',
    'connected',
  );
}

export async function channelId(t: TestCore, name: string): Promise<string> {
  const channel = (await t.core.handlers.listChannels(undefined)).find((c) => c.name === name);
  if (!channel) throw new Error(`no channel ${name}`);
  return channel.id;
}

export async function outboxEmpty(t: TestCore): Promise<boolean> {
  return (await t.core.handlers.listOutbox(undefined)).length === 0;
}

/** Every message of a channel as the server has it, in seq order (HTTP history, paged). */
export async function serverMessages(
  serverUrl: string,
  token: string,
  channelId: string,
): Promise<Message[]> {
  const all: Message[] = [];
  let after = 0;
  for (;;) {
    const res = await fetch(`${serverUrl}/api/channels/${channelId}/messages?after=${after}&limit=500`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`history ${res.status}`);
    const page = MessagesPage.parse(await res.json());
    all.push(...page.messages);
    const last = page.messages.at(-1);
    if (!page.hasMore || !last) return all;
    after = last.seq;
  }
}

/**
 * The outbox invariant: every numbered message (`${prefix}${i}`) is on the server exactly once
 * and, per channel, in the order it was written.
 */
export function assertExactlyOnceInOrder(
  byChannel: Map<string, Message[]>,
  prefix: string,
  expected: Map<string, number[]>,
): void {
  for (const [channelId, numbers] of expected) {
    const got = (byChannel.get(channelId) ?? [])
      .filter((m) => m.content.startsWith(prefix))
      .map((m) => Number(m.content.slice(prefix.length)));
    if (JSON.stringify(got) !== JSON.stringify(numbers)) {
      const dupes = got.filter((n, i) => got.indexOf(n) !== i);
      const missing = numbers.filter((n) => !got.includes(n));
      throw new Error(
        `channel ${channelId}: ${got.length} on the server, ${numbers.length} expected; duplicates ${JSON.stringify(dupes.slice(0, 10))}, missing ${JSON.stringify(missing.slice(0, 10))}, order ${got.slice(0, 20).join(',')}…`,
      );
    }
  }
}

export { waitFor };
