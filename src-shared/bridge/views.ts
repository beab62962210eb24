/**
 * What the core shows the renderer: channels, messages and the outbox as the UI sees them.
 * These are the bridge's value types; the core builds them from its local store.
 */
import { z } from 'zod';
import { ChannelKind, DeliveryStatus, Id, IsoDate, optionalField, UserSummary } from '../protocol/schemas';
import { Presence } from '../protocol/workspace';

/** A message's status as the UI labels it (interface.md: `message-status` text). */
export const UiStatus = z.enum(['Sending', 'Sent', 'Delivered', 'Read', 'Failed']);
export type UiStatus = z.infer<typeof UiStatus>;

export const ConnectionState = z.enum(['connecting', 'connected', 'offline', 'unauthorized']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const SeenBy = z.object({
  userId: Id,
  name: z.string(),
  status: DeliveryStatus,
  at: IsoDate,
});
export type SeenBy = z.infer<typeof SeenBy>;

export const Failure = z.object({ code: z.string(), message: z.string() });
export type Failure = z.infer<typeof Failure>;

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
});
export type MessageView = z.infer<typeof MessageView>;

export const ChannelView = z.object({
  id: Id,
  name: z.string(),
  members: z.array(UserSummary),
  unreadCount: z.number().int().nonnegative(),
  muted: z.boolean(),
  lastSeq: z.number().int().nonnegative(),
  // The workspace's fields (issue 13): a DM is titled by its other members' names.
  kind: ChannelKind,
  private: z.boolean(),
  topic: z.string(),
  archived: z.boolean(),
  createdBy: optionalField(Id),
});
export type ChannelView = z.infer<typeof ChannelView>;

export const OutboxItem = z.object({
  clientMessageId: Id,
  channelId: Id,
  channelName: z.string(),
  content: z.string(),
  status: z.enum(['Sending', 'Failed']),
  attempts: z.number().int().nonnegative(),
  failure: optionalField(Failure),
  createdAt: IsoDate,
});
export type OutboxItem = z.infer<typeof OutboxItem>;

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

/** After this long without input the app says its person is away (issue 13). */
export const IDLE_AFTER_MS = 10 * 60 * 1000;
