/**
 * Everything tied to one signed-in user's local store: sending through the outbox, ingesting what
 * the server sends (live, catch-up, history), receipts both ways, typing, notifications, unread.
 */
import { randomFillSync } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BridgeFailure, type ChannelView, type MessageView, type OutboxItem } from '../../src-shared/bridge';
import { uuidV7Generator } from '../../src-shared/ids/uuid-v7';
import type { Channel, ChannelPreferences } from '../../src-shared/protocol';
import {
  DEFAULT_PAGE_LIMIT,
  type Message,
  type MessageSent,
  type MessagesPage,
  type ReceiptEvent,
  type UserSummary,
} from '../../src-shared/protocol';
import {
  type ChannelRow,
  type LocalStore,
  type MessageRow,
  members,
  type QueuedFile,
  type ReadAhead,
  type UpsertResult,
} from '../store/store';
import type { ApiClient, SlicedPage } from './api';
import { Attachments } from './attachments';
import { Changes } from './changes';
import { fetchPreferences, storePreferences } from './changes-api';
import type { RelaySocket } from './connection';
import type { CoreEmitter } from './emitter';
import { EventBatch } from './event-batch';
import type { ReportFault } from './guard';
import { LiveArrivals } from './live-arrivals';
import {
  Notifications,
  type Offer,
  personallyAddressed,
  preferencesAllow,
  toastWorthy,
} from './notifications';
import type { ResolvedOptions } from './options';
import { OutboxSender } from './outbox';
import { pipelinedPages } from './pipelined-pages';
import type { CorePorts, FetchFn, Logger } from './ports';
import { ReceiptSender } from './receipts';
import { StoreUpkeep } from './store-upkeep';
import { Turns } from './turns';
import { Typing } from './typing';
import { uploadOp } from './upload-op';
import { UploadProgress } from './upload-progress';
import { channelTitle, channelView, messageView, outboxItem } from './views';
import { Workspace } from './workspace';

/** How far back (in seq) catch-up looks for our own messages still waiting for a receipt. */
const RECEIPT_LOOKBACK = 100;

/** Our sends' clientMessageIds, in the order made (the store keys a message and its send by it). */
const newClientMessageId = uuidV7Generator(randomFillSync);

/** Channels caught up at once. */
const CATCH_UP_CHANNELS = 4;
/**
 * Messages of a catch-up page committed (and raised to the UI) together, the event loop free between:
 * about 1 ms each all told on the bench box under load, so a chunk holds the loop for tens of ms.
 */
export const CATCH_UP_CHUNK = 25;
/**
 * Messages asked for per history request of a catch-up (a multiple of the chunk): the server's most.
 * The page's JSON and zod check of 500 take ~1.5 ms of CPU once warm (core13 saw 300 ms of loop on a
 * box at load 20–35); a request per 100 cost more: fetch, abort timer, gunzip and stream set-up per
 * request were ~19 % of the app's busy time in figure 13's catch-up at pages of 100.
 */
export const CATCH_UP_PAGE = 20 * CATCH_UP_CHUNK;

/** How a message reached us: only live and catch-up arrivals may notify. */
export type Arrival = 'live' | 'catchup' | 'firstSync' | 'history';

/**
 * A channel's catch-up begun: where it starts, and its first page on the way (a channel never synced
 * takes its newest page; one with a cursor, the pages after it, checked a chunk at a time).
 */
type StartedCatchUp =
  | { known: ChannelRow | undefined; cursor: null; first: Promise<MessagesPage> }
  | { known: ChannelRow | undefined; cursor: number; first: Promise<SlicedPage> };

/** What storing one arrival wrote, for what follows its commit. */
interface StoredArrival {
  message: Message;
  channelId: string;
  result: UpsertResult;
  /** The channel as it was before this arrival's effects, for a new message of someone else's. */
  channel: ChannelRow | undefined;
  owesDelivered: boolean;
}

export interface Credentials {
  serverUrl: string;
  token: string;
}

export interface AccountContext {
  ports: CorePorts;
  options: ResolvedOptions;
  emitter: CoreEmitter;
  logger: Logger;
  api: ApiClient;
  ui: {
    focused: boolean;
    activeChannelId: string | null;
    openThreadId: string | null;
    atNewest: boolean;
    /** The person is idle (issue 13): the app says `away`. */
    away: boolean;
  };
  /** Reports a fault that has no caller to throw to. */
  fault: ReportFault;
  socket(): RelaySocket | null;
  /** The signed-in session's server and token (uploads POST with them), null when signed out. */
  credentials(): Credentials | null;
  /** The ports' fetch (uploads). */
  fetch: FetchFn;
  /** The connection looks stalled (an ack never came). */
  stalled(): void;
}

export class Account {
  readonly outbox: OutboxSender;
  readonly receipts: ReceiptSender;
  readonly typing: Typing;
  readonly changes: Changes;
  readonly workspace: Workspace;
  /** `message:new` as it arrives, ingested once per turn of the event loop (live-arrivals.ts). */
  readonly live: LiveArrivals;
  /** Files being attached (issue 17), staged here until their message is sent. */
  readonly attachments: Attachments;
  private readonly uploadProgress: UploadProgress;
  private readonly notifications: Notifications;
  private readonly upkeep: StoreUpkeep;
  /** The UI's events, held while a batch of work runs (event-batch.ts). */
  private readonly events: EventBatch;
  /** The catch-up's chunks, one per turn of the event loop. */
  private readonly turns = new Turns();
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  /** The connection whose channel list the outbox waits for, until it is saved (`connected`). */
  private outboxHeldFor: object | null = null;
  /** Counts joins and leaves, so a channel list fetched across one is fetched again (`channelList`). */
  private membershipEpoch = 0;
  /**
   * The verdict of the file's integrity check at open, run on the background connection's thread
   * (store.check): null when sound, else what is wrong (the core then sets the file aside).
   */
  readonly integrity: Promise<string | null>;

  constructor(
    readonly store: LocalStore,
    readonly user: UserSummary,
    private readonly ctx: AccountContext,
  ) {
    const { ports, options, logger } = ctx;
    this.events = new EventBatch({
      emitter: ctx.emitter,
      view: (row) => messageView(store, row),
      outboxCounts: () => ctx.emitter.emit('outbox', store.outboxCounts()),
      unread: (channelIds) => this.emitUnreadOf(channelIds),
      reading: (read) => store.transaction(read),
    });
    this.attachments = new Attachments(join(ports.paths.userData, 'outgoing', user.id));
    this.uploadProgress = new UploadProgress(ports.clock, (progress) =>
      ctx.emitter.emit('uploadProgress', progress),
    );
    this.outbox = new OutboxSender(store, {
      clock: ports.clock,
      options,
      logger,
      socket: ctx.socket,
      changed: (row) => this.emitMessage(row),
      applyAcks: (acks) => this.applyAcks(acks),
      changeApplied: (op, ack) => this.changes.applied(op, ack),
      changeRefused: (op, code, message) => this.changes.refused(op, code, message),
      countsChanged: () => this.emitOutboxCounts(),
      stalled: ctx.stalled,
      upload: (op, control) => uploadOp(ctx.fetch, ctx.credentials(), op, control),
      uploadProgress: (op, sent, total) => this.uploadProgress.report(op, sent, total),
      fault: ctx.fault,
    });
    this.changes = new Changes({
      store,
      nextTurn: () => this.turns.next(),
      user,
      clock: ports.clock,
      api: ctx.api,
      emitMessage: (row) => this.emitMessage(row),
      unreadChanged: (channelId) => this.emitUnread(channelId),
      queueChanged: (channelId) => {
        this.emitOutboxCounts();
        this.outbox.queued(channelId);
      },
      error: (code, message) => ctx.emitter.emit('error', { code, message }),
    });
    this.workspace = new Workspace(this, ctx);
    this.live = new LiveArrivals((messages) => this.ingestAll(messages, 'live'), ctx.fault);
    this.upkeep = new StoreUpkeep(
      store,
      ports.clock,
      options.checkpointIntervalMs,
      ctx.fault,
      () => this.syncing !== null,
    );
    this.integrity = store.check(this.upkeep.background);
    this.receipts = new ReceiptSender(
      store,
      ports.clock,
      options,
      ctx.socket,
      ctx.fault,
      () => this.syncing !== null,
    );
    this.typing = new Typing(
      ports.clock,
      options,
      ctx.socket,
      (channelId, userId) => this.member(channelId, userId),
      (channelId, typists) => ctx.emitter.emit('typing', { channelId, typists }),
    );
    this.notifications = new Notifications({
      clock: ports.clock,
      coalesceMs: options.notificationCoalesceMs,
      stillWanted: (offer) => this.shouldNotify(offer),
      mayInterrupt: (offer) => this.mayInterrupt(offer),
      show: (view) => {
        ctx.emitter.emit('notification', view);
        ports.notifier.show(view, () => {
          ctx.emitter.emit('navigate', { channelId: view.channelId, messageId: view.messageId });
          ports.focusWindow?.();
        });
      },
    });
  }

  /** Resolves once the store's background checkpoints have closed their connection too. */
  dispose(): Promise<void> {
    this.live.dispose();
    this.outbox.dispose();
    this.receipts.dispose();
    this.typing.dispose();
    this.notifications.dispose();
    const upkept = this.upkeep.dispose();
    this.store.close();
    return upkept;
  }

  /**
   * The connection is up: flush both queues, say whether we are away, catch up (people too). The
   * outbox waits for the channel list (`syncOnce`), or for the catch-up to end if it fails first.
   */
  connected(credentials: Credentials): Promise<void> {
    const connection = {};
    this.outboxHeldFor = connection;
    this.outbox.hold();
    this.receipts.kick();
    this.workspace.sendPresence();
    // The people list is a nicety: a failure there (an older server) must not hold up the catch-up.
    this.workspace
      .refreshPeople(credentials)
      .catch((error: unknown) => this.ctx.logger.warn({ err: String(error) }, 'people list failed'));
    return this.catchUp(credentials).finally(() => {
      // Not a later connection's hold: that one waits for its own list.
      if (this.outboxHeldFor === connection) this.releaseOutbox();
    });
  }

  private releaseOutbox(): void {
    if (this.outboxHeldFor === null) return;
    this.outboxHeldFor = null;
    this.outbox.connected();
  }

  // Sending -------------------------------------------------------------------------------------

  /** A message with files staged by `attachments`: they are queued as uploads in the send's transaction. */
  async sendWithFiles(
    channelId: string,
    content: string,
    parentId: string | undefined,
    attachmentIds: readonly string[],
  ): Promise<MessageView> {
    if (attachmentIds.length === 0) return this.send(channelId, content, parentId);
    return this.send(channelId, content, parentId, await this.attachments.take(attachmentIds));
  }

  send(channelId: string, content: string, parentId?: string, files?: QueuedFile[]): MessageView {
    // The content was checked once, by the bridge contract (the router), against the protocol's schema.
    // Time-ordered (UUIDv7): each send appends to the clientMessageId indexes, here and on the server,
    // where a random id split a random page of each more often (BENCHMARKS.md "outbox9").
    const clientMessageId = newClientMessageId();
    const now = this.ctx.ports.clock.now();
    const row = this.store.queueOwnMessageInOpenChannel({
      clientMessageId,
      channelId,
      parentId,
      content,
      author: this.user,
      createdAt: new Date(now).toISOString(),
      queuedAt: now,
      files,
    });
    if (row === 'unknown') throw new BridgeFailure('NOT_FOUND', 'Unknown channel');
    // The server refuses it for good (FORBIDDEN): say so now rather than queue a message to fail.
    if (row === 'archived') throw new BridgeFailure('FORBIDDEN', 'This channel is archived: it is read-only');
    this.typing.stop(channelId);
    // One view for the UI event and the answer: building it reads the store (the message's queued
    // changes), and nothing between the two changes what it shows.
    const view = messageView(this.store, row, { queued: files ?? [] });
    this.ctx.emitter.emit('messageUpserted', view);
    if (row.parent_id) this.reemit(row.parent_id);
    this.emitOutboxCounts();
    this.outbox.queued(channelId);
    return view;
  }

  /**
   * Acks that arrived together: written in one transaction (each message, then per channel the
   * cursor and the read position), the UI told after the commit, in one batch of events (bench
   * figure 6: a replay of 10,000 was 10,000 `messageUpserted` events and a badge count per channel per
   * batch). Sending in a channel reads it up to the message sent, as the server counts it (lastReadSeq).
   */
  private applyAcks(acks: MessageSent[]): void {
    const { results, read } = this.store.transaction(() => {
      const results = this.store.applyAcks(acks);
      const newest = new Map<string, number>();
      for (const result of results) {
        const { channel_id: channelId, seq } = result.row;
        if (seq !== null && seq > (newest.get(channelId) ?? -1)) newest.set(channelId, seq);
      }
      const read = [...newest].map(([channelId, seq]) => {
        this.store.advanceCursor(channelId);
        return { channelId, newlyRead: this.queueReadReceipts(channelId, seq) };
      });
      return { results, read };
    });
    this.events.run(() => {
      for (const result of results) if (result.changed) this.emitMessage(result.row);
      if (results.some((r) => r.confirmedSend)) this.emitOutboxCounts();
      for (const { channelId } of read) this.emitUnread(channelId);
    });
    if (read.some((r) => r.newlyRead > 0)) this.receipts.kick();
  }

  /**
   * Failed operations (one, with the changes failed with it, or all without an id) go back to the queue;
   * how many messages that touched. `change`: the id names a change, not a send.
   */
  retry(opId?: string, change = false): number {
    if (opId !== undefined) this.failedOperation(opId, change);
    const rows = this.store.retry(this.ctx.ports.clock.now(), opId);
    for (const row of rows) this.emitMessage(row);
    this.emitOutboxCounts();
    this.outbox.kick();
    return rows.length;
  }

  /**
   * One file leaves its unsent message (issue 17), committed before anything else: an upload in flight
   * is aborted, the local copy deleted (a kill -9 first leaves it to the start's sweep), and a message
   * left with nothing to send is removed. Its send may go now if only that file held it back.
   */
  async cancelUpload(opId: string): Promise<void> {
    const cancelled = this.store.uploads.cancel(opId);
    if (!cancelled) throw new BridgeFailure('NOT_FOUND', 'That file is no longer waiting to be sent');
    this.outbox.cancelUpload(opId);
    this.uploadProgress.forget(opId);
    if (cancelled.message) this.emitMessage(cancelled.message);
    else
      this.ctx.emitter.emit('messageRemoved', { channelId: cancelled.channelId, key: cancelled.messageKey });
    this.emitOutboxCounts();
    this.outbox.queued(cancelled.channelId);
    if (cancelled.filePath) await unlink(cancelled.filePath).catch(() => {});
  }

  /** Failed operations (one, or all without an id) are dropped; how many messages that touched. */
  discard(opId?: string, change = false): number {
    if (opId !== undefined) this.failedOperation(opId, change);
    const { removed, changed } = this.store.discard(opId);
    for (const row of removed)
      this.ctx.emitter.emit('messageRemoved', { channelId: row.channel_id, key: row.key });
    for (const row of changed) this.emitMessage(row);
    this.emitOutboxCounts();
    return removed.length + changed.length;
  }

  private failedOperation(opId: string, change: boolean): void {
    const op = this.store.outboxRow(opId);
    if (op?.state !== 'failed' || (op.kind !== 'send') !== change)
      throw new BridgeFailure(
        'NOT_FOUND',
        change ? 'No failed change with that id' : 'No failed message with that id',
      );
  }

  outboxItems(): OutboxItem[] {
    return this.store.outbox().map((r) => outboxItem(this.store, r, this.user.id));
  }

  // Receiving -----------------------------------------------------------------------------------

  ingest(message: Message, arrival: Arrival): void {
    this.ingestAll([message], arrival);
  }

  /**
   * Messages that arrived together (a catch-up chunk, the live arrivals of one turn, a history page):
   * one commit for all they write (each message, the DELIVERED we owe, and `within`: a catch-up's
   * cursor, so it never passes a message not stored), then the UI hears of them in one batch.
   */
  ingestAll(
    messages: readonly Message[],
    arrival: Arrival,
    within?: () => void,
    /** The channels whose new unread messages the caller raises later, instead of now (a catch-up page). */
    unreadLater?: Set<string>,
  ): void {
    if (messages.length === 0 && !within) return;
    const stored = this.store.transaction(() => {
      const channels = new Map<string, ChannelRow | undefined>();
      const stored = messages.map((m) => this.storeArrival(m, arrival, channels));
      // Live arrivals move the cursor over what is now held contiguously, once per channel.
      if (arrival === 'live')
        for (const channelId of new Set(
          stored.filter((s) => s.result.row.seq !== null).map((s) => s.channelId),
        ))
          this.store.advanceCursor(channelId);
      within?.();
      return stored;
    });
    this.events.run(() => {
      // A looked-at channel is read once for the batch, up to all it now holds: per message, the first
      // call did the work and each after it read the channel and committed nothing (figure 13).
      const read = new Set<string>();
      for (const s of stored) this.arrived(s, arrival, read, unreadLater);
      for (const channelId of read) this.markRead(channelId);
    });
  }

  /**
   * One arrival's writes, inside the caller's transaction. `channels`: each channel's row as the batch
   * first read it (storing messages moves only its last_seq, which what follows does not read), one
   * read per channel instead of one per message.
   */
  private storeArrival(
    message: Message,
    arrival: Arrival,
    channels: Map<string, ChannelRow | undefined>,
  ): StoredArrival {
    const result = this.store.upsertServerMessage(message);
    const { row } = result;
    const channel = result.inserted && !row.own ? this.channelOf(row.channel_id, channels) : undefined;
    // A reply is read when its thread is shown; a channel message when the channel is.
    const shown = row.parent_id !== null ? this.threadShown(row.parent_id) : this.lookingAt(row.channel_id);
    const owesDelivered = !!channel && row.seq !== null && row.seq > channel.read_seq && !shown;
    if (owesDelivered) this.store.queueReceipt(message.id, message.channelId, 'DELIVERED');
    if (owesDelivered && row.parent_id !== null && (arrival === 'live' || arrival === 'catchup'))
      this.store.markReplyUnread(row.key);
    return { message, channelId: row.channel_id, result, channel, owesDelivered };
  }

  private channelOf(channelId: string, read: Map<string, ChannelRow | undefined>): ChannelRow | undefined {
    if (!read.has(channelId)) read.set(channelId, this.store.channel(channelId));
    return read.get(channelId);
  }

  /** What one arrival means after the commit: the UI, receipts, read positions, a notification. */
  private arrived(
    { message, result, channel, owesDelivered }: StoredArrival,
    arrival: Arrival,
    /** The channels looked at that the batch's messages came into: the caller marks them read after. */
    read: Set<string>,
    unreadLater?: Set<string>,
  ): void {
    const { row } = result;
    if (result.changed) this.emitMessage(row);
    if (result.confirmedSend) this.emitOutboxCounts();
    if (!result.inserted) return;
    if (row.parent_id) this.reemit(row.parent_id);
    if (row.own) {
      // Written on another device: the user has read the channel up to it (as the server counts it).
      if (row.seq !== null) this.readUpTo(row.channel_id, row.seq);
      return;
    }
    this.typing.remoteStopped(row.channel_id, row.author_id);
    if (!channel || row.seq === null || row.seq <= channel.read_seq) return;
    if (!owesDelivered) {
      // Being looked at (the channel, or for a reply its thread): read, not just delivered.
      if (row.parent_id !== null) this.readThread(row.parent_id, [row]);
      else read.add(channel.id);
      return;
    }
    this.receipts.kickSoon();
    // Others' threads stay quiet; a reply in one's own thread notifies like a mention.
    const replyToMe = row.parent_id !== null && this.store.inThread(row.parent_id);
    if ((arrival === 'live' || arrival === 'catchup') && (row.parent_id === null || replyToMe)) {
      const dm = channel.kind === 'dm';
      this.notifications.offer({
        messageId: message.id,
        channelId: channel.id,
        channelName: channelTitle(channel, this.user.id),
        dm,
        authorName: message.user.name,
        content: message.content,
        // A direct message is addressed to its people: it notifies by default, like a mention.
        personal: dm || replyToMe || this.mentioned(message.content, message.mentions),
      });
    }
    if (unreadLater) unreadLater.add(channel.id);
    else this.emitUnread(channel.id);
  }

  receiptArrived(receipt: ReceiptEvent): void {
    const row = this.store.applyReceipt(receipt);
    if (row) this.emitMessage(row);
  }

  /** Catch every channel up from its cursor; concurrent calls share one run, and run again after it. */
  catchUp(credentials: Credentials): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      // What the whole run brings is offered as one notification, when it is done.
      const release = this.notifications.hold();
      try {
        do {
          this.syncAgain = false;
          await this.syncOnce(credentials);
        } while (this.syncAgain);
      } finally {
        release();
        this.syncing = null;
        // What the run held back (receipts.ts).
        this.receipts.kick();
      }
    })();
    return this.syncing;
  }

  /** A channel joined or left here: a channel list on its way may be older (`channelList`). */
  membershipChanged(): void {
    this.membershipEpoch++;
  }

  /**
   * The server's channel list and the reads it is behind on, fetched again (twice at most) when a join
   * or a leave landed while it was on its way: saved, a list older than a join would drop the channel
   * just joined, its messages with it (store.ts `forgetMessages`), until the next catch-up.
   */
  private async channelList(
    credentials: Credentials,
  ): Promise<{ channels: Channel[]; ahead: ReadonlyMap<string, ReadAhead> }> {
    for (let attempt = 1; ; attempt++) {
      const epoch = this.membershipEpoch;
      const channels = await this.ctx.api.channels(credentials.serverUrl, credentials.token);
      const ahead = await this.readsAhead(channels);
      if (epoch === this.membershipEpoch || attempt === 3) return { channels, ahead };
    }
  }

  private async syncOnce(credentials: Credentials): Promise<void> {
    const { channels, ahead } = await this.channelList(credentials);
    this.workspace.channelsGone(this.store.saveChannels(channels, ahead));
    this.releaseOutbox();
    this.emitChannels();
    for (const c of channels) if (this.store.unreadCount(c.id) === 0) this.ctx.ports.notifier.close?.(c.id);
    // A few channels at a time: twenty at once interleaved their pages on the event loop, so every
    // channel finished late and the loop was never free for long (bench figure 13).
    const ids = channels.map((c) => c.id);
    const started = new Map<string, Promise<StartedCatchUp>>();
    const start = (channelId: string) => {
      let begun = started.get(channelId);
      if (!begun) {
        begun = this.startCatchUp(channelId, credentials);
        begun.catch(() => {}); // thrown where it is awaited
        started.set(channelId, begun);
      }
      return begun;
    };
    const results = await settleEach(ids, CATCH_UP_CHANNELS, async (channelId, at) => {
      const begun = start(channelId);
      // The channel a worker takes next is begun now: its preferences and first page arrive while this
      // one is stored. The channels caught up at once are stored turn about (turns.ts), so they ended
      // together and then all waited for their successors' round trips (figure 13: ~15 % idle).
      const ahead = ids[at + CATCH_UP_CHANNELS];
      if (ahead !== undefined) start(ahead);
      await this.finishCatchUp(channelId, credentials, await begun);
    });
    this.emitChannels();
    // One channel gone (left, deleted) must not hold up the rest; anything else is retried by the caller.
    for (const r of results) {
      if (r.status === 'rejected' && !isGone(r.reason)) throw r.reason;
    }
  }

  /**
   * What each listed channel's read position here is ahead of the server's, counted a channel a turn
   * before the list is saved (store.readAhead): in the save's one transaction the twenty counts held
   * the event loop for one long turn at the start of figure 13's catch-up.
   */
  private async readsAhead(channels: readonly Channel[]): Promise<Map<string, ReadAhead>> {
    const counted = new Map<string, ReadAhead>();
    for (const c of channels) {
      const local = this.store.channel(c.id);
      if (!local || local.read_seq <= c.lastReadSeq) continue;
      await this.turns.next();
      counted.set(c.id, this.store.readAhead(c.id, c.lastReadSeq));
    }
    return counted;
  }

  async catchUpChannel(channelId: string, credentials: Credentials): Promise<void> {
    await this.finishCatchUp(channelId, credentials, await this.startCatchUp(channelId, credentials));
  }

  /** A channel's catch-up up to its first page asked for: the preferences, then where to start. */
  private async startCatchUp(channelId: string, { serverUrl, token }: Credentials): Promise<StartedCatchUp> {
    // Preferences only steer notifications: a server without them must not hold up the messages.
    await this.syncPreferences(channelId, { serverUrl, token }).catch((error: unknown) =>
      this.ctx.logger.info({ err: String(error) }, 'preferences not fetched'),
    );
    const known = this.store.channel(channelId);
    const cursor = known?.cursor ?? null;
    if (cursor === null) {
      // Never synced: the newest page only; older history is fetched when scrolled to.
      const first = this.ctx.api.history(serverUrl, token, channelId, { limit: DEFAULT_PAGE_LIMIT });
      first.catch(() => {}); // thrown where it is awaited (finishCatchUp); begun early, that may be later
      return { known, cursor, first };
    }
    // From the cursor, or from before our own recent unread messages: their receipts come along.
    const unread = this.store.oldestUnreadOwnSeq(channelId, RECEIPT_LOOKBACK);
    const after = unread !== undefined ? Math.min(cursor, unread - 1) : cursor;
    const first = this.catchUpPage(channelId, { serverUrl, token }, after);
    first.catch(() => {}); // as above
    return { known, cursor, first };
  }

  private catchUpPage(channelId: string, { serverUrl, token }: Credentials, after: number) {
    return this.ctx.api.historyInSlices(serverUrl, token, channelId, { after, limit: CATCH_UP_PAGE });
  }

  /** The rest of a channel's catch-up, from its first page on (it may have been asked for early). */
  private async finishCatchUp(
    channelId: string,
    credentials: Credentials,
    { known, cursor, first }: StartedCatchUp,
  ): Promise<void> {
    if (cursor === null) {
      const page = await first;
      // What was sent after the server listed the channel to us is new, not history: it notifies as
      // a live arrival would have (the page can bring it before its live event does).
      const listedUpTo = known?.server_seq ?? Number.POSITIVE_INFINITY;
      const history = page.messages.filter((m) => m.seq <= listedUpTo);
      const arrivedSince = page.messages.filter((m) => m.seq > listedUpTo);
      // Two commits: a kill -9 between them leaves the cursor unset, and the page is fetched again.
      this.ingestAll(history, 'firstSync');
      // What the page holds is current: any later change has a higher changeSeq than all of it.
      this.ingestAll(arrivedSince, 'catchup', () => this.store.setFirstSyncCursors(channelId, page.messages));
      return;
    }
    // The next page is asked for while this one is stored (pages of 100 made the round trips add up).
    await pipelinedPages(
      first,
      (page) => (page.last && page.hasMore ? this.catchUpPage(channelId, credentials, page.last.seq) : null),
      (page) => this.ingestInChunks(channelId, page),
    );
    this.store.advanceCursor(channelId);
    await this.changes.catchUp(channelId, credentials);
  }

  /**
   * A catch-up page in chunks, each one commit with the cursor moved to its last message (a kill -9
   * between two leaves the cursor at what is stored), with the event loop free between them: a page
   * of 500 in one go held it for the whole page (bench figure 13). Each chunk's messages are checked
   * against the schema in its own turn (api.ts, `SlicedPage`); one that fails stops the page there,
   * its chunks before it stored with their cursor, and the channel's catch-up fails as before.
   */
  private async ingestInChunks(channelId: string, page: SlicedPage): Promise<void> {
    // The unread count (and the badge total) once for the page, not per chunk: a recount of the
    // channel and of every channel's total, and a bridge event, per 25 messages was ~4 % of the
    // catch-up's time (bench figure 13), and the count is seen in the channel list, not per message.
    // A page that fails half way is fetched again, and the run's end raises every channel anyway.
    const unreadLater = new Set<string>();
    for (let at = 0; at < page.count; at += CATCH_UP_CHUNK) {
      // One chunk per turn of the loop across the channels caught up at once (turns.ts).
      await this.turns.next();
      const chunk = page.slice(at, at + CATCH_UP_CHUNK);
      const cursor = chunk.at(-1)!.seq;
      this.ingestAll(chunk, 'catchup', () => this.store.setCursor(channelId, cursor), unreadLater);
    }
    if (unreadLater.size > 0) this.emitUnreadOf(unreadLater);
  }

  // Channels and drafts -------------------------------------------------------------------------

  channelViews(): ChannelView[] {
    return this.store.channels().map((c) => channelView(this.store, c, this.user.id));
  }

  /** Muted here at once, and on the server (for the user's other devices) when it can be reached. */
  setMuted(channelId: string, muted: boolean, credentials: Credentials | null = null): ChannelView {
    if (!this.store.channel(channelId)) throw new BridgeFailure('NOT_FOUND', 'Unknown channel');
    this.store.setMuted(channelId, muted);
    this.emitChannels();
    if (credentials)
      storePreferences(this.ctx.api, credentials, channelId, { muted }).catch((error: unknown) =>
        this.ctx.logger.info({ err: String(error) }, 'mute not stored on the server'),
      );
    return channelView(this.store, this.store.channel(channelId)!, this.user.id);
  }

  /** The server's (stored here), or the last known one when it cannot be reached. */
  async preferences(channelId: string, credentials: Credentials | null): Promise<ChannelPreferences> {
    const channel = this.store.channel(channelId);
    if (!channel) throw new BridgeFailure('NOT_FOUND', 'Unknown channel');
    if (credentials && this.ctx.socket()) {
      try {
        await this.syncPreferences(channelId, credentials);
      } catch (error) {
        this.ctx.logger.info({ err: String(error) }, 'preferences not fetched; the last known ones');
      }
    }
    const now = this.store.channel(channelId) ?? channel;
    return { notify: now.notify, muted: now.muted === 1 };
  }

  /** Shared by the user's devices, so stored on the server first: refused while it cannot be reached. */
  async setPreferences(
    channelId: string,
    patch: Partial<ChannelPreferences>,
    credentials: Credentials | null,
  ): Promise<ChannelPreferences> {
    if (!this.store.channel(channelId)) throw new BridgeFailure('NOT_FOUND', 'Unknown channel');
    if (!credentials) throw new BridgeFailure('SERVER_UNREACHABLE', 'Not connected to the server');
    const stored = await storePreferences(this.ctx.api, credentials, channelId, patch);
    this.store.setPreferences(channelId, stored);
    this.emitChannels();
    return stored;
  }

  private async syncPreferences(channelId: string, credentials: Credentials): Promise<void> {
    const preferences = await fetchPreferences(this.ctx.api, credentials, channelId);
    this.store.setPreferences(channelId, preferences);
  }

  draft(channelId: string): string {
    return this.store.channel(channelId)?.draft ?? '';
  }

  setDraft(channelId: string, text: string): void {
    this.store.setDraft(channelId, text);
  }

  // Reading -------------------------------------------------------------------------------------

  /** The channel's newest messages are on screen in a focused window (not scrolled up, issue 12). */
  lookingAt(channelId: string): boolean {
    return this.ctx.ui.focused && this.ctx.ui.activeChannelId === channelId && this.ctx.ui.atNewest;
  }

  /** The thread under this message is open in a focused window: its replies are being read. */
  threadShown(parentId: string): boolean {
    return this.ctx.ui.focused && this.ctx.ui.openThreadId === parentId;
  }

  /**
   * The thread is shown: its unread replies (and `also`, a reply that just arrived into it) are
   * read: READ receipts, unread down.
   */
  readThread(parentId: string, also: MessageRow[] = []): void {
    const read = this.store.transaction(() => {
      const rows = [...this.store.readThread(parentId), ...also];
      for (const r of rows) if (r.id) this.store.queueReceipt(r.id, r.channel_id, 'READ');
      return rows;
    });
    if (read.length === 0) return;
    this.receipts.kick();
    const channelId = read[0]?.channel_id;
    if (channelId) this.emitUnread(channelId);
  }

  /**
   * Everything held in the channel is read: READ receipts for others' messages, unread down.
   * Only up to what is held here: a message not fetched yet has not been seen; it is read (and
   * receipted) when it arrives while the channel is still being looked at.
   */
  markRead(channelId: string): void {
    if (!this.store.channel(channelId)) throw new BridgeFailure('NOT_FOUND', 'Unknown channel');
    this.readUpTo(channelId, this.store.maxHeldSeq(channelId));
  }

  private readUpTo(channelId: string, seq: number): void {
    const newlyRead = this.store.transaction(() => this.queueReadReceipts(channelId, seq));
    if (newlyRead > 0) this.receipts.kick();
    this.emitUnread(channelId);
  }

  /** Moves the read position (inside the caller's transaction); READ receipts owed for what it passed. */
  private queueReadReceipts(channelId: string, seq: number): number {
    const rows = this.store.markReadUpTo(channelId, seq);
    for (const r of rows) if (r.id) this.store.queueReceipt(r.id, channelId, 'READ');
    return rows.length;
  }

  /** What is on screen changed (focus, channel, scroll, thread): what is now looked at is read. */
  looked(): void {
    const { activeChannelId: channelId, openThreadId, focused } = this.ctx.ui;
    if (channelId && this.lookingAt(channelId) && this.store.channel(channelId)) this.markRead(channelId);
    if (focused && openThreadId) this.readThread(openThreadId);
  }

  thread(channelId: string, parentId: string): MessageView[] {
    return this.store
      .thread(parentId)
      .filter((r) => r.channel_id === channelId)
      .map((r) => messageView(this.store, r));
  }

  async listMessages(
    args: { channelId: string; before?: number; around?: string; limit?: number },
    credentials: Credentials | null,
  ): Promise<{ messages: MessageView[]; hasMore: boolean }> {
    const { channelId, before, around } = args;
    const limit = args.limit ?? DEFAULT_PAGE_LIMIT;
    const channel = this.store.channel(channelId);
    if (!channel) throw new BridgeFailure('NOT_FOUND', 'Unknown channel');
    const online = credentials !== null && this.ctx.socket() !== null;
    if (around) {
      // A search result from the server, never cached: its page is fetched first.
      const found = this.foundOnServer.get(around);
      if (online && found && !this.store.messageById(around))
        await this.fetchHistory(credentials, channelId, {
          after: Math.max(0, found.seq - Math.ceil(limit / 2) - 1),
          limit,
        });
      const page = this.store.pageAround(channelId, around, limit);
      if (page) return { messages: page.rows.map((r) => messageView(this.store, r)), hasMore: page.hasMore };
    }
    let page = this.store.pageBefore(channelId, around ? undefined : before, limit);
    const held = page.rows.filter((r) => r.seq !== null);
    const oldest = held[0]?.seq ?? before ?? channel.last_seq + 1;
    // A page jumped to (a search result) leaves a gap below what was cached: fill it.
    const gap =
      before !== undefined && !around && this.store.heldBetween(channelId, oldest, before) < before - oldest;
    if (online && ((held.length < limit && oldest > 1) || gap)) {
      // Older than anything held here: fetch it (offline, the local page is all there is).
      await this.fetchHistory(credentials, channelId, {
        before: gap ? before : oldest,
        limit: gap ? limit : limit - held.length,
      });
      page = this.store.pageBefore(channelId, before, limit);
    }
    return { messages: page.rows.map((r) => messageView(this.store, r)), hasMore: page.hasMore };
  }

  /** Search results the server gave (id → seq): a jump to one fetches its page (search.ts). */
  readonly foundOnServer = new Map<string, { seq: number }>();

  private async fetchHistory(
    credentials: Credentials | null,
    channelId: string,
    query: { before?: number; after?: number; limit: number },
  ): Promise<void> {
    if (!credentials) return;
    try {
      const remote = await this.ctx.api.history(credentials.serverUrl, credentials.token, channelId, query);
      this.ingestAll(remote.messages, 'history');
    } catch (error) {
      this.ctx.logger.info({ err: String(error) }, 'history fetch failed; serving the local page');
    }
  }

  // Notifications -------------------------------------------------------------------------------

  /** Edits and reactions never get here: only new messages are offered. */
  private shouldNotify(offer: Offer): boolean {
    // Before the reads below: in a focused window most offers end here, and a catch-up offers each message.
    if (!this.mayInterrupt(offer)) return false;
    const channel = this.store.channel(offer.channelId);
    if (!channel) return false;
    const row = this.store.messageById(offer.messageId);
    if (!row || row.own || row.seq === null || row.deleted === 1) return false;
    const mentioned = this.mentioned(row.content, JSON.parse(row.mentions_json) as string[]);
    const preferences = { notify: channel.notify, muted: channel.muted === 1 };
    if (!preferencesAllow(preferences, { mentioned, personal: offer.personal })) return false;
    if (row.parent_id !== null) return row.reply_unread === 1 && !this.threadShown(row.parent_id);
    return !this.lookingAt(offer.channelId) && row.seq > channel.read_seq;
  }

  /** shouldNotify's part that reads no store: the settings and the window's focus. */
  private mayInterrupt(offer: Offer): boolean {
    const settings = this.ctx.ports.settings.get();
    if (!settings.notificationsEnabled || settings.doNotDisturb) return false;
    return toastWorthy(offer, this.ctx.ui.focused);
  }

  /** The server's mentions, or for a server without them `@name` / `@channel` / `@here` in the text. */
  private mentioned(content: string, mentions: string[]): boolean {
    return mentions.includes(this.user.id) || personallyAddressed(content, this.user.name);
  }

  // Events to the UI ----------------------------------------------------------------------------

  /** Raised at once, or with the batch being worked on (events.run). */
  emitMessage(row: MessageRow): void {
    this.events.message(row);
  }

  private reemit(messageId: string): void {
    const row = this.store.messageById(messageId);
    if (row) this.emitMessage(row);
  }

  emitOutboxCounts(): void {
    this.events.outbox();
  }

  emitChannels(): void {
    this.ctx.emitter.emit('channels', this.channelViews());
    this.updateBadge();
  }

  emitUnread(channelId: string): void {
    this.events.unread(channelId);
  }

  private emitUnreadOf(channelIds: Iterable<string>): void {
    const total = this.badgeTotal();
    for (const channelId of channelIds) {
      const unreadCount = this.store.unreadCount(channelId);
      const mentionCount = this.store.unreadMentions(channelId);
      this.ctx.emitter.emit('unread', { channelId, unreadCount, total, mentionCount });
      // Read here or on another device (its own message arrived, the server's read position): the
      // channel's notifications are stale.
      if (unreadCount === 0) this.ctx.ports.notifier.close?.(channelId);
    }
    this.ctx.ports.setBadgeCount?.(total);
  }

  updateBadge(): void {
    this.ctx.ports.setBadgeCount?.(this.badgeTotal());
  }

  /** Unread across channels, muted ones left out (muting means "don't bother me"). */
  private badgeTotal(): number {
    return this.store.totalUnread();
  }

  private member(channelId: string, userId: string): UserSummary | undefined {
    const channel = this.store.channel(channelId);
    return channel ? members(channel).find((m) => m.id === userId) : undefined;
  }
}

/** `work` for every item, at most `limit` at a time; each one's outcome, in order (Promise.allSettled). */
async function settleEach<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, at: number) => Promise<void>,
): Promise<PromiseSettledResult<void>[]> {
  const results: PromiseSettledResult<void>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]!, at).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function isGone(error: unknown): boolean {
  return error instanceof BridgeFailure && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND');
}
