/**
 * An in-memory `RelayApi` for renderer tests: a tiny, honest stand-in for the core on the other
 * side of the bridge. It records every call, answers from its own state, and lets a test push any
 * core event (`emit`) or make the next call of a name fail (`failNext`).
 */
import type {
  BridgeError,
  BrowseChannelView,
  CallArgs,
  CallInput,
  CallName,
  CallOutput,
  ChannelView,
  EventName,
  EventPayload,
  MessageView,
  OutboxItem,
  PersonView,
  RelayApi,
  Result,
  SearchResults,
  SessionView,
  Settings,
} from '../../src-shared/bridge';
import { DEFAULT_SETTINGS } from '../../src-shared/bridge';
import type { UserSummary } from '../../src-shared/protocol';
import { messageView } from '../../src-shared/testing/messages';

let counter = 0;
/** Deterministic UUIDs (v4-shaped) so failures print readable ids. */
export function fakeId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export const alice: UserSummary = { id: fakeId(), name: 'alice' };
export const bob: UserSummary = { id: fakeId(), name: 'bob' };
export const carol: UserSummary = { id: fakeId(), name: 'carol' };
/** Invited: not in the workspace's demo channels. */
export const dave: UserSummary = { id: fakeId(), name: 'dave' };

export function makeChannel(name: string, patch: Partial<ChannelView> = {}): ChannelView {
  return {
    id: fakeId(),
    name,
    members: [alice, bob],
    unreadCount: 0,
    mentionCount: 0,
    muted: false,
    notify: 'all',
    lastSeq: 0,
    kind: 'channel',
    private: false,
    topic: '',
    archived: false,
    ...patch,
  };
}

export function makeMessage(channelId: string, patch: Partial<MessageView> = {}): MessageView {
  const id = patch.id ?? fakeId();
  return messageView({ key: id, id, channelId, author: bob, ...patch });
}

type Call = { name: CallName; input: unknown };

/** A signed-in relay whose #general (its first channel) holds `count` messages. */
export function relayWithGeneral(count: number): { relay: FakeRelay; general: ChannelView } {
  const relay = new FakeRelay();
  const general = relay.channels[0]!;
  relay.seed(general.id, count);
  return { relay, general };
}

export class FakeRelay {
  session: SessionView = {
    signedIn: true,
    user: alice,
    serverUrl: 'http://127.0.0.1:3000',
    connection: 'connected',
  };
  settings: Settings = { ...DEFAULT_SETTINGS };
  channels: ChannelView[] = [];
  messages = new Map<string, MessageView[]>();
  drafts = new Map<string, string>();
  outbox: OutboxItem[] = [];
  /** What searchMessages answers (any query). */
  searchResults: SearchResults = { results: [], offline: false };
  /** The workspace's people (the signed-in alice among them) and the channels one may browse. */
  people: PersonView[] = [alice, bob, carol].map((u) => ({
    ...u,
    username: u.name,
    presence: 'online' as const,
  }));
  browsable: BrowseChannelView[] = [];
  /** What pickFiles answers (null: no native dialog, as in the browser host). */
  picked: CallOutput<'pickFiles'> = null;
  password = 'password';
  readonly calls: Call[] = [];
  private failures = new Map<CallName, BridgeError>();
  private listeners = new Map<EventName, Set<(payload: never) => void>>();
  /** Calls whose answer the test releases by hand (to test races). */
  private held = new Map<CallName, Array<() => void>>();

  constructor(init: { channels?: ChannelView[]; signedIn?: boolean } = {}) {
    this.channels = init.channels ?? [makeChannel('general'), makeChannel('random')];
    if (init.signedIn === false)
      this.session = { signedIn: false, serverUrl: 'http://127.0.0.1:3000', connection: 'offline' };
  }

  /** Seeds `count` messages (seq 1..count) into a channel, `minutesApart` apart, ending now. */
  seed(
    channelId: string,
    count: number,
    patch: (i: number) => Partial<MessageView> = () => ({}),
  ): MessageView[] {
    const now = Date.now();
    const list = Array.from({ length: count }, (_, i) =>
      makeMessage(channelId, {
        seq: i + 1,
        content: `message ${i + 1}`,
        createdAt: new Date(now - (count - i) * 60_000).toISOString(),
        ...patch(i),
      }),
    );
    this.messages.set(channelId, list);
    return list;
  }

  failNext(name: CallName, code: BridgeError['code'], message = `${name} failed`): void {
    this.failures.set(name, { code, message });
  }

  hold(name: CallName): void {
    this.held.set(name, []);
  }

  release(name: CallName): void {
    const waiting = this.held.get(name) ?? [];
    this.held.delete(name);
    for (const go of waiting) go();
  }

  callsOf<K extends CallName>(name: K): CallArgs<K>[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input as CallArgs<K>);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (p: EventPayload<E>) => void)(payload);
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** As the core does for a change: the message as now shown, emitted before the call answers. */
  private change(channelId: string, key: string, patch: Partial<MessageView>): MessageView {
    const list = this.messages.get(channelId) ?? [];
    const index = list.findIndex((m) => m.key === key);
    if (index < 0) throw { code: 'NOT_FOUND', message: 'Unknown message' };
    const changed = { ...list[index]!, ...patch };
    list[index] = changed;
    this.emit('messageUpserted', changed);
    return changed;
  }

  /** As the core does: a channel it gives is listed (the `channels` event) before the call answers. */
  private listed(channel: ChannelView): ChannelView {
    this.channels = [...this.channels, channel];
    this.emit('channels', this.channels);
    return channel;
  }

  private changed(channelId: string, patch: (c: ChannelView) => Partial<ChannelView>): ChannelView {
    const channel = this.channels.find((c) => c.id === channelId);
    if (!channel) throw { code: 'NOT_FOUND', message: 'Unknown channel' };
    const next = { ...channel, ...patch(channel) };
    this.channels = this.channels.map((c) => (c.id === channelId ? next : c));
    this.emit('channels', this.channels);
    return next;
  }

  /** The `RelayApi` a renderer sees. */
  readonly api: RelayApi = this.build();

  private build(): RelayApi {
    const answer = <K extends CallName>(name: K, handler: (input: CallArgs<K>) => CallOutput<K>) => {
      return async (input: CallInput<K>): Promise<Result<CallOutput<K>>> => {
        this.calls.push({ name, input });
        const waiting = this.held.get(name);
        if (waiting) await new Promise<void>((resolve) => waiting.push(resolve));
        const failure = this.failures.get(name);
        if (failure) {
          this.failures.delete(name);
          return { ok: false, error: failure };
        }
        try {
          return { ok: true, value: handler(input as CallArgs<K>) };
        } catch (error) {
          return { ok: false, error: error as BridgeError };
        }
      };
    };
    const channelMessages = (channelId: string) => this.messages.get(channelId) ?? [];
    const nothing = () => undefined;

    const api = {
      getSession: answer('getSession', () => this.session),
      signIn: answer('signIn', ({ serverUrl, username, password }) => {
        if (serverUrl.includes('unreachable'))
          throw { code: 'SERVER_UNREACHABLE', message: 'connect ECONNREFUSED' };
        if (password !== this.password) throw { code: 'UNAUTHORIZED', message: 'Invalid credentials' };
        this.session = {
          signedIn: true,
          user: { ...alice, name: username },
          serverUrl,
          connection: 'connected',
        };
        return this.session;
      }),
      signOut: answer('signOut', () => {
        this.session = { signedIn: false, serverUrl: this.session.serverUrl, connection: 'offline' };
        return this.session;
      }),
      // As the core does: what an account holds is empty while nobody is signed in.
      listChannels: answer('listChannels', () => (this.session.signedIn ? this.channels : [])),
      redeemInvite: answer('redeemInvite', ({ serverUrl }) => {
        this.session = { signedIn: true, user: dave, serverUrl, connection: 'connected' };
        return this.session;
      }),
      listUsers: answer('listUsers', () => (this.session.signedIn ? this.people : [])),
      browseChannels: answer('browseChannels', () => this.browsable),
      createChannel: answer('createChannel', ({ name, private: isPrivate, topic }) =>
        this.listed(makeChannel(name, { private: isPrivate, topic: topic ?? '', members: [alice] })),
      ),
      joinChannel: answer('joinChannel', ({ channelId }) => {
        const found = this.browsable.find((c) => c.id === channelId);
        if (!found) throw { code: 'NOT_FOUND', message: 'Channel not found' };
        return this.listed(makeChannel(found.name, { id: found.id, topic: found.topic }));
      }),
      leaveChannel: answer('leaveChannel', ({ channelId }) => {
        this.channels = this.channels.filter((c) => c.id !== channelId);
        this.emit('channels', this.channels);
        return undefined;
      }),
      addMember: answer('addMember', ({ channelId, userId }) => {
        const person = this.people.find((p) => p.id === userId)!;
        return this.changed(channelId, (c) => ({
          members: [...c.members, { id: person.id, name: person.name }],
        }));
      }),
      updateChannel: answer('updateChannel', ({ channelId, name, topic }) =>
        this.changed(channelId, (c) => ({ name: name ?? c.name, topic: topic ?? c.topic })),
      ),
      archiveChannel: answer('archiveChannel', ({ channelId }) =>
        this.changed(channelId, () => ({ archived: true })),
      ),
      openDm: answer('openDm', ({ userIds }) => {
        const people = this.people.filter((p) => userIds.includes(p.id));
        return this.listed(
          makeChannel(people.map((p) => p.name).join(', '), {
            kind: 'dm',
            private: true,
            members: [alice, ...people.map((p) => ({ id: p.id, name: p.name }))],
          }),
        );
      }),
      listMembers: answer('listMembers', ({ channelId }) => {
        const channel = this.channels.find((c) => c.id === channelId);
        return this.people.filter((p) => channel?.members.some((m) => m.id === p.id));
      }),
      setIdle: answer('setIdle', nothing),
      setActiveChannel: answer('setActiveChannel', nothing),
      setWindowFocused: answer('setWindowFocused', nothing),
      markRead: answer('markRead', nothing),
      setOpenThread: answer('setOpenThread', nothing),
      setAtNewest: answer('setAtNewest', nothing),
      setMuted: answer('setMuted', ({ channelId, muted }) => {
        const channel = this.channels.find((c) => c.id === channelId);
        if (!channel) throw { code: 'NOT_FOUND', message: 'Unknown channel' };
        Object.assign(channel, { muted });
        return { ...channel };
      }),
      listMessages: answer('listMessages', ({ channelId, before, limit }) => {
        const all = channelMessages(channelId).filter((m) => m.parentId === undefined);
        const eligible =
          before === undefined || before === null
            ? all
            : all.filter((m) => m.seq !== undefined && m.seq < before);
        const size = limit ?? 50;
        const messages = eligible.slice(-size);
        return { messages, hasMore: eligible.length > size };
      }),
      listThread: answer('listThread', ({ channelId, parentId }) =>
        channelMessages(channelId).filter((m) => m.parentId === parentId),
      ),
      sendMessage: answer('sendMessage', ({ channelId, content, parentId }) => {
        const clientMessageId = fakeId();
        const message = makeMessage(channelId, {
          key: clientMessageId,
          id: undefined,
          clientMessageId,
          parentId: parentId ?? undefined,
          author: this.session.user ?? alice,
          content,
          own: true,
          status: 'Sending',
        });
        this.messages.set(channelId, [...channelMessages(channelId), message]);
        // As the core does: the message reaches the page as an event, before the call answers.
        this.emit('messageUpserted', message);
        return message;
      }),
      retryMessage: answer('retryMessage', nothing),
      discardMessage: answer('discardMessage', nothing),
      retryAll: answer('retryAll', () => this.outbox.length),
      discardAllFailed: answer(
        'discardAllFailed',
        () => this.outbox.filter((o) => o.status === 'Failed').length,
      ),
      listOutbox: answer('listOutbox', () => (this.session.signedIn ? this.outbox : [])),
      editMessage: answer('editMessage', ({ channelId, key, content }) =>
        this.change(channelId, key, { content, pendingChange: 'edit' }),
      ),
      deleteMessage: answer('deleteMessage', ({ channelId, key }) =>
        this.change(channelId, key, { content: '', deleted: true, pendingChange: 'delete' }),
      ),
      addReaction: answer('addReaction', ({ channelId, key }) => this.change(channelId, key, {})),
      removeReaction: answer('removeReaction', ({ channelId, key }) => this.change(channelId, key, {})),
      cancelUpload: answer('cancelUpload', ({ opId }) => {
        for (const [channelId, list] of this.messages) {
          const m = list.find((v) => v.uploads?.some((u) => u.opId === opId));
          if (!m) continue;
          const uploads = m.uploads!.filter((u) => u.opId !== opId);
          this.change(channelId, m.key, { uploads: uploads.length > 0 ? uploads : undefined });
          return undefined;
        }
        throw { code: 'NOT_FOUND', message: 'That file is no longer waiting to be sent' };
      }),
      pickFiles: answer('pickFiles', () => this.picked),
      retryChange: answer('retryChange', nothing),
      discardChange: answer('discardChange', nothing),
      searchMessages: answer('searchMessages', () => this.searchResults),
      getChannelPreferences: answer('getChannelPreferences', ({ channelId }) => {
        const channel = this.channels.find((c) => c.id === channelId);
        return { notify: channel?.notify ?? 'all', muted: channel?.muted ?? false };
      }),
      setChannelPreferences: answer('setChannelPreferences', ({ channelId, notify, muted }) => {
        const channel = this.channels.find((c) => c.id === channelId);
        if (!channel) throw { code: 'NOT_FOUND', message: 'Unknown channel' };
        Object.assign(channel, { notify: notify ?? channel.notify, muted: muted ?? channel.muted });
        return { notify: channel.notify, muted: channel.muted };
      }),
      setTyping: answer('setTyping', nothing),
      getDraft: answer('getDraft', ({ channelId }) => this.drafts.get(channelId) ?? ''),
      setDraft: answer('setDraft', ({ channelId, text }) => {
        this.drafts.set(channelId, text);
        return undefined;
      }),
      getSettings: answer('getSettings', () => this.settings),
      updateSettings: answer('updateSettings', (patch) => {
        this.settings = { ...this.settings, ...patch };
        return this.settings;
      }),
      openLink: answer('openLink', nothing),
      restartToUpdate: answer('restartToUpdate', () => true),
      on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => {
        let set = this.listeners.get(event);
        if (!set) {
          set = new Set();
          this.listeners.set(event, set);
        }
        const entry = listener as (payload: never) => void;
        set.add(entry);
        return () => {
          set.delete(entry);
        };
      },
    };
    return api as RelayApi;
  }
}
