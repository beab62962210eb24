/**
 * What the server pushes, parsed once here at the boundary and handed to the account that was signed
 * in when the socket was made (a late event for an account since closed is dropped).
 */
import {
  ChangeEvent,
  ChannelJoinedEvent,
  ChannelLeftEvent,
  ChannelUpdatedEvent,
  MemberEvent,
  Message,
  MessageDeletedEvent,
  MessageErrorEvent,
  MessageEvent,
  MessageSent,
  MessageUpdatedEvent,
  PresenceUpdate,
  ReactionUpdatedEvent,
  ReceiptEvent,
  RelayEvent,
  RelayFeatures,
  TypingEvent,
  WorkspaceEvent,
} from '../../src-shared/protocol';
import type { Account, Credentials } from './account';
import type { RelaySocket } from './connection';
import { guard, type ReportFault } from './guard';
import type { Logger } from './ports';

export function listenToServer(
  socket: RelaySocket,
  owner: Account | null,
  current: () => Account | null,
  report: ReportFault,
  logger: Logger,
  credentials: () => Credentials | null,
): void {
  const mine = () => (current() === owner ? owner : null);
  const listen = <A extends unknown[]>(event: string, fn: (...args: A) => void) =>
    (socket as unknown as { on(e: string, f: (...args: A) => void): void }).on(
      event,
      guard(report, `handling ${event}`, fn),
    );
  // New messages wait for the end of the turn (live-arrivals.ts); every other event first commits
  // them, so events are applied in the order the server sent them.
  const on = <A extends unknown[]>(event: string, fn: (...args: A) => void) =>
    listen(event, (...args: A) => {
      mine()?.live.flush();
      fn(...args);
    });
  listen(MessageEvent.NEW, (raw: unknown) => {
    const m = Message.safeParse(raw);
    if (m.success) mine()?.live.add(m.data);
    else logger.warn({ event: MessageEvent.NEW }, 'unreadable message from server');
  });
  on(MessageEvent.SENT, (raw: unknown) => {
    // Straight to the outbox, which applies the acks of this turn in one commit.
    const ack = MessageSent.safeParse(raw);
    if (ack.success) mine()?.outbox.ackArrived(ack.data);
  });
  // What this server handles beyond interface.md, said as the socket connects: for this socket only.
  listen(RelayEvent.FEATURES, (raw: unknown) => {
    const features = RelayFeatures.safeParse(raw);
    if (features.success) mine()?.outbox.serverFeatures(socket, features.data);
  });
  for (const event of [MessageEvent.DELIVERED, MessageEvent.READ] as const) {
    on(event, (raw: unknown) => {
      const receipt = ReceiptEvent.safeParse(raw);
      if (receipt.success) mine()?.receiptArrived(receipt.data);
    });
  }
  on(MessageEvent.TYPING_START, (raw: unknown) => {
    const t = TypingEvent.safeParse(raw);
    if (t.success && t.data.userId !== owner?.user.id)
      mine()?.typing.remoteStarted(t.data.channelId, t.data.userId);
  });
  on(MessageEvent.TYPING_STOP, (raw: unknown) => {
    const t = TypingEvent.safeParse(raw);
    if (t.success) mine()?.typing.remoteStopped(t.data.channelId, t.data.userId);
  });
  // Changes of messages (issue 14): applied to the messages held here, never notified.
  on(ChangeEvent.UPDATED, (raw: unknown) => {
    const e = MessageUpdatedEvent.safeParse(raw);
    if (e.success) mine()?.changes.updated(e.data.message);
    else logger.warn({ event: ChangeEvent.UPDATED }, 'unreadable change from server');
  });
  on(ChangeEvent.DELETED, (raw: unknown) => {
    const e = MessageDeletedEvent.safeParse(raw);
    if (e.success) mine()?.changes.deleted(e.data);
  });
  on(ChangeEvent.REACTION_UPDATED, (raw: unknown) => {
    const e = ReactionUpdatedEvent.safeParse(raw);
    if (e.success) mine()?.changes.reactions(e.data);
  });
  on(MessageEvent.ERROR, (raw: unknown) => {
    // Sends and receipts learn their fate from their acks; this is for the log.
    const e = MessageErrorEvent.safeParse(raw);
    if (e.success) logger.warn({ code: e.data.code, event: e.data.event }, 'server refused an event');
  });
  listenToWorkspace(on, mine, credentials, logger);
}

/** The workspace's live events (issue 13): the channel list and presence change without a reconnect. */
function listenToWorkspace(
  on: <A extends unknown[]>(event: string, fn: (...args: A) => void) => void,
  mine: () => Account | null,
  credentials: () => Credentials | null,
  logger: Logger,
): void {
  const parsed =
    <T>(event: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }) =>
    (handle: (data: T, account: Account) => void) =>
      on(event, (raw: unknown) => {
        const result = schema.safeParse(raw);
        const account = mine();
        if (!result.success) logger.warn({ event }, 'unreadable workspace event from server');
        else if (account) handle(result.data, account);
      });
  parsed(
    WorkspaceEvent.CHANNEL_JOINED,
    ChannelJoinedEvent,
  )(({ channel }, a) => a.workspace.channelJoined(channel, credentials()));
  parsed(
    WorkspaceEvent.CHANNEL_LEFT,
    ChannelLeftEvent,
  )(({ channelId }, a) => a.workspace.channelLeft(channelId));
  parsed(
    WorkspaceEvent.CHANNEL_UPDATED,
    ChannelUpdatedEvent,
  )(({ channel }, a) => a.workspace.channelUpdated(channel));
  parsed(
    WorkspaceEvent.MEMBER_JOINED,
    MemberEvent,
  )(({ channelId, userId }, a) => a.workspace.memberChanged(channelId, userId, true, credentials()));
  parsed(
    WorkspaceEvent.MEMBER_LEFT,
    MemberEvent,
  )(({ channelId, userId }, a) => a.workspace.memberChanged(channelId, userId, false, credentials()));
  parsed(
    WorkspaceEvent.PRESENCE_UPDATE,
    PresenceUpdate,
  )(({ userId, presence }, a) => a.workspace.presenceChanged(userId, presence));
}
