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
  /** A page in seq order; the viewer's own messages carry their receipts. */
  listMessages(channelId: string, viewerId: string, query: HistoryQuery): Promise<MessagesPage>;
  /** Raises a recipient's status monotonically; READ also moves their read position. */
  recordReceipt(messageId: string, userId: string, status: ReceiptStatus, at: string): Promise<ReceiptResult>;

  close(): Promise<void>;
}
