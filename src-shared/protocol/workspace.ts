/**
 * The workspace (interface.md, "Workspace"): people, channels, direct messages, invites and presence.
 * Requests and live events, defined once; the server parses with them, the app reads with them.
 */
import { z } from 'zod';
import { DM_MAX_PEOPLE, DM_MIN_PEOPLE, MAX_TOPIC_LENGTH, MIN_PASSWORD_LENGTH, NAME_PATTERN } from './limits';
import { Channel, ChannelInfo, Id, optionalField } from './schemas';

export const NAME_RULE = 'lower-case letters, digits, - and _, 1 to 80 characters';
export const Name = z.string().regex(NAME_PATTERN, `Names are ${NAME_RULE}`);

export const NewPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Passwords have at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, 'Passwords have at most 256 characters');

export const Topic = z.string().max(MAX_TOPIC_LENGTH, `Topics have at most ${MAX_TOPIC_LENGTH} characters`);

/** An invite link is valid this long. */
export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export const Presence = z.enum(['online', 'away', 'offline']);
export type Presence = z.infer<typeof Presence>;

/** Offline this long after the last socket of a user has gone. */
export const OFFLINE_AFTER_MS = 30_000;
/** At most one presence update a second per user reaches the others. */
export const PRESENCE_COALESCE_MS = 1_000;

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/** `GET /api/users`: the workspace's active users. */
export const WorkspaceUser = z.object({ id: Id, username: z.string(), name: z.string(), presence: Presence });
export type WorkspaceUser = z.infer<typeof WorkspaceUser>;
export const WorkspaceUserList = z.array(WorkspaceUser);

/** `POST /api/channels` */
export const CreateChannelRequest = z.object({
  name: Name,
  private: optionalField(z.boolean()),
  topic: optionalField(Topic),
});
export type CreateChannelRequest = z.infer<typeof CreateChannelRequest>;

/** `PATCH /api/channels/:id` */
export const UpdateChannelRequest = z
  .object({ name: optionalField(Name), topic: optionalField(Topic) })
  .refine((r) => r.name !== undefined || r.topic !== undefined, { message: 'Give a name or a topic' });
export type UpdateChannelRequest = z.infer<typeof UpdateChannelRequest>;

/** `POST /api/channels/:id/members` */
export const AddMemberRequest = z.object({ userId: Id });
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

/** `POST /api/dms`: the other people (the caller is always in it). */
export const CreateDmRequest = z.object({
  userIds: z
    .array(Id)
    .min(DM_MIN_PEOPLE - 1)
    .max(DM_MAX_PEOPLE),
});
export type CreateDmRequest = z.infer<typeof CreateDmRequest>;

/** `POST /api/invites/:token`: answered like a login. */
export const RedeemInviteRequest = z.object({ password: NewPassword });
export type RedeemInviteRequest = z.infer<typeof RedeemInviteRequest>;

// ---------------------------------------------------------------------------------------------
// Live events
// ---------------------------------------------------------------------------------------------

export const ChannelJoinedEvent = z.object({ channel: Channel });
export type ChannelJoinedEvent = z.infer<typeof ChannelJoinedEvent>;
export const ChannelLeftEvent = z.object({ channelId: Id });
export type ChannelLeftEvent = z.infer<typeof ChannelLeftEvent>;
export const ChannelUpdatedEvent = z.object({ channel: ChannelInfo });
export type ChannelUpdatedEvent = z.infer<typeof ChannelUpdatedEvent>;
export const MemberEvent = z.object({ channelId: Id, userId: Id });
export type MemberEvent = z.infer<typeof MemberEvent>;
export const PresenceUpdate = z.object({ userId: Id, presence: Presence });
export type PresenceUpdate = z.infer<typeof PresenceUpdate>;
export const PresenceSetPayload = z.object({ presence: z.enum(['online', 'away']) });
export type PresenceSetPayload = z.infer<typeof PresenceSetPayload>;

// ---------------------------------------------------------------------------------------------
// Between server instances (and from `npm run admin`): what changed, so each applies it to its sockets.
// ---------------------------------------------------------------------------------------------

export const WorkspaceChange = z.discriminatedUnion('type', [
  z.object({ type: z.literal('member'), channelId: Id, userId: Id, joined: z.boolean() }),
  z.object({ type: z.literal('channel'), channelId: Id }),
  z.object({ type: z.literal('revoke'), userId: Id }),
  z.object({ type: z.literal('presence'), userId: Id, presence: Presence }),
]);
export type WorkspaceChange = z.infer<typeof WorkspaceChange>;
