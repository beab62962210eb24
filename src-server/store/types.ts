/**
 * The storage interface the server talks to, implemented by the SQLite store (sqlite/sqlite-store.ts, the default) and
 * the PostgreSQL store (postgres/postgres-store.ts, with DATABASE_URL); both pass the same tests (contract.ts). Every
 * method returns a Promise, even where SQLite is sync.
 */
import type {
  Channel,
  HistoryQuery,
  Message,
  MessageDeliveryStatus,
  MessagesPage,
  UserSummary,
} from '../../src-shared/protocol';

export interface UserRecord extends UserSummary {
  username: string;
  passwordHash: string;
}

export interface ChannelRecord {
  id: string;
  name: string;
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

export type ReceiptStatus = MessageDeliveryStatus.DELIVERED | MessageDeliveryStatus.READ;

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

export interface Store {
  getUser(id: string): Promise<UserRecord | undefined>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  /** Creates the user unless the username exists; returns the stored one either way. */
  ensureUser(user: DemoUser): Promise<UserRecord>;
  /** Creates the channel unless the name exists; returns the stored one either way. */
  ensureChannel(name: string): Promise<ChannelRecord>;
  addMember(channelId: string, userId: string): Promise<void>;

  membership(channelId: string, userId: string): Promise<Membership>;
  memberChannelIds(userId: string): Promise<string[]>;
  /** The caller's channels with members, read position and unread count. */
  listChannels(userId: string): Promise<Channel[]>;

  getMessage(id: string): Promise<Message | undefined>;
  findByClientMessageId(userId: string, clientMessageId: string): Promise<Message | undefined>;
  /** Stores the message with the channel's next seq, in one transaction; a replay returns the first. */
  insertMessage(message: NewMessage): Promise<InsertResult>;
  /**
   * insertMessage for a numbered send, in one transaction with its device position: a replay returns the
   * first message; otherwise it is stored only when `deviceSeq` follows the device's last one in that
   * channel, which it then becomes. Numbers from one instance are checked in the order of the calls.
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

  close(): Promise<void>;
}
