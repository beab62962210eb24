/**
 * The main-process core: session, connection and the signed-in account, behind the bridge
 * contract's call handlers and event stream. Plain TypeScript: every outside thing is a port.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import {
  BridgeFailure,
  type CallHandlers,
  type EventName,
  type SessionView,
  type Settings,
} from '../../src-shared/bridge';
import {
  Message,
  MessageErrorEvent,
  MessageEvent,
  MessageSent,
  ReceiptEvent,
  TypingEvent,
} from '../../src-shared/protocol';
import { LocalStore } from '../store/store';
import { Account, type Credentials } from './account';
import { createApiClient } from './api';
import { Connection, type RelaySocket } from './connection';
import { CoreEmitter, type Listener } from './emitter';
import { guard, guardedClock, type ReportFault } from './guard';
import { backoffDelay, type CoreOptions, resolveOptions } from './options';
import { type CorePorts, silentLogger } from './ports';
import { normaliseServerUrl, parseSession, type StoredSession, serialiseSession } from './session';
import { channelView, messageView, outboxItem } from './views';

export type { CoreOptions } from './options';

export interface Core {
  handlers: CallHandlers;
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
  /** Restores the session from the SecretStore and connects. */
  start(): Promise<void>;
  /** The machine woke up: reconnect at once and catch up. */
  resume(): void;
  networkChanged(online: boolean): void;
  close(): Promise<void>;
}

export function createCore(ports: CorePorts, options?: CoreOptions): Core {
  const o = resolveOptions(options);
  const logger = ports.logger ?? silentLogger;
  const emitter = new CoreEmitter(logger);
  const api = createApiClient(
    ports.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    o.requestTimeoutMs,
  );
  const ui = { focused: false, activeChannelId: null as string | null };

  let session: StoredSession | null = null;
  let account: Account | null = null;
  let syncFailures = 0;
  let syncRetry: unknown = null;
  let closed = false;

  const report: ReportFault = (where, error) => {
    // The error's name and message only: never a payload, a token or a message body.
    logger.error(
      { where, err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
      'core fault',
    );
    emitter.emit('error', { code: 'INTERNAL', message: `Something went wrong (${where}).` });
  };
  const clock = guardedClock(ports.clock, report);

  const connection = new Connection(ports.socketFactory ?? io, clock, o, logger, {
    attach: (socket) => attach(socket),
    connected: guard(report, 'catching up', () => {
      syncFailures = 0;
      sync();
    }),
    disconnected: guard(report, 'disconnecting', () => account?.typing.clearRemote()),
    unauthorized: (reason) => void refused(reason).catch((error) => report('saving the session', error)),
    state: (state, detail) => {
      emitter.emit('connection', { state, detail });
      emitter.emit('session', sessionView());
    },
  });

  function credentials(): Credentials | null {
    return session?.token ? { serverUrl: session.serverUrl, token: session.token } : null;
  }

  function sessionView(): SessionView {
    return {
      signedIn: !!session?.token,
      user: session?.user,
      serverUrl: session?.serverUrl ?? ports.settings.get().serverUrl,
      connection: connection.state,
    };
  }

  function need(): Account {
    if (!account) throw new BridgeFailure('NOT_SIGNED_IN', 'Sign in first');
    return account;
  }

  // Server events go to the account that was signed in when the socket was made.
  function attach(socket: RelaySocket): void {
    const owner = account;
    const mine = () => (account === owner ? owner : null);
    const on = <A extends unknown[]>(event: string, fn: (...args: A) => void) =>
      (socket as unknown as { on(e: string, f: (...args: A) => void): void }).on(
        event,
        guard(report, `handling ${event}`, fn),
      );
    on(MessageEvent.NEW, (raw: unknown) => {
      const m = Message.safeParse(raw);
      if (m.success) mine()?.ingest(m.data, 'live');
      else logger.warn({ event: MessageEvent.NEW }, 'unreadable message from server');
    });
    on(MessageEvent.SENT, (raw: unknown) => {
      const ack = MessageSent.safeParse(raw);
      if (ack.success) mine()?.ackArrived(ack.data);
    });
    for (const event of [MessageEvent.DELIVERED, MessageEvent.READ] as const) {
      on(event, (raw: unknown) => {
        const receipt = ReceiptEvent.safeParse(raw);
        if (receipt.success) mine()?.receiptArrived(receipt.data);
      });
    }
    on(MessageEvent.TYPING_START, (raw: unknown) => {
      const t = TypingEvent.safeParse(raw);
      if (t.success && t.data.userId !== owner?.user.id)
        mine()?.typing.remoteStarted(t.data.channelId, t.data.userId);
    });
    on(MessageEvent.TYPING_STOP, (raw: unknown) => {
      const t = TypingEvent.safeParse(raw);
      if (t.success) mine()?.typing.remoteStopped(t.data.channelId, t.data.userId);
    });
    on(MessageEvent.ERROR, (raw: unknown) => {
      // Sends and receipts learn their fate from their acks; this is for the log.
      const e = MessageErrorEvent.safeParse(raw);
      if (e.success) logger.warn({ code: e.data.code, event: e.data.event }, 'server refused an event');
    });
  }

  /** Catch up after connecting; an HTTP failure while still connected is retried with backoff. */
  function sync(): void {
    const acct = account;
    const creds = credentials();
    if (!acct || !creds) return;
    acct.connected(creds).then(
      () => {
        syncFailures = 0;
      },
      (error: unknown) => {
        // A late answer for a session that has since changed (signed out, signed in again) is moot.
        if (account !== acct || credentials()?.token !== creds.token) return;
        if (error instanceof BridgeFailure && error.code === 'UNAUTHORIZED') {
          connection.stop('unauthorized', 'token_invalid');
          void refused('token_invalid').catch((e) => report('saving the session', e));
          return;
        }
        logger.warn({ err: String(error) }, 'catch-up failed');
        if (syncRetry === null && connection.live) {
          syncRetry = clock.setTimeout(
            () => {
              syncRetry = null;
              if (connection.live) sync();
            },
            backoffDelay(syncFailures++, o),
          );
        }
      },
    );
  }

  /** The server refused the token: stop, keep the user and the outbox, wait for a new sign-in. */
  async function refused(reason: string): Promise<void> {
    logger.warn({ reason }, 'session refused by the server');
    if (!session) return;
    session = { ...session, token: null };
    await ports.secrets.set(serialiseSession(session));
    emitter.emit('session', sessionView());
  }

  /** Opens the user's local store; throws a BridgeFailure when there is no usable store at all. */
  function openAccount(user: StoredSession['user']): void {
    if (account?.user.id === user.id) return;
    closeAccount();
    let store: LocalStore;
    try {
      mkdirSync(ports.paths.userData, { recursive: true, mode: 0o700 });
      store = LocalStore.open({
        file: join(ports.paths.userData, `relay-${user.id}.sqlite`),
        selfId: user.id,
        nativeBinding: o.nativeBinding,
        now: () => ports.clock.now(),
      });
    } catch (error) {
      // Not a bad file (that is recovered inside): no SQLite module, no permission, no disk.
      logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'local store unavailable',
      );
      throw new BridgeFailure('INTERNAL', 'The local message store cannot be opened on this computer.');
    }
    account = new Account(store, user, {
      ports: { ...ports, clock },
      fault: report,
      options: o,
      emitter,
      logger,
      api,
      ui,
      socket: () => connection.live,
      stalled: () => connection.recycle('an acknowledgement timed out'),
    });
    if (store.recovered) {
      logger.error({ movedTo: store.recovered.movedTo }, 'local database was unreadable and has been reset');
      emitter.emit('error', {
        code: 'DATABASE_RESET',
        message: `The local message store could not be read and was started afresh (the old file was kept as ${store.recovered.movedTo}). Messages will be fetched from the server again; unsent messages in the old file could not be recovered.`,
      });
    }
    account.outbox.kick();
    account.emitChannels();
    account.emitOutboxCounts();
  }

  function closeAccount(): void {
    if (syncRetry !== null) clock.clearTimeout(syncRetry);
    syncRetry = null;
    account?.dispose();
    account = null;
  }

  function connect(): void {
    if (!session || !account) return;
    if (session.token)
      connection.start({ serverUrl: session.serverUrl, userId: session.user.id, token: session.token });
    else connection.stop('unauthorized');
  }

  function lookNow(): void {
    const channelId = ui.activeChannelId;
    if (account && channelId && account.lookingAt(channelId) && account.store.channel(channelId)) {
      account.markRead(channelId);
    }
  }

  const handlers: CallHandlers = {
    getSession: () => sessionView(),

    async signIn({ serverUrl, username, password }) {
      const url = normaliseServerUrl(serverUrl);
      const login = await api.login(url, username, password);
      openAccount(login.user);
      session = { serverUrl: url, user: login.user, token: login.token };
      await ports.secrets.set(serialiseSession(session));
      if (ports.settings.get().serverUrl !== url) ports.settings.set({ serverUrl: url });
      connect();
      emitter.emit('session', sessionView());
      return sessionView();
    },

    async signOut() {
      connection.stop('offline');
      closeAccount();
      session = null;
      await ports.secrets.clear();
      ports.setBadgeCount?.(0);
      emitter.emit('channels', []);
      emitter.emit('session', sessionView());
      return sessionView();
    },

    listChannels: () => {
      const acct = account;
      return acct ? acct.store.channels().map((c) => channelView(acct.store, c)) : [];
    },

    setActiveChannel({ channelId }) {
      ui.activeChannelId = channelId;
      lookNow();
      return undefined;
    },

    setWindowFocused({ focused }) {
      ui.focused = focused;
      lookNow();
      return undefined;
    },

    markRead({ channelId }) {
      need().markRead(channelId);
      return undefined;
    },

    setMuted({ channelId, muted }) {
      const acct = need();
      if (!acct.store.channel(channelId)) throw new BridgeFailure('NOT_FOUND', 'Unknown channel');
      acct.store.setMuted(channelId, muted);
      acct.emitChannels();
      return channelView(
        acct.store,
        acct.store.channel(channelId) as NonNullable<ReturnType<LocalStore['channel']>>,
      );
    },

    listMessages: (args) => need().listMessages(args, credentials()),

    listThread({ channelId, parentId }) {
      const acct = need();
      return acct.store
        .thread(parentId)
        .filter((r) => r.channel_id === channelId)
        .map((r) => messageView(acct.store, r));
    },

    sendMessage: ({ channelId, content, parentId }) => need().send(channelId, content, parentId),

    retryMessage({ clientMessageId }) {
      const acct = need();
      const rows = acct.store.retry(ports.clock.now(), clientMessageId);
      if (rows.length === 0) throw new BridgeFailure('NOT_FOUND', 'No failed message with that id');
      afterRetry(acct, rows);
      return undefined;
    },

    discardMessage({ clientMessageId }) {
      const acct = need();
      const removed = acct.store.discard(clientMessageId);
      if (removed.length === 0) throw new BridgeFailure('NOT_FOUND', 'No failed message with that id');
      afterDiscard(acct, removed);
      return undefined;
    },

    retryAll() {
      const acct = need();
      const rows = acct.store.retry(ports.clock.now());
      afterRetry(acct, rows);
      return rows.length;
    },

    discardAllFailed() {
      const acct = need();
      const removed = acct.store.discard();
      afterDiscard(acct, removed);
      return removed.length;
    },

    listOutbox() {
      const acct = account;
      return acct ? acct.store.outbox().map((r) => outboxItem(acct.store, r)) : [];
    },

    setTyping({ channelId, isTyping }) {
      need().typing.set(channelId, isTyping);
      return undefined;
    },

    getDraft: ({ channelId }) => need().store.channel(channelId)?.draft ?? '',

    setDraft({ channelId, text }) {
      need().store.setDraft(channelId, text);
      return undefined;
    },

    getSettings: () => ports.settings.get(),

    updateSettings(patch: Partial<Settings>) {
      return ports.settings.set(patch);
    },

    async openLink({ url }) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new BridgeFailure('VALIDATION', 'Not a link');
      }
      // Only web links leave the app: file:, javascript:, custom schemes could run things.
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new BridgeFailure('VALIDATION', 'Only http and https links can be opened');
      }
      await ports.openExternal(parsed.toString());
    },
  };

  function afterRetry(acct: Account, rows: ReturnType<LocalStore['retry']>): void {
    for (const row of rows) acct.emitMessage(row);
    acct.emitOutboxCounts();
    acct.outbox.kick();
  }

  function afterDiscard(acct: Account, removed: ReturnType<LocalStore['discard']>): void {
    for (const row of removed) emitter.emit('messageRemoved', { channelId: row.channel_id, key: row.key });
    acct.emitOutboxCounts();
  }

  return {
    handlers,
    on: (event, listener) => emitter.on(event, listener),

    async start() {
      session = parseSession(await ports.secrets.get());
      if (session) {
        try {
          openAccount(session.user);
          connect();
        } catch (error) {
          // The app still opens and says why, rather than dying at launch.
          const message = error instanceof Error ? error.message : String(error);
          emitter.emit('error', { code: 'STORE_UNAVAILABLE', message });
        }
      }
      emitter.emit('session', sessionView());
    },

    resume() {
      if (!closed) connection.reconnectNow();
    },

    networkChanged(online) {
      if (closed) return;
      if (online) connection.reconnectNow();
      else connection.wentOffline();
    },

    async close() {
      closed = true;
      connection.stop('offline');
      closeAccount();
    },
  };
}
