/**
 * The storage interface the server talks to, implemented by the SQLite store (sqlite/sqlite-store.ts, the default) and
 * the PostgreSQL store (postgres/postgres-store.ts, with DATABASE_URL); both pass the same tests (contract.ts). Every
 * method returns a Promise, even where SQLite is sync.
 */
import type {
  ChangeApplied,
  ChangesPage,
  Channel,
  ChannelKind,
  ChannelPreferences,
  HistoryQuery,
  Message,
  MessageDeliveryStatus,
  MessageFile,
  MessagesPage,
  SearchPage,
  SearchQuery,
  UserSummary,
} from '../../src-shared/protocol';
import type { ChangeRequest, ChangeResult } from './changes';

export interface UserRecord extends UserSummary {
  username: string;
  /** '' until an invited user sets a password: it never verifies. */
  passwordHash: string;
  admin: boolean;
  /** false once deactivated: every token of the user is refused. */
  active: boolean;
  /** Carried by every token; a token with another version is revoked. */
  tokenVersion: number;
}

export interface NewUser {
  username: string;
  name: string;
  admin?: boolean;
  /** Absent for an invited user, who sets it through the invite. */
  passwordHash?: string;
}

/** What changes a user's authentication; the token version goes up with it, revoking earlier tokens. */
export interface AuthChange {
  passwordHash?: string;
  active?: boolean;
}

export type InviteRedemption =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' };

export interface ChannelRecord {
  id: string;
  name: string;
  kind: ChannelKind;
  private: boolean;
  topic: string;
  archived: boolean;
  createdBy?: string;
  lastSeq: number;
}

export interface NewChannel {
  name: string;
  kind?: ChannelKind;
  private?: boolean;
  topic?: string;
  createdBy?: string;
  /** Added in the same transaction as the channel, only when it is created. */
  memberIds: string[];
}

export interface ChannelChanges {
  name?: string;
  topic?: string;
  archived?: boolean;
}

/** Where a user stands towards a channel: decides NOT_FOUND versus FORBIDDEN. */
export type Membership = 'no_channel' | 'not_member' | 'member';

export interface NewMessage {
  id: string;
  channelId: string;
  userId: string;
  parentId?: string;
  content: string;
  clientMessageId?: string;
  createdAt: string;
  /** Uploads the message carries (checked by the caller: the sender's own); linked in the same transaction. */
  files?: MessageFile[];
  /** User ids the content mentions (socket/mentions.ts). */
  mentions?: string[];
}

/** Where a numbered send stands: its device (a UUID per app installation) and its number there. */
export interface DeviceSeq {
  deviceId: string;
  /** 1, 2, 3, … per (user, device, channel). */
  deviceSeq: number;
}

/** A numbered send that was not the next of its device in that channel: nothing was stored. */
export interface OutOfOrder {
  created: false;
  message?: undefined;
  /** The number the store expects next from that device in that channel. */
  expectedSeq: number;
}

export interface InsertResult {
  message: Message;
  /** false when (userId, clientMessageId) was already stored: `message` is the first one. */
  created: boolean;
}

export type ReceiptStatus = typeof MessageDeliveryStatus.DELIVERED | typeof MessageDeliveryStatus.READ;

export interface ReceiptResult {
  /** false when the stored status was already this high: nothing to forward. */
  changed: boolean;
  status: ReceiptStatus;
  at: string;
}

export interface DemoUser {
  username: string;
  name: string;
  passwordHash: string;
}

/** An upload (POST /api/files): its bytes are the blob named by sha256 in the blob store. */
export interface FileRecord extends MessageFile {
  userId: string;
  sha256: string;
  createdAt: string;
  /** When a message first carried it; until then it is collected after 24 h. */
  postedAt?: string;
}

export interface Store {
  getUser(id: string): Promise<UserRecord | undefined>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  /** Creates the user unless the username exists; returns the stored one either way. */
  ensureUser(user: DemoUser): Promise<UserRecord>;
  /** Creates the channel unless the name exists; returns the stored one either way. */
  ensureChannel(name: string): Promise<ChannelRecord>;
  /** false when the user already was a member. */
  addMember(channelId: string, userId: string): Promise<boolean>;

  // The workspace: people, invites, channels (store/workspace-contract.ts).
  /** undefined when the username is taken. */
  createUser(user: NewUser): Promise<UserRecord | undefined>;
  /** Every user, active or not, by username. */
  listUsers(): Promise<UserRecord[]>;
  /** Applies the change and raises the token version; undefined for an unknown user. */
  changeAuth(userId: string, change: AuthChange): Promise<UserRecord | undefined>;
  createInvite(userId: string, tokenHash: string, expiresAt: string): Promise<void>;
  /** Uses the invite once, atomically: sets the password, raises the token version. */
  redeemInvite(tokenHash: string, passwordHash: string, now: string): Promise<InviteRedemption>;
  /** Creates the channel with its members unless the name exists; returns the stored one either way. */
  createChannel(channel: NewChannel): Promise<{ channel: ChannelRecord; created: boolean }>;
  getChannel(id: string): Promise<ChannelRecord | undefined>;
  findChannelByName(name: string): Promise<ChannelRecord | undefined>;
  /** Every channel and DM, by name. */
  listChannelRecords(): Promise<ChannelRecord[]>;
  channelMembers(channelId: string): Promise<UserSummary[]>;
  /** false when the user was not a member. */
  removeMember(channelId: string, userId: string): Promise<boolean>;
  /** false when the new name is taken (nothing changed then). */
  updateChannel(channelId: string, changes: ChannelChanges): Promise<boolean>;

  membership(channelId: string, userId: string): Promise<Membership>;
  memberChannelIds(userId: string): Promise<string[]>;
  /** The caller's channels with members, read position and unread count. */
  listChannels(userId: string): Promise<Channel[]>;

  getMessage(id: string): Promise<Message | undefined>;
  findByClientMessageId(userId: string, clientMessageId: string): Promise<Message | undefined>;
  /**
   * Stores the message with the channel's next seq, in one transaction; a replay returns the first. A
   * message whose files are no longer all stored (collected since the caller checked them) is refused
   * NOT_FOUND (errors.ts fileGone) and nothing of it is stored: in the same transaction, so a collection
   * comes wholly before it (the refusal) or after it (which then finds the files posted).
   */
  insertMessage(message: NewMessage): Promise<InsertResult>;
  /**
   * insertMessage for a numbered send, in one transaction with its device position: a replay returns the
   * first message; otherwise it is stored only when `deviceSeq` follows the device's last one in that
   * channel, which it then becomes. Numbers from one instance are checked in the order of the calls.
   * Refused for its files (as insertMessage), it uses up its number, as any send refused for good.
   */
  insertNumbered(message: NewMessage, device: DeviceSeq): Promise<InsertResult | OutOfOrder>;
  /** A numbered send refused for good uses up its number, if it is the next one; queued like an insert. */
  skipDeviceSeq(userId: string, channelId: string, device: DeviceSeq): Promise<void>;
  /** The last deviceSeq used by that device of the user in that channel (0 when none). */
  devicePosition(userId: string, deviceId: string, channelId: string): Promise<number>;
  /** A page in seq order; the viewer's own messages carry their receipts. */
  listMessages(channelId: string, viewerId: string, query: HistoryQuery): Promise<MessagesPage>;
  /** Raises a recipient's status monotonically; READ also moves their read position. */
  recordReceipt(messageId: string, userId: string, status: ReceiptStatus, at: string): Promise<ReceiptResult>;

  // Files (store/files-contract.ts).
  insertFile(file: FileRecord): Promise<void>;
  getFile(id: string): Promise<FileRecord | undefined>;
  /** True when a message carrying the file was posted in a channel the user is a member of. */
  canReadFile(fileId: string, userId: string): Promise<boolean>;
  /** Deletes the files never posted and created before `cutoff`; returns them (their blobs may go). */
  deleteUnpostedFiles(cutoff: string): Promise<FileRecord[]>;
  /** Those of these blobs that some file row still names. */
  blobsInUse(sha256s: string[]): Promise<Set<string>>;
  // Messages that change (store/changes.ts; contract: store/changes-contract.ts).
  /** The answer a change with this opId got, if it was applied. */
  appliedOp(userId: string, opId: string): Promise<ChangeApplied | undefined>;
  /**
   * In one transaction: a replay answers as the first time; otherwise the change is applied (taking the
   * channel's next changeSeq when it changes the row) and its answer recorded under its opId.
   */
  changeMessage(request: ChangeRequest): Promise<ChangeResult>;
  /** Every message whose changeSeq is above `after`, lowest first, in their current state. */
  listChanges(channelId: string, after: number, limit: number): Promise<ChangesPage>;
  getPreferences(channelId: string, userId: string): Promise<ChannelPreferences>;
  setPreferences(channelId: string, userId: string, preferences: ChannelPreferences): Promise<void>;
  /** Full text, newest first, in the user's channels only (or one of them), never a deleted message. */
  searchMessages(userId: string, query: SearchQuery): Promise<SearchPage>;

  close(): Promise<void>;
}
