/**
 * The main-process core: session, connection and the signed-in account, behind the bridge
 * contract's call handlers and event stream. Plain TypeScript: every outside thing is a port.
 */
import { io } from 'socket.io-client';
import {
  BridgeFailure,
  type CallHandlers,
  type EventName,
  type SessionView,
  type Settings,
} from '../../src-shared/bridge';
import { type LoginResponse, MAX_FILES_PER_MESSAGE } from '../../src-shared/protocol';
import type { Account, AccountContext, Credentials } from './account';
import { createApiClient } from './api';
import { Connection } from './connection';
import { CoreEmitter, type Listener } from './emitter';
import { createFileCache, type FileSource } from './file-cache';
import { guard, guardedClock, type ReportFault } from './guard';
import { openAccount } from './open-account';
import { backoffDelay, type CoreOptions, resolveOptions } from './options';
import { type CorePorts, type FetchFn, silentLogger } from './ports';
import { searchMessages } from './search';
import { listenToServer } from './server-events';
import { normaliseServerUrl, parseSession, type StoredSession, serialiseSession } from './stored-session';
import { openWebLink } from './web-url';

export type { CoreOptions } from './options';

export interface Core {
  handlers: CallHandlers;
  /** Message files and thumbnails for the page, through main (the hosts serve them). */
  files: FileSource;
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
  /** Restores the session from the SecretStore and connects. */
  start(): Promise<void>;
  /** The machine woke up: reconnect at once and catch up. */
  resume(): void;
  /** The shell's reading of the system idle time: idle past IDLE_AFTER_MS (true) or not. */
  systemIdle(idle: boolean): void;
  networkChanged(online: boolean): void;
  close(): Promise<void>;
}

/** For a call that answers nothing: the effect has happened, the answer is `undefined`. */
const done = (_effect: unknown): undefined => undefined;

export function createCore(ports: CorePorts, options?: CoreOptions): Core {
  const o = resolveOptions(options);
  const logger = ports.logger ?? silentLogger;
  const emitter = new CoreEmitter(logger);
  const fetchFn: FetchFn = ports.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const api = createApiClient(fetchFn, o.requestTimeoutMs);
  const ui = {
    focused: false,
    activeChannelId: null as string | null,
    openThreadId: null as string | null,
    atNewest: true,
    away: false,
  };
  /**
   * What the person sees changed: note it at once, then the account reads what is now shown. That read
   * is a write (the read position, READ receipts queued), so while the file is checked it waits like the
   * others (`checking`): a reset would set the queued receipts aside with the file.
   */
  function looked(change: Partial<Omit<typeof ui, 'away'>>): undefined {
    Object.assign(ui, change);
    if (!checking) return done(account?.looked());
    void checking
      .then(() => account?.looked())
      .catch((error: unknown) => report('reading what is shown', error));
    return undefined;
  }
  // Idle (issue 13): the system's idle time where the shell can read it (Electron's powerMonitor)
  // wins, since it sees input in every app; else the page's own activity (the browser host).
  const idle = { page: false, system: undefined as boolean | undefined };
  function idleChanged(): void {
    const away = idle.system ?? idle.page;
    if (away === ui.away) return;
    ui.away = away;
    account?.workspace.sendPresence();
  }

  let session: StoredSession | null = null;
  let account: Account | null = null;
  let syncFailures = 0;
  let syncRetry: unknown = null;
  let closed = false;
  /**
   * Set while the account's file awaits its integrity verdict (store/database.ts, `check: 'later'`):
   * the cache is read meanwhile, but what the user writes (a send, an edit, a file being attached, a
   * read position, marked or moved by what is shown, and the READ receipts it queues) waits for it, so
   * nothing the user was told is queued lands in a file about to be set aside.
   */
  let checking: Promise<void> | null = null;
  /**
   * Resolves once every account closed so far is closed by every thread: `close()` waits for it, since a
   * close may come while another is under way (reopenAfresh's, or a sign-in as someone else's).
   */
  let accountsClosed: Promise<void> = Promise.resolve();

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
    attach: (socket) => listenToServer(socket, account, () => account, report, logger, credentials),
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

  /** A write of the user's, on the account whose file has passed its check (see `checking`). */
  function write<T>(fn: (account: Account) => T | Promise<T>): T | Promise<T> {
    return checking ? checking.then(() => fn(need())) : fn(need());
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

  function open(user: StoredSession['user']): void {
    if (account?.user.id === user.id) return;
    void closeAccount();
    account = openAccount(user, accountContext());
    watchIntegrity(account);
  }

  function accountContext(): AccountContext {
    return {
      ports: { ...ports, clock },
      fault: report,
      options: o,
      emitter,
      logger,
      api,
      ui,
      socket: () => connection.live,
      credentials,
      fetch: fetchFn,
      stalled: () => connection.recycle('an acknowledgement timed out'),
    };
  }

  /**
   * The file's check runs beside the first reads (bench figure 13: it held the main thread 156-221 ms
   * before the first channel list). A file it finds damaged is set aside at this start, as when the check
   * ran at open: the account is closed (every thread's connection, so the files can move), reopened on
   * a clean file, and the user told (`DATABASE_RESET`; the page reloads what it shows).
   */
  function watchIntegrity(acct: Account): void {
    if (acct.store.checkedAtOpen) return;
    const settled: Promise<void> = acct.integrity
      .then(async (problem) => {
        if (problem !== null && account === acct) await reopenAfresh(acct, problem);
      })
      .catch((error: unknown) => report('checking the local database', error))
      .finally(() => {
        if (checking === settled) checking = null;
      });
    checking = settled;
  }

  async function reopenAfresh(acct: Account, problem: string): Promise<void> {
    logger.error({ problem: problem.slice(0, 200) }, 'local database failed its check at open');
    await closeAccount();
    // Signed out, or in as someone else, meanwhile: that account's own open decides.
    if (closed || account !== null || session?.user.id !== acct.user.id) return;
    account = openAccount(acct.user, accountContext(), problem);
    // Connected already: the catch-up (and the outbox) start again on the clean file.
    if (connection.live) sync();
  }

  /** Resolves once the account's files are closed by every thread (its background checkpoints). */
  function closeAccount(): Promise<void> {
    if (syncRetry !== null) clock.clearTimeout(syncRetry);
    syncRetry = null;
    const closed = account?.dispose() ?? Promise.resolve();
    account = null;
    accountsClosed = Promise.all([accountsClosed, closed]).then(() => undefined);
    return closed;
  }

  function connect(): void {
    if (!session || !account) return;
    if (session.token)
      connection.start({ serverUrl: session.serverUrl, userId: session.user.id, token: session.token });
    else connection.stop('unauthorized');
  }

  // Each call is one call into the module that owns its state: the account (its store is reached only
  // through it), the session, the settings.
  const handlers: CallHandlers = {
    getSession: () => sessionView(),
    signIn: (input) => signIn(input),
    signOut: () => signOut(),
    redeemInvite: ({ serverUrl, token, password }) =>
      signInWith(serverUrl, (url) => api.redeemInvite(url, token, password)),
    listChannels: () => account?.channelViews() ?? [],
    setActiveChannel: ({ channelId }) => looked({ activeChannelId: channelId }),
    setWindowFocused: ({ focused }) => looked({ focused }),
    setAtNewest: ({ atNewest }) => looked({ atNewest }),
    setOpenThread: ({ parentId }) => looked({ openThreadId: parentId }),
    listUsers: () => account?.workspace.listUsers() ?? [],
    browseChannels: () => need().workspace.browse(credentials()),
    createChannel: (input) => need().workspace.create(credentials(), input),
    joinChannel: ({ channelId }) => need().workspace.join(credentials(), channelId),
    leaveChannel: ({ channelId }) => need().workspace.leave(credentials(), channelId).then(done),
    addMember: ({ channelId, userId }) => need().workspace.addMember(credentials(), channelId, userId),
    updateChannel: ({ channelId, name, topic }) =>
      need().workspace.update(credentials(), channelId, { name, topic }),
    archiveChannel: ({ channelId }) => need().workspace.archive(credentials(), channelId),
    openDm: ({ userIds }) => need().workspace.openDm(credentials(), userIds),
    listMembers: ({ channelId }) => need().workspace.listMembers(channelId),
    setIdle({ idle: pageIdle }) {
      idle.page = pageIdle;
      return done(idleChanged());
    },
    markRead: ({ channelId }) => write((a) => done(a.markRead(channelId))),
    setMuted: ({ channelId, muted }) => write((a) => a.setMuted(channelId, muted, credentials())),
    listMessages: (args) => need().listMessages(args, credentials()),
    listThread: ({ channelId, parentId }) => need().thread(channelId, parentId),
    sendMessage: ({ channelId, content, parentId, attachmentIds }) =>
      write((a) => a.sendWithFiles(channelId, content, parentId, attachmentIds ?? [])),
    // Staging is the account's (in memory, its folder swept at open): a file staged in the account that
    // a failed check closes is gone, so it waits for the verdict too.
    beginAttachment: (file) => write(async (a) => ({ attachmentId: await a.attachments.begin(file) })),
    appendAttachment: ({ attachmentId, offset, data }) =>
      write((a) => a.attachments.append(attachmentId, offset, data).then(done)),
    cancelUpload: ({ opId }) => write((a) => a.cancelUpload(opId).then(done)),
    pickFiles: async () => {
      if (!ports.pickFiles) return null;
      need();
      const paths = (await ports.pickFiles()).slice(0, MAX_FILES_PER_MESSAGE);
      return write((a) => Promise.all(paths.map((path) => a.attachments.stageFromPath(path))));
    },
    retryMessage: ({ clientMessageId }) => write((a) => done(a.retry(clientMessageId))),
    discardMessage: ({ clientMessageId }) => write((a) => done(a.discard(clientMessageId))),
    retryAll: () => write((a) => a.retry()),
    discardAllFailed: () => write((a) => a.discard()),
    listOutbox: () => account?.outboxItems() ?? [],
    editMessage: ({ channelId, key, content }) => write((a) => a.changes.edit(channelId, key, content)),
    deleteMessage: ({ channelId, key }) => write((a) => a.changes.remove(channelId, key)),
    addReaction: ({ channelId, key, emoji }) => write((a) => a.changes.react(channelId, key, emoji, true)),
    removeReaction: ({ channelId, key, emoji }) =>
      write((a) => a.changes.react(channelId, key, emoji, false)),
    retryChange: ({ opId }) => write((a) => done(a.retry(opId, true))),
    discardChange: ({ opId }) => write((a) => done(a.discard(opId, true))),
    searchMessages: (args) => {
      const acct = need();
      const connected = connection.state === 'connected' ? credentials() : null;
      const { store, foundOnServer } = acct;
      return searchMessages({ store, api, logger, credentials: connected, foundOnServer }, args);
    },
    getChannelPreferences: ({ channelId }) => need().preferences(channelId, credentials()),
    setChannelPreferences: ({ channelId, ...patch }) =>
      write((a) => a.setPreferences(channelId, patch, credentials())),
    setTyping: ({ channelId, isTyping }) => done(need().typing.set(channelId, isTyping)),
    getDraft: ({ channelId }) => need().draft(channelId),
    setDraft: ({ channelId, text }) => write((a) => done(a.setDraft(channelId, text))),
    getSettings: () => ports.settings.get(),
    updateSettings: (patch: Partial<Settings>) => ports.settings.set(patch),
    openLink: ({ url }) => openWebLink(url, ports.openExternal).then(done),
    restartToUpdate: () => ports.restartToUpdate?.() ?? false,
  };

  function signIn({
    serverUrl,
    username,
    password,
  }: {
    serverUrl: string;
    username: string;
    password: string;
  }) {
    return signInWith(serverUrl, (url) => api.login(url, username, password));
  }

  /** Signs in with what the server answered (a login, or a redeemed invite). */
  async function signInWith(serverUrl: string, answer: (url: string) => Promise<LoginResponse>) {
    const url = normaliseServerUrl(serverUrl);
    const login = await answer(url);
    open(login.user);
    session = { serverUrl: url, user: login.user, token: login.token };
    await ports.secrets.set(serialiseSession(session));
    if (ports.settings.get().serverUrl !== url) ports.settings.set({ serverUrl: url });
    connect();
    emitter.emit('session', sessionView());
    return sessionView();
  }

  async function signOut() {
    connection.stop('offline');
    await closeAccount();
    session = null;
    await ports.secrets.clear();
    ports.setBadgeCount?.(0);
    emitter.emit('channels', []);
    emitter.emit('session', sessionView());
    return sessionView();
  }

  const files = createFileCache({
    userData: ports.paths.userData,
    maxBytes: o.fileCacheMaxBytes,
    fetch: fetchFn,
    credentials: () => {
      const creds = credentials();
      return creds && session ? { ...creds, userId: session.user.id } : null;
    },
    timeoutMs: o.fileTimeoutMs,
    logger,
  });

  return {
    handlers,
    files,
    on: (event, listener) => emitter.on(event, listener),

    async start() {
      session = parseSession(await ports.secrets.get());
      if (session) {
        try {
          open(session.user);
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

    systemIdle(systemIdle) {
      idle.system = systemIdle;
      idleChanged();
    },

    networkChanged(online) {
      if (closed) return;
      if (online) connection.reconnectNow();
      else connection.wentOffline();
    },

    async close() {
      closed = true;
      connection.stop('offline');
      await closeAccount();
      await accountsClosed;
    },
  };
}
