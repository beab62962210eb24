/**
 * A bench-only `window.relay` for figure 7, injected before the renderer's own scripts (Playwright
 * `addInitScript`, so the page's CSP does not apply to it). It stands in for the main-process core:
 * a signed-in session, a small channel opened first and a channel of `bigCount` messages, served a
 * page at a time exactly as `listMessages` pages. Messages are made on demand from their seq (the
 * core's database holds them, not the renderer's heap), and every answer crosses a MessageChannel,
 * so it is structured-cloned and arrives in a later task, as an IPC reply does.
 *
 * Self-contained on purpose: Playwright serialises this function into the page, so what it shares with
 * the tests' messages comes in its argument (stubBridgeScript).
 */
import { unchangedViewFields } from '../../src-shared/testing/messages';
import { script } from './page-tools';

export interface StubConfig {
  bigCount: number;
  smallCount: number;
  bigChannelId: string;
  smallChannelId: string;
}

/**
 * The id the stub gives the big channel's message `seq`, for selectors on the Node side (the page's own
 * copy is `message` in installStubBridge, channel tag 2: keep the two alike).
 */
export function bigMessageId(seq: number): string {
  return `00000000-0000-4200-9000-${seq.toString(16).padStart(12, '0')}`;
}

/** The init script that installs the stub: `config`, and the fields of a message nobody has changed. */
export function stubBridgeScript(config: StubConfig): string {
  return script(installStubBridge, { ...config, unchanged: unchangedViewFields() });
}

function installStubBridge(config: StubConfig & { unchanged: ReturnType<typeof unchangedViewFields> }): void {
  const me = { id: '00000000-0000-4000-8000-000000000001', name: 'Bench' };
  const people = [
    me,
    { id: '00000000-0000-4000-8000-000000000002', name: 'Alice' },
    { id: '00000000-0000-4000-8000-000000000003', name: 'Bob' },
    { id: '00000000-0000-4000-8000-000000000004', name: 'Carol' },
  ];
  const lines = [
    'Deploy is green, rolling out to the canary fleet now.',
    'Can someone review **the retry change**? It touches the outbox.',
    'Lunch at noon?',
    'I pushed a fix for the flaky test: `receipts.test.ts` no longer sleeps.\nLet me know if it comes back.',
    'Here is the dashboard: https://example.com/dashboards/latency',
    'ok',
    'The p99 went from 4 ms to 1.2 ms after batching the fsyncs, nice work everyone.',
  ];
  const start = Date.parse('2026-01-01T09:00:00Z');
  const hex = (n: number) => n.toString(16).padStart(12, '0');

  function message(channelId: string, seq: number, channelTag: number) {
    const author = people[(seq * 7 + (seq >> 3)) % people.length]!;
    const own = author.id === me.id;
    const id = `00000000-0000-4${channelTag}00-9000-${hex(seq)}`;
    return {
      key: id,
      id,
      channelId,
      author,
      content: `${lines[seq % lines.length]} #${seq}`,
      // Three a minute, so day separators come every 480 messages.
      createdAt: new Date(start + seq * 20_000).toISOString(),
      seq,
      own,
      ...(own ? { status: 'Read' } : {}),
      ...config.unchanged,
    };
  }

  const channels = [
    { id: config.smallChannelId, name: 'general', count: config.smallCount, tag: 1 },
    { id: config.bigChannelId, name: 'big-history', count: config.bigCount, tag: 2 },
  ];

  function listMessages(input: { channelId: string; before?: number; limit?: number }) {
    const channel = channels.find((c) => c.id === input.channelId);
    if (!channel) return { messages: [], hasMore: false };
    const limit = input.limit ?? 50;
    const end = Math.min(input.before ?? channel.count + 1, channel.count + 1); // exclusive
    const first = Math.max(1, end - limit);
    const messages = [];
    for (let seq = first; seq < end; seq++) messages.push(message(channel.id, seq, channel.tag));
    // How many messages the renderer has been given, for the heap figure's note.
    const w = window as unknown as { __stubServed?: number };
    w.__stubServed = (w.__stubServed ?? 0) + messages.length;
    return { messages, hasMore: first > 1 };
  }

  const settings: Record<string, unknown> = {
    serverUrl: 'http://127.0.0.1:3000',
    notificationsEnabled: false,
    doNotDisturb: false,
    theme: 'light',
  };

  const handlers: Record<string, (input: never) => unknown> = {
    getSession: () => ({
      signedIn: true,
      user: me,
      serverUrl: 'http://127.0.0.1:3000',
      connection: 'connected',
    }),
    getSettings: () => ({ ...settings }),
    // As the core answers: the settings with the change in (opening a channel remembers it).
    updateSettings: (patch: Record<string, unknown>) => {
      Object.assign(settings, patch);
      return { ...settings };
    },
    listChannels: () =>
      channels.map((c) => ({
        id: c.id,
        name: c.name,
        members: people,
        unreadCount: 0,
        mentionCount: 0,
        muted: false,
        notify: 'all',
        lastSeq: c.count,
        kind: 'channel',
        private: false,
        topic: '',
        archived: false,
      })),
    listMessages,
    listOutbox: () => [],
    listUsers: () => people.map((p) => ({ ...p, username: p.name.toLowerCase(), presence: 'offline' })),
    browseChannels: () => [],
    listMembers: () => people,
    listThread: () => [],
    getDraft: () => '',
    retryAll: () => 0,
    discardAllFailed: () => 0,
  };

  // One port pair carries every reply, as one IPC channel would.
  const { port1, port2 } = new MessageChannel();
  const waiting = new Map<number, (value: unknown) => void>();
  let nextId = 0;
  port2.onmessage = (event: MessageEvent<{ id: number; value: unknown }>) => {
    waiting.get(event.data.id)?.(event.data.value);
    waiting.delete(event.data.id);
  };

  // The core's events: a by-hand tool (catch-up-batches.ts) raises one with `__stubEmit(name, payload)`,
  // and makes the big channel's message `seq` (past bigCount: a new one) with `__stubMessage(seq)`.
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  Object.assign(window, {
    __stubEmit: (name: string, payload: unknown) => {
      for (const listener of listeners.get(name) ?? []) listener(payload);
    },
    __stubMessage: (seq: number) => message(config.bigChannelId, seq, 2),
  });
  const relay = new Proxy(
    {
      on: (name: string, listener: (payload: unknown) => void) => {
        const set = listeners.get(name) ?? new Set();
        listeners.set(name, set);
        set.add(listener);
        return () => set.delete(listener);
      },
    } as Record<string, unknown>,
    {
      get(target, name: string) {
        if (name in target) return target[name];
        return (input: never) =>
          new Promise((resolve) => {
            const id = nextId++;
            waiting.set(id, resolve);
            const handler = handlers[name];
            port1.postMessage({ id, value: { ok: true, value: handler ? handler(input) : undefined } });
          });
      },
    },
  );
  Object.defineProperty(window, 'relay', { value: relay, configurable: false });
}
