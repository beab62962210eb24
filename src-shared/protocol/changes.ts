/**
 * Messages that change (interface.md, "Messages that change"): edits, deletions, reactions, the
 * per-channel change feed, notification preferences and search. Every change is a socket event with an
 * acknowledgement and a client-made `opId`: the server applies an `opId` once, and a replay answers as
 * the first time did, so a durable client queue may resend after any crash or cut.
 */
import { z } from 'zod';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './limits';
import { AckError, Emoji, Id, Message, MessageContent, optionalField, Reaction } from './schemas';

/** One change as the client queued it: the same opId sent again changes nothing. */
export const OpId = Id;

// ---------------------------------------------------------------------------------------------
// Client → server
// ---------------------------------------------------------------------------------------------

/** `message:edit`: the author only; the content follows the rules of `message:send`. */
export const EditMessagePayload = z.object({ messageId: Id, content: MessageContent, opId: OpId });
export type EditMessagePayload = z.infer<typeof EditMessagePayload>;

/** `message:delete`: the author or an admin; the message stays as a tombstone. */
export const DeleteMessagePayload = z.object({ messageId: Id, opId: OpId });
export type DeleteMessagePayload = z.infer<typeof DeleteMessagePayload>;

/** `reaction:add` / `reaction:remove`: a member of the message's channel. */
export const ReactionPayload = z.object({ messageId: Id, emoji: Emoji, opId: OpId });
export type ReactionPayload = z.infer<typeof ReactionPayload>;

/**
 * The ack of the four change events. `changeSeq` is the message's after the change (a change that
 * altered nothing, such as adding a reaction already there, answers with the current one).
 */
export const ChangeApplied = z.object({
  ok: z.literal(true),
  opId: OpId,
  messageId: Id,
  channelId: Id,
  changeSeq: z.number().int().nonnegative(),
});
export type ChangeApplied = z.infer<typeof ChangeApplied>;

export const ChangeAck = z.discriminatedUnion('ok', [ChangeApplied, AckError]);
export type ChangeAck = z.infer<typeof ChangeAck>;

// ---------------------------------------------------------------------------------------------
// Server → client (broadcast to `channel:{channelId}`)
// ---------------------------------------------------------------------------------------------

/** `message:updated`: the whole message after an edit (with `editedAt`). */
export const MessageUpdatedEvent = z.object({ message: Message });
export type MessageUpdatedEvent = z.infer<typeof MessageUpdatedEvent>;

/** `message:deleted`. `changeSeq` is extra to interface.md (absent from other servers). */
export const MessageDeletedEvent = z.object({
  messageId: Id,
  channelId: Id,
  changeSeq: optionalField(z.number().int().nonnegative()),
});
export type MessageDeletedEvent = z.infer<typeof MessageDeletedEvent>;

/** `reaction:updated`: the message's reactions after the change, all of them. */
export const ReactionUpdatedEvent = z.object({
  messageId: Id,
  channelId: Id,
  reactions: z.array(Reaction),
  changeSeq: optionalField(z.number().int().nonnegative()),
});
export type ReactionUpdatedEvent = z.infer<typeof ReactionUpdatedEvent>;

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

const QueryCount = z.coerce.number().int().nonnegative();

/** `GET /api/channels/:id/changes?after=N&limit=M` */
export const ChangesQuery = z.object({
  after: optionalField(QueryCount).transform((n) => n ?? 0),
  limit: optionalField(z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT)).transform(
    (n) => n ?? DEFAULT_PAGE_LIMIT,
  ),
});
export type ChangesQuery = z.infer<typeof ChangesQuery>;

/**
 * The current state of every message whose `changeSeq` is above `after`, lowest changeSeq first.
 * `changeSeq` is the cursor for the next request: the last message's when `hasMore`, otherwise the
 * channel's latest (so an app that saw everything keeps it).
 */
export const ChangesPage = z.object({
  messages: z.array(Message),
  changeSeq: z.number().int().nonnegative(),
  hasMore: z.boolean(),
});
export type ChangesPage = z.infer<typeof ChangesPage>;

export const NotifyLevel = z.enum(['all', 'mentions', 'none']);
export type NotifyLevel = z.infer<typeof NotifyLevel>;

/** `GET /api/channels/:id/preferences`: one user's, shared by all their devices. */
export const ChannelPreferences = z.object({ notify: NotifyLevel, muted: z.boolean() });
export type ChannelPreferences = z.infer<typeof ChannelPreferences>;

/** DMs and channels alike start here. */
export const DEFAULT_PREFERENCES: ChannelPreferences = { notify: 'all', muted: false };

/** `PUT /api/channels/:id/preferences`: either field or both; answered with the whole preferences. */
export const UpdatePreferencesRequest = z
  .object({ notify: optionalField(NotifyLevel), muted: optionalField(z.boolean()) })
  .refine((r) => r.notify !== undefined || r.muted !== undefined, { message: 'Give notify or muted' });
export type UpdatePreferencesRequest = z.infer<typeof UpdatePreferencesRequest>;

export const MAX_SEARCH_QUERY_LENGTH = 200;
export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;

/** `GET /api/search?q=…&channelId=…&limit=…` */
export const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'Give something to search for')
    .max(MAX_SEARCH_QUERY_LENGTH, `Searches have at most ${MAX_SEARCH_QUERY_LENGTH} characters`),
  channelId: optionalField(Id),
  limit: optionalField(z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT)).transform(
    (n) => n ?? DEFAULT_SEARCH_LIMIT,
  ),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/** Newest first, only in the caller's channels, never a deleted message. */
export const SearchPage = z.object({ messages: z.array(Message), hasMore: z.boolean() });
export type SearchPage = z.infer<typeof SearchPage>;
