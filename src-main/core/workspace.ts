/**
 * The workspace as one signed-in account sees it (issue 13): the channel list kept live from the
 * server's `channel:*` / `member:*` events (no reconnect needed), the people and their presence, the
 * calls that change channels, and the app's own presence (away while idle).
 *
 * A channel left (here, on another device, or removed by someone else) keeps its unsent messages:
 * they are marked Failed with the reason, never dropped silently, so the person can copy them out.
 * Everything else of it goes (store.ts, `forgetMessages`): a rejoin starts as a first sync.
 */
import {
  BridgeFailure,
  type BrowseChannelView,
  type ChannelView,
  type PersonView,
} from '../../src-shared/bridge';
import {
  type Channel,
  type ChannelInfo,
  type Presence,
  type UserSummary,
  WorkspaceEvent,
} from '../../src-shared/protocol';
import { type ChannelRow, members } from '../store/store';
import type { Account, AccountContext, Credentials } from './account';
import { forgetCachedFiles } from './file-cache';
import { channelView } from './views';

/**
 * Names in the user's locale's order: what `a.localeCompare(b)` gives, with ICU's collator made once
 * as the module loads. The first `localeCompare` of the process loads ICU's collation data, 13–148 ms
 * of one turn on the bench box, and came in the people list emitted as the socket connects: a long
 * turn of bench figure 13's catch-up.
 */
const collator = new Intl.Collator();
const byName = (a: { name: string }, b: { name: string }) => collator.compare(a.name, b.name);

export class Workspace {
  private readonly people = new Map<string, PersonView>();
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly account: Account,
    private readonly ctx: AccountContext,
  ) {}

  // Live events from the server --------------------------------------------------------------------

  /** `channel:joined` (also the answer to a create / join / DM): listed at once, its history caught up. */
  channelJoined(channel: Channel, credentials: Credentials | null): ChannelView {
    // The answer to our own call and the socket's event both say so: the history is fetched once.
    const known = this.account.store.channel(channel.id) !== undefined;
    this.account.membershipChanged();
    this.account.store.addChannel(channel);
    this.forgetFiles();
    this.account.emitChannels();
    if (credentials && !known) {
      this.account.catchUpChannel(channel.id, credentials).then(
        () => this.account.emitChannels(),
        (error: unknown) =>
          this.ctx.logger.warn({ err: String(error) }, 'catching up a joined channel failed'),
      );
    }
    return this.view(channel.id);
  }

  /** `channel:left`: off the list; what was still waiting to go there is Failed, with the reason. */
  channelLeft(channelId: string): void {
    this.account.membershipChanged();
    const row = this.account.store.removeChannel(channelId);
    if (!row) return;
    this.channelsGone([row]);
    this.account.emitChannels();
  }

  /**
   * Channels gone (left live, or missing from the list fetched at catch-up), their messages already
   * dropped by the store: what waits to go there is Failed with the reason, their notifications are
   * taken back and their files leave the file cache.
   */
  channelsGone(gone: ChannelRow[]): void {
    this.forgetFiles();
    const { store } = this.account;
    let failed = 0;
    for (const channel of gone) {
      this.ctx.ports.notifier.close?.(channel.id);
      const where = channel.kind === 'dm' ? 'this conversation' : `#${channel.name}`;
      const reason = `Not sent: you are no longer a member of ${where}`;
      for (const row of store.pendingIn(channel.id, Number.MAX_SAFE_INTEGER)) {
        // A change's message went with the channel: nothing to show again, but the change is Failed.
        const message = store.markFailed(row.op_id, 'FORBIDDEN', reason);
        if (message) this.account.emitMessage(message);
        failed++;
      }
    }
    if (failed > 0) this.account.emitOutboxCounts();
  }

  /** `channel:updated`: renamed, new topic, archived, members changed. */
  channelUpdated(info: ChannelInfo): void {
    if (!this.account.store.updateChannelInfo(info)) return;
    this.account.emitChannels();
  }

  /** `member:joined` / `member:left` in a channel we are in: its member list, names from the people. */
  memberChanged(channelId: string, userId: string, joined: boolean, credentials: Credentials | null): void {
    const row = this.account.store.channel(channelId);
    if (!row) return;
    const current = members(row).filter((m) => m.id !== userId);
    const person = this.people.get(userId);
    if (joined && !person && credentials) {
      // Someone new to this app (invited since the list was fetched): learn their name first.
      this.refreshPeople(credentials)
        .catch((error: unknown) => this.ctx.logger.warn({ err: String(error) }, 'people list failed'))
        .then(() => this.memberChanged(channelId, userId, joined, null));
      return;
    }
    const next: UserSummary[] = joined
      ? [...current, { id: userId, name: person?.name ?? 'Unknown' }]
      : current;
    this.account.store.setChannelMembers(channelId, next);
    this.account.emitChannels();
  }

  /** `presence:update` */
  presenceChanged(userId: string, presence: Presence): void {
    const person = this.people.get(userId);
    if (!person || person.presence === presence) return;
    this.people.set(userId, { ...person, presence });
    this.emitPeople();
  }

  // People -----------------------------------------------------------------------------------------

  /** The people and their presence as the server has them now (on connect; when someone new shows up). */
  refreshPeople(credentials: Credentials): Promise<void> {
    this.refreshing ??= this.ctx.api
      .users(credentials.serverUrl, credentials.token)
      .then((users) => {
        this.people.clear();
        for (const u of users) this.people.set(u.id, u);
        this.emitPeople();
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  listUsers(): PersonView[] {
    return [...this.people.values()].sort(byName);
  }

  listMembers(channelId: string): PersonView[] {
    const row = this.account.store.channel(channelId);
    if (!row) throw new BridgeFailure('NOT_FOUND', 'Unknown channel');
    return members(row)
      .map(
        (m) =>
          this.people.get(m.id) ?? { id: m.id, username: m.name, name: m.name, presence: 'offline' as const },
      )
      .sort(byName);
  }

  /** The app's own presence: away while idle, online again on input (sent on every connect too). */
  sendPresence(): void {
    this.ctx.socket()?.emit(WorkspaceEvent.PRESENCE_SET, { presence: this.ctx.ui.away ? 'away' : 'online' });
  }

  // Calls that change the workspace -----------------------------------------------------------------

  async browse(credentials: Credentials | null): Promise<BrowseChannelView[]> {
    const { serverUrl, token } = signedIn(credentials);
    const all = await this.ctx.api.allChannels(serverUrl, token);
    return all
      .filter((c) => c.kind === 'channel')
      .map((c) => ({
        id: c.id,
        name: c.name,
        topic: c.topic,
        private: c.private,
        archived: c.archived,
        memberCount: c.memberIds.length,
        member: c.member !== false,
      }))
      .sort(byName);
  }

  async create(
    credentials: Credentials | null,
    input: { name: string; private: boolean; topic?: string; memberIds: string[] },
  ): Promise<ChannelView> {
    const creds = signedIn(credentials);
    const { name, topic } = input;
    const channel = await this.ctx.api.createChannel(creds.serverUrl, creds.token, {
      name,
      private: input.private,
      topic,
    });
    this.channelJoined(channel, creds);
    // The channel exists now, whatever happens to the members: a refusal is said, the channel kept.
    for (const userId of new Set(input.memberIds)) {
      if (userId === this.account.user.id) continue;
      try {
        this.channelUpdated(await this.ctx.api.addMember(creds.serverUrl, creds.token, channel.id, userId));
      } catch (error) {
        const who = this.people.get(userId)?.name ?? 'someone';
        const why = error instanceof Error ? error.message : String(error);
        this.ctx.emitter.emit('error', {
          code: error instanceof BridgeFailure ? error.code : 'INTERNAL',
          message: `#${name} was created, but ${who} could not be added: ${why}`,
        });
      }
    }
    return this.view(channel.id);
  }

  async join(credentials: Credentials | null, channelId: string): Promise<ChannelView> {
    const creds = signedIn(credentials);
    return this.channelJoined(await this.ctx.api.joinChannel(creds.serverUrl, creds.token, channelId), creds);
  }

  async leave(credentials: Credentials | null, channelId: string): Promise<void> {
    const { serverUrl, token } = signedIn(credentials);
    await this.ctx.api.leaveChannel(serverUrl, token, channelId);
    this.channelLeft(channelId);
  }

  async addMember(credentials: Credentials | null, channelId: string, userId: string): Promise<ChannelView> {
    const { serverUrl, token } = signedIn(credentials);
    this.channelUpdated(await this.ctx.api.addMember(serverUrl, token, channelId, userId));
    return this.view(channelId);
  }

  async update(
    credentials: Credentials | null,
    channelId: string,
    changes: { name?: string; topic?: string },
  ): Promise<ChannelView> {
    const { serverUrl, token } = signedIn(credentials);
    this.channelUpdated(await this.ctx.api.updateChannel(serverUrl, token, channelId, changes));
    return this.view(channelId);
  }

  async archive(credentials: Credentials | null, channelId: string): Promise<ChannelView> {
    const { serverUrl, token } = signedIn(credentials);
    this.channelUpdated(await this.ctx.api.archiveChannel(serverUrl, token, channelId));
    return this.view(channelId);
  }

  async openDm(credentials: Credentials | null, userIds: string[]): Promise<ChannelView> {
    const creds = signedIn(credentials);
    const others = [...new Set(userIds)].filter((id) => id !== this.account.user.id);
    if (others.length === 0) throw new BridgeFailure('VALIDATION', 'Pick at least one other person');
    return this.channelJoined(await this.ctx.api.openDm(creds.serverUrl, creds.token, others), creds);
  }

  // -------------------------------------------------------------------------------------------------

  /** The files of the messages the store dropped with their channels, out of the file cache. */
  private forgetFiles(): void {
    const files = this.account.store.takeForgottenFiles();
    if (files.length === 0) return;
    forgetCachedFiles(this.ctx.ports.paths.userData, this.account.user.id, files).catch((error: unknown) =>
      this.ctx.logger.warn({ err: String(error) }, 'the files of a channel left stay in the cache'),
    );
  }

  private view(channelId: string): ChannelView {
    const row = this.account.store.channel(channelId);
    // Left again before the answer was shown (a leave on another device): as good as unknown.
    if (!row) throw new BridgeFailure('NOT_FOUND', 'That channel is no longer yours');
    return channelView(this.account.store, row, this.account.user.id);
  }

  private emitPeople(): void {
    this.ctx.emitter.emit('people', this.listUsers());
  }
}

function signedIn(credentials: Credentials | null): Credentials {
  if (!credentials) throw new BridgeFailure('UNAUTHORIZED', 'Sign in again to change the workspace');
  return credentials;
}
