/**
 * Test messages on either side of the contract, every required field filled once here, so a test or a
 * bench figure names only what it is about: `serverMessage` as the server sends one (`message:new`,
 * history, the changes feed), `messageView` as the core shows one to the page.
 */
import type { MessageView } from '../bridge';
import { type Message, MessageDeliveryStatus, type UserSummary, unchangedMessageFields } from '../protocol';

export type ServerMessageFields = Partial<Message> & {
  channelId: string;
  user: UserSummary;
  seq: number;
  /** createdAt and updatedAt both (default: now); a field given explicitly wins. */
  at?: string;
};

/** A message never changed, by `user`, stored as `seq`: "message <seq>" unless `content` is given. */
export function serverMessage({ at = new Date().toISOString(), ...fields }: ServerMessageFields): Message {
  return {
    id: crypto.randomUUID(),
    content: `message ${fields.seq}`,
    userId: fields.user.id,
    createdAt: at,
    updatedAt: at,
    deliveryStatus: MessageDeliveryStatus.SENT,
    ...unchangedMessageFields(),
    ...fields,
  };
}

/** Someone else's message as the page sees it, held by the server, never changed; the fields given win. */
export function messageView(
  fields: Pick<MessageView, 'channelId' | 'author'> & Partial<MessageView>,
): MessageView {
  const id = fields.id ?? crypto.randomUUID();
  return {
    key: id,
    id,
    clientMessageId: undefined,
    parentId: undefined,
    content: 'hello',
    createdAt: new Date().toISOString(),
    seq: undefined,
    own: false,
    status: undefined,
    failure: undefined,
    ...unchangedViewFields(),
    ...fields,
  };
}

/** What the page is shown of a message nobody has seen, replied to, changed or reacted to. */
export function unchangedViewFields() {
  return {
    seenBy: [],
    replyCount: 0,
    deleted: false,
    reactions: [],
    mentions: [],
    mentionsMe: false,
    pendingChange: null,
  } satisfies Partial<MessageView>;
}
