/**
 * What the core shows the renderer: channels, messages and the outbox as the UI sees them.
 * These are the bridge's value types; the core builds them from its local store.
 */
import { z } from 'zod';
import { NotifyLevel } from '../protocol/changes';
import {
  ChannelKind,
  Id,
  IsoDate,
  MessageFile,
  optionalField,
  Receipt,
  UserSummary,
} from '../protocol/schemas';
import { Presence } from '../protocol/workspace';

/** A message's status as the UI labels it (interface.md: `message-status` text). */
export const UiStatus = z.enum(['Sending', 'Sent', 'Delivered', 'Read', 'Failed']);
export type UiStatus = z.infer<typeof UiStatus>;

export const ConnectionState = z.enum(['connecting', 'connected', 'offline', 'unauthorized']);
export type ConnectionState = z.infer<typeof ConnectionState>;

/** A receipt of one of ours, with the reader's name to show. */
export const SeenBy = Receipt.extend({ name: z.string() });
export type SeenBy = z.infer<typeof SeenBy>;

export const Failure = z.object({ code: z.string(), message: z.string() });
export type Failure = z.infer<typeof Failure>;

export const ReactionView = z.object({
  emoji: z.string(),
  count: z.number().int().nonnegative(),
  userIds: z.array(Id),
  /** Whether the signed-in user is among those who reacted (as shown, so with a pending change applied). */
  mine: z.boolean(),
  /** Our own add or remove of this emoji is queued and not yet acknowledged by the server. */
  pending: z.boolean(),
});
export type ReactionView = z.infer<typeof ReactionView>;

/** An edit or a deletion of ours that the server has not acknowledged yet (shown already). */
export const PendingChange = z.enum(['edit', 'delete']);
export type PendingChange = z.infer<typeof PendingChange>;

/** A file of our own message still waiting to be uploaded (issue 17): shown with its progress, cancellable. */
export const PendingUpload = z.object({
  /** Its upload operation: cancelUpload takes it, uploadProgress names it. */
  opId: Id,
  // The file as the server will carry it (name, size, mime), less the id it does not have yet.
  ...MessageFile.omit({ id: true }).shape,
});
export type PendingUpload = z.infer<typeof PendingUpload>;

export const MessageView = z.object({
  /** Stable local key: the clientMessageId for our own sends, else the server id. */
  key: z.string(),
  /** The server's id, once it has given one. */
  id: optionalField(Id),
  clientMessageId: optionalField(Id),
  channelId: Id,
  parentId: optionalField(Id),
  author: UserSummary,
  content: z.string(),
  createdAt: IsoDate,
  /** Per-channel order from the server; absent while Sending or Failed. */
  seq: optionalField(z.number().int().positive()),
  own: z.boolean(),
  /** For our own messages: Sending, Sent, Delivered, Read or Failed. */
  status: optionalField(UiStatus),
  failure: optionalField(Failure),
  seenBy: z.array(SeenBy),
  replyCount: z.number().int().nonnegative(),
  /** Files the message carries; their bytes are at /files/:id (and /files/:id/thumbnail) on the page's origin. */
  files: optionalField(z.array(MessageFile)),
  /** Our own unsent message: its files not uploaded yet, in attach order (absent: none). */
  uploads: optionalField(z.array(PendingUpload)),
  /** When it was last edited (absent: never). */
  editedAt: optionalField(IsoDate),
  /** A tombstone: deleted, content empty; kept so order and replies hold. */
  deleted: z.boolean(),
  reactions: z.array(ReactionView),
  /** Users mentioned (`@username`; `@channel` / `@here` mention every member). */
  mentions: z.array(Id),
  /** The signed-in user is among `mentions`. */
  mentionsMe: z.boolean(),
  /** Our own edit or deletion of it waiting for the server (null: none). */
  pendingChange: PendingChange.nullable(),
  /** Our queued change of it gave up (24 h without an answer): retry or discard it by `opId`. */
  changeFailure: optionalField(Failure.extend({ opId: Id })),
});
export type MessageView = z.infer<typeof MessageView>;

export const ChannelView = z.object({
  id: Id,
  name: z.string(),
  members: z.array(UserSummary),
  unreadCount: z.number().int().nonnegative(),
  /** Of the unread messages, those that mention the signed-in user (Slack's red badge). */
  mentionCount: z.number().int().nonnegative(),
  muted: z.boolean(),
  /** Which messages notify (per user, shared by their devices; interface.md). */
  notify: NotifyLevel,
  lastSeq: z.number().int().nonnegative(),
  // The workspace's fields (issue 13): a DM is titled by its other members' names.
  kind: ChannelKind,
  private: z.boolean(),
  topic: z.string(),
  archived: z.boolean(),
  createdBy: optionalField(Id),
});
export type ChannelView = z.infer<typeof ChannelView>;

/** What a queued operation does (the operation queue: core/README.md). */
export const OperationKind = z.enum(['send', 'edit', 'delete', 'react', 'unreact', 'upload']);
export type OperationKind = z.infer<typeof OperationKind>;

export const OutboxItem = z.object({
  /** The message's local key (its clientMessageId for our sends). */
  clientMessageId: Id,
  /** What is queued (absent: a send): a change of a message is retried/discarded by its `opId`. */
  kind: optionalField(OperationKind),
  opId: optionalField(Id),
  channelId: Id,
  /** The channel's title (a direct message's is its people); empty once the channel is no longer held. */
  channelName: z.string(),
  /** Absent when the channel is no longer held here (left, or removed). */
  channelKind: optionalField(ChannelKind),
  content: z.string(),
  status: z.enum(['Sending', 'Failed']),
  attempts: z.number().int().nonnegative(),
  failure: optionalField(Failure),
  createdAt: IsoDate,
});
export type OutboxItem = z.infer<typeof OutboxItem>;

/** A character range [start, end) of a search snippet that matched the query (to highlight). */
export const TextRange = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});

export const SearchResult = z.object({
  /** Open with listMessages({channelId, around: messageId}) (or the thread of parentId). */
  key: z.string(),
  messageId: optionalField(Id),
  channelId: Id,
  channelName: z.string(),
  parentId: optionalField(Id),
  author: UserSummary,
  createdAt: IsoDate,
  /** Plain text around the match (never HTML); `matches` are ranges within it. */
  snippet: z.string(),
  matches: z.array(TextRange),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const SearchResults = z.object({
  results: z.array(SearchResult),
  /** Local results only: the server was not reachable for older history. */
  offline: z.boolean(),
});
export type SearchResults = z.infer<typeof SearchResults>;

export const SessionView = z.object({
  signedIn: z.boolean(),
  user: optionalField(UserSummary),
  serverUrl: z.string(),
  connection: ConnectionState,
});
export type SessionView = z.infer<typeof SessionView>;

export const Settings = z.object({
  serverUrl: z.string().url(),
  notificationsEnabled: z.boolean(),
  doNotDisturb: z.boolean(),
  theme: z.enum(['system', 'light', 'dark']),
  // Desktop only (the browser host keeps them but nothing reads them there).
  /** Start with the OS session (off by default). */
  openAtLogin: z.boolean(),
  /** Start hidden, in the tray. */
  startMinimized: z.boolean(),
  /** electron-updater's generic provider URL; '' = no update checks. */
  updateUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2048)]),
  /** The channel each account last had open (user id → channel id), to reopen it after a restart. */
  lastChannels: z.record(z.string().max(64), Id).optional(),
});
export type Settings = z.infer<typeof Settings>;

/** A fresh install's settings: the app's, and the starting point of every fake in the tests. */
export const DEFAULT_SETTINGS: Settings = {
  serverUrl: 'http://127.0.0.1:3000',
  notificationsEnabled: true,
  doNotDisturb: false,
  theme: 'system',
  openAtLogin: false,
  startMinimized: false,
  updateUrl: '',
};

export const TypistsView = z.object({
  channelId: Id,
  typists: z.array(UserSummary),
});
export type TypistsView = z.infer<typeof TypistsView>;

export const NotificationView = z.object({
  title: z.string(),
  body: z.string(),
  channelId: Id,
  messageId: optionalField(Id),
});
export type NotificationView = z.infer<typeof NotificationView>;

/** A person of the workspace with what the app last heard of their presence. */
export const PersonView = z.object({ id: Id, username: z.string(), name: z.string(), presence: Presence });
export type PersonView = z.infer<typeof PersonView>;

/** A channel in the channel browser: one the user is in, or a public one they may join. */
export const BrowseChannelView = z.object({
  id: Id,
  name: z.string(),
  topic: z.string(),
  private: z.boolean(),
  archived: z.boolean(),
  memberCount: z.number().int().nonnegative(),
  member: z.boolean(),
});
export type BrowseChannelView = z.infer<typeof BrowseChannelView>;
