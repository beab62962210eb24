/**
 * The bridge between the renderer and the main-process core, defined once.
 *
 * `calls`: every request the renderer may make, with its input and output schema. Main parses every
 * input with zod before the core sees it (a bad one gets `{ok: false, error}` and changes nothing).
 * `events`: every event of the core's stream, with its payload schema.
 *
 * The same contract is carried over Electron IPC (src-preload) and over a WebSocket (browser host):
 * both implement `RelayApi` below, built from these two tables.
 */
import { z } from 'zod';
import { ChannelPreferences, NotifyLevel, SearchQuery } from '../protocol/changes';
import { DM_MAX_PEOPLE, DM_MIN_PEOPLE, MAX_FILES_PER_MESSAGE } from '../protocol/limits';
import { Emoji, Id, MessageContent, optionalField } from '../protocol/schemas';
import { Name, NewPassword, Topic } from '../protocol/workspace';
import { ATTACHMENT_CHUNK_BYTES } from './limits';
import {
  BrowseChannelView,
  ChannelView,
  ConnectionState,
  MessageView,
  NotificationView,
  OutboxItem,
  PersonView,
  SearchResults,
  SessionView,
  Settings,
  TypistsView,
} from './views';

const Void = z.undefined().optional();
const ChannelRef = z.object({ channelId: Id });
const OutboxRef = z.object({ clientMessageId: Id });
/**
 * One message, by its MessageView `key` (our own: the clientMessageId, so it can be changed before the
 * server has acknowledged its send; others': the server id).
 */
const MessageRef = z.object({ channelId: Id, key: Id });
const OperationRef = z.object({ opId: Id });

function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** A file staged in main by pickFiles, ready for sendMessage's attachmentIds. */
const StagedFile = z.object({
  attachmentId: Id,
  name: z.string(),
  size: z.number().int().nonnegative(),
  mime: z.string(),
});

export const calls = {
  // Session
  getSession: call(Void, SessionView),
  signIn: call(
    z.object({
      serverUrl: z.string().url(),
      username: z.string().min(1).max(64),
      password: z.string().min(1).max(256),
    }),
    SessionView,
  ),
  signOut: call(Void, SessionView),
  /** "I have an invite": sets the password of an invited person and signs them in. */
  redeemInvite: call(
    z.object({ serverUrl: z.string().url(), token: z.string().min(1).max(200), password: NewPassword }),
    SessionView,
  ),

  // Channels
  listChannels: call(Void, z.array(ChannelView)),
  setActiveChannel: call(z.object({ channelId: Id.nullable() }), Void),
  setWindowFocused: call(z.object({ focused: z.boolean() }), Void),
  /** The thread shown beside the channel (null: none): its replies are read while the window is focused. */
  setOpenThread: call(z.object({ parentId: Id.nullable() }), Void),
  /** Whether the open channel shows its newest message (false: scrolled up): only then is it read. */
  setAtNewest: call(z.object({ atNewest: z.boolean() }), Void),
  markRead: call(ChannelRef, Void),
  setMuted: call(z.object({ channelId: Id, muted: z.boolean() }), ChannelView),
  /** Per user, shared by their devices (the server's; the last known one when offline). */
  getChannelPreferences: call(ChannelRef, ChannelPreferences),
  setChannelPreferences: call(
    z.object({ channelId: Id, notify: optionalField(NotifyLevel), muted: optionalField(z.boolean()) }),
    ChannelPreferences,
  ),

  // Workspace (issue 13): people, channels, direct messages, presence
  listUsers: call(Void, z.array(PersonView)),
  browseChannels: call(Void, z.array(BrowseChannelView)),
  createChannel: call(
    z.object({
      name: Name,
      private: z.boolean(),
      topic: optionalField(Topic),
      memberIds: z.array(Id).max(100),
    }),
    ChannelView,
  ),
  joinChannel: call(ChannelRef, ChannelView),
  leaveChannel: call(ChannelRef, Void),
  addMember: call(z.object({ channelId: Id, userId: Id }), ChannelView),
  updateChannel: call(
    z
      .object({ channelId: Id, name: optionalField(Name), topic: optionalField(Topic) })
      .refine((r) => r.name !== undefined || r.topic !== undefined, { message: 'Give a name or a topic' }),
    ChannelView,
  ),
  archiveChannel: call(ChannelRef, ChannelView),
  /** The direct message with these people (the caller is always in it): found again for the same set. */
  openDm: call(
    z.object({
      userIds: z
        .array(Id)
        .min(DM_MIN_PEOPLE - 1)
        .max(DM_MAX_PEOPLE - 1),
    }),
    ChannelView,
  ),
  listMembers: call(ChannelRef, z.array(PersonView)),
  /** The page saw no input for IDLE_AFTER_MS (true), or input again (false). */
  setIdle: call(z.object({ idle: z.boolean() }), Void),

  // Messages
  /** A page of messages in `seq` order: the newest page, or the page before a seq, or around a message. */
  listMessages: call(
    z.object({
      channelId: Id,
      before: optionalField(z.number().int().positive()),
      around: optionalField(Id),
      limit: optionalField(z.number().int().min(1).max(500)),
    }),
    z.object({ messages: z.array(MessageView), hasMore: z.boolean() }),
  ),
  listThread: call(z.object({ channelId: Id, parentId: Id }), z.array(MessageView)),
  sendMessage: call(
    z.object({
      channelId: Id,
      content: MessageContent,
      parentId: optionalField(Id),
      /** Files staged with beginAttachment/appendAttachment, uploaded before the message is sent. */
      attachmentIds: optionalField(z.array(Id).max(MAX_FILES_PER_MESSAGE)),
    }),
    MessageView,
  ),
  /**
   * Attaching a file (issue 17): main stages it under userData (0600) in chunks, since the browser
   * host's bridge frames are small (WS_MAX_FRAME_BYTES); a file past DEFAULT_UPLOAD_MAX_BYTES is refused
   * here, at once, in plain words. Staged files are queued with their message by sendMessage.
   */
  beginAttachment: call(
    z.object({
      name: z.string().min(1).max(255),
      mime: z.string().max(255),
      size: z.number().int().nonnegative(),
    }),
    z.object({ attachmentId: Id }),
  ),
  /** The next chunk, base64, at the byte offset where the previous one ended. */
  appendAttachment: call(
    z.object({
      attachmentId: Id,
      offset: z.number().int().nonnegative(),
      data: z.string().max(Math.ceil(ATTACHMENT_CHUNK_BYTES / 3) * 4),
    }),
    Void,
  ),
  /**
   * Removes a file not yet uploaded from its message, durably: an upload in flight is aborted and the
   * local copy deleted; a message left with neither text nor files is discarded (messageRemoved).
   */
  cancelUpload: call(OperationRef, Void),
  /**
   * Desktop: the native open dialog (several files); the chosen files are staged like beginAttachment's.
   * null where there is none (the browser host: the page keeps its file input).
   */
  pickFiles: call(Void, z.array(StagedFile).nullable()),
  retryMessage: call(OutboxRef, Void),
  discardMessage: call(OutboxRef, Void),
  retryAll: call(Void, z.number().int().nonnegative()),
  discardAllFailed: call(Void, z.number().int().nonnegative()),
  listOutbox: call(Void, z.array(OutboxItem)),

  // Changes of a message: queued like sends (durable, in order, exactly once) and shown at once, with
  // `pendingChange` / a reaction's `pending` until the server acknowledges them. Each returns the message
  // as now shown (also emitted as messageUpserted). A change the server refuses for good is undone
  // and said so with an `error` event (code CHANGE_REFUSED); one unsent for 24 h shows `changeFailure`.
  /** Own messages only. */
  editMessage: call(MessageRef.extend({ content: MessageContent }), MessageView),
  /** Own messages (or any, for an admin); leaves a tombstone. */
  deleteMessage: call(MessageRef, MessageView),
  addReaction: call(MessageRef.extend({ emoji: Emoji }), MessageView),
  removeReaction: call(MessageRef.extend({ emoji: Emoji }), MessageView),
  /** A change whose `changeFailure` is shown: try again now / give it up (its effect is undone). */
  retryChange: call(OperationRef, Void),
  discardChange: call(OperationRef, Void),

  // Search
  /** Cached messages at once (works offline), merged with the server's for older history when online. */
  searchMessages: call(
    z.object({
      query: SearchQuery.shape.q,
      channelId: optionalField(Id),
      limit: optionalField(z.number().int().min(1).max(100)),
    }),
    SearchResults,
  ),

  // Composer
  setTyping: call(z.object({ channelId: Id, isTyping: z.boolean() }), Void),
  getDraft: call(ChannelRef, z.string()),
  setDraft: call(z.object({ channelId: Id, text: z.string().max(20_000) }), Void),

  // Settings and the outside world
  getSettings: call(Void, Settings),
  updateSettings: call(Settings.partial(), Settings),
  openLink: call(z.object({ url: z.string().max(4096) }), Void),
  /** Desktop: installs a downloaded update now (the user's click; false when none is ready). */
  restartToUpdate: call(Void, z.boolean()),
} as const;

/** The most messages one `messagesUpserted` event carries (a bigger batch is sent as several). */
export const MAX_UPSERT_BATCH = 500;

export const events = {
  session: SessionView,
  connection: z.object({ state: ConnectionState, detail: optionalField(z.string()) }),
  channels: z.array(ChannelView),
  /** The workspace's people with their presence, whenever it changes. */
  people: z.array(PersonView),
  messageUpserted: MessageView,
  /**
   * Several messages upserted by one piece of work (a catch-up page, the live arrivals of one turn), in
   * one event: each message once, as it is now. Applied like as many `messageUpserted`, in one update.
   */
  messagesUpserted: z.array(MessageView).min(2).max(MAX_UPSERT_BATCH),
  messageRemoved: z.object({ channelId: Id, key: z.string() }),
  typing: TypistsView,
  unread: z.object({
    channelId: Id,
    unreadCount: z.number().int().nonnegative(),
    total: z.number().int(),
    /** Of the unread, those mentioning the signed-in user (absent: none). */
    mentionCount: optionalField(z.number().int().nonnegative()),
  }),
  outbox: z.object({ sending: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }),
  navigate: z.object({ channelId: Id, messageId: optionalField(Id) }),
  notification: NotificationView,
  /**
   * An upload's bytes handed to the network so far (never decreasing for one attempt; a restarted
   * upload starts again from 0), at most every 100 ms per file, and once at the end.
   */
  uploadProgress: z.object({
    channelId: Id,
    messageKey: z.string(),
    opId: Id,
    sent: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  /** Desktop: an update is downloaded and installs on restart (the "Restart to update" banner). */
  updateReady: z.object({ version: z.string().max(64) }),
  error: z.object({ code: z.string(), message: z.string() }),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
export type CallArgs<K extends CallName> = z.output<Calls[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Calls[K]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

/** Error codes of a failed call. */
export const BridgeErrorCode = z.enum([
  'BAD_REQUEST',
  'UNKNOWN_CALL',
  'NOT_SIGNED_IN',
  'UNAUTHORIZED',
  'SERVER_UNREACHABLE',
  'VALIDATION',
  'FORBIDDEN',
  'NOT_FOUND',
  /** A name already taken (HTTP 409). */
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL',
]);
export type BridgeErrorCode = z.infer<typeof BridgeErrorCode>;

export const BridgeError = z.object({ code: BridgeErrorCode, message: z.string() });
export type BridgeError = z.infer<typeof BridgeError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

/** An error a handler throws to give the renderer a specific code. */
export class BridgeFailure extends Error {
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeFailure';
  }
}

/** What the core implements: one async handler per call, taking the parsed input. */
export type CallHandlers = {
  [K in CallName]: (args: CallArgs<K>) => Promise<CallOutput<K>> | CallOutput<K>;
};

/** What the renderer sees on `window.relay`: one method per call, and subscriptions. */
export type RelayApi = {
  [K in CallName]: (input: CallInput<K>) => Promise<Result<CallOutput<K>>>;
} & {
  /** Subscribe to one event of the core's stream; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];
