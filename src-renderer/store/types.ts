import type {
  BridgeError,
  CallInput,
  ChannelView,
  ConnectionState,
  MessageView,
  OutboxItem,
  PersonView,
  RelayApi,
  Result,
  SessionView,
  Settings,
} from '../../src-shared/bridge';
import type { UserSummary } from '../../src-shared/protocol';
import type { ChannelPreferences } from '../../src-shared/protocol/changes';
import type { Host } from '../bridge/connect';

export type LoadStatus = 'loading' | 'ready' | 'error';

/** The loaded window of a channel's history (top-level messages only; replies live in threads). */
export type ChannelHistory = {
  messages: MessageView[];
  /** Older messages exist before the first one held. */
  hasMore: boolean;
  status: LoadStatus;
  loadingOlder: boolean;
};

export type ThreadHistory = { replies: MessageView[]; status: LoadStatus };

export type Toast = {
  id: number;
  kind: 'error' | 'notification';
  title: string;
  detail: string;
  /** A notification toast navigates here when clicked. */
  target?: { channelId: string; messageId?: string };
};

/** A message to bring into view and highlight (a notification click, a `navigate` event). */
export type Highlight = { channelId: string; messageId: string; inThread: boolean; nonce: number };

export type SessionSlice = {
  host: Host;
  booted: boolean;
  session: SessionView | null;
  /** Counts sign-ins and sign-outs: a read asked in one turn and answered in another is dropped. */
  sessionTurn: number;
  connection: { state: ConnectionState; detail?: string };
  settings: Settings | null;
  boot(): Promise<void>;
  signIn(input: CallInput<'signIn'>): Promise<Result<SessionView>>;
  redeemInvite(input: CallInput<'redeemInvite'>): Promise<Result<SessionView>>;
  signOut(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  onSession(session: SessionView): void;
  onConnection(state: ConnectionState, detail?: string): void;
  /** The core set its local file aside and started a clean one (`DATABASE_RESET`): reload what is shown. */
  onStoreReset(): void;
};

export type ChannelSlice = {
  channels: ChannelView[];
  activeChannelId: string | null;
  /**
   * The unread count the chosen channel had when it was chosen: what its "New" divider marks. Kept
   * apart from the channel's live count, which the core takes to 0 as it reads the channel on open,
   * possibly before the first page is in (its messages fetched and read on arrival).
   */
  unreadAtOpen: { channelId: string; count: number } | null;
  loadChannels(): Promise<void>;
  /** `auto`: picked for the person (the first channel); it is not remembered as their choice. */
  selectChannel(channelId: string, how?: 'user' | 'auto'): Promise<void>;
  /** Settles once the channel chosen last shows (a new channel waits a moment for its first page). */
  whenChannelShown(): Promise<void>;
  /** The settings arrived after a channel was picked for the person: reopen the remembered one. */
  restoreLastChannel(): void;
  moveChannel(delta: 1 | -1): void;
  setMuted(channelId: string, muted: boolean): Promise<void>;
  onChannels(channels: ChannelView[]): void;
  onUnread(channelId: string, unreadCount: number, total: number, mentionCount?: number): void;
  unreadTotal: number;
};

export type MessageSlice = {
  histories: Record<string, ChannelHistory>;
  typists: Record<string, UserSummary[]>;
  loadNewest(channelId: string, prefer?: 'page' | 'existing'): Promise<void>;
  loadOlder(channelId: string): Promise<void>;
  /** `attachmentIds`: files staged in main (composer/use-attachments.ts), uploaded before it is sent. */
  sendMessage(
    channelId: string,
    content: string,
    parentId?: string,
    attachmentIds?: string[],
  ): Promise<Result<MessageView>>;
  retryMessage(clientMessageId: string): Promise<void>;
  discardMessage(clientMessageId: string): Promise<void>;
  navigateTo(channelId: string, messageId?: string): Promise<void>;
  onMessage(message: MessageView): void;
  /** Several messages upserted together (messagesUpserted), applied in one store update. */
  onMessages(messages: MessageView[]): void;
  onMessageRemoved(channelId: string, key: string): void;
  onTyping(channelId: string, typists: UserSummary[]): void;
};

export type ThreadSlice = {
  openThread: { channelId: string; parentId: string } | null;
  threads: Record<string, ThreadHistory>;
  showThread(channelId: string, parentId: string): Promise<void>;
  closeThread(): void;
};

export type OutboxSlice = {
  outboxCounts: { sending: number; failed: number };
  outbox: OutboxItem[];
  outboxOpen: boolean;
  refreshOutbox(): Promise<void>;
  setOutboxOpen(open: boolean): void;
  retryAll(): Promise<void>;
  discardAllFailed(): Promise<void>;
  onOutbox(sending: number, failed: number): void;
};

export type UiSlice = {
  toasts: Toast[];
  focus: { focused: boolean; visible: boolean };
  highlight: Highlight | null;
  showError(error: BridgeError | { code: string; message: string }): void;
  showNotification(title: string, body: string, target: Toast['target']): void;
  dismissToast(id: number): void;
  setFocus(focus: Partial<UiSlice['focus']>): void;
  /** The open channel shows its newest message (not scrolled up): only then is it read. */
  atNewest: boolean;
  setAtNewest(atNewest: boolean): void;
  markReadIfLooking(always?: boolean): void;
  /** Desktop: the version of an update downloaded and ready to install, until "Later" hides it. */
  updateReady: string | null;
  onUpdateReady(version: string | null): void;
};

/** Issue 14: a message edited in place, one about to be deleted, and the calls that change messages. */
export type ChangesSlice = {
  /** `via`: where focus goes back when the edit ends (the composer it started from, or the row). */
  editing: { channelId: string; key: string; via: 'composer' | 'row' } | null;
  /** Waiting for "Delete message?" to be answered. */
  deleting: MessageView | null;
  startEditing(message: MessageView, via?: 'composer' | 'row'): void;
  stopEditing(): void;
  /** Up in an empty composer: edits the last own message of the channel (or thread); false if none. */
  editLastOwn(channelId: string, parentId?: string): boolean;
  saveEdit(message: MessageView, content: string): Promise<void>;
  askDelete(message: MessageView): void;
  cancelDelete(): void;
  confirmDelete(): Promise<void>;
  toggleReaction(message: MessageView, emoji: string, mine: boolean): Promise<void>;
  /** A change shown as not sent (`changeFailure`): try it again, or give it up (its effect is undone). */
  retryChange(opId: string): Promise<void>;
  discardChange(opId: string): Promise<void>;
  setChannelPreferences(channelId: string, patch: Partial<ChannelPreferences>): Promise<void>;
};

export type WorkspaceSlice = {
  /** The workspace's people with their presence (the core's `people` event). */
  people: PersonView[];
  /** The member list panel of the open channel. */
  membersOpen: boolean;
  loadPeople(): Promise<void>;
  onPeople(people: PersonView[]): void;
  setMembersOpen(open: boolean): void;
  /** These open the channel they give. */
  createChannel(input: CallInput<'createChannel'>): Promise<Result<ChannelView>>;
  joinChannel(channelId: string): Promise<Result<ChannelView>>;
  openDm(userIds: string[]): Promise<Result<ChannelView>>;
  leaveChannel(channelId: string): Promise<Result<undefined>>;
  updateChannel(input: CallInput<'updateChannel'>): Promise<Result<ChannelView>>;
  archiveChannel(channelId: string): Promise<Result<ChannelView>>;
  addMember(channelId: string, userId: string): Promise<Result<ChannelView>>;
};

export type AppState = SessionSlice &
  ChannelSlice &
  MessageSlice &
  ThreadSlice &
  OutboxSlice &
  UiSlice &
  ChangesSlice &
  WorkspaceSlice;

export type SetState = (partial: Partial<AppState> | ((state: AppState) => Partial<AppState>)) => void;
export type GetState = () => AppState;
export type SliceContext = {
  set: SetState;
  get: GetState;
  relay: RelayApi;
  /** Shows the error of a call the core refused; one that went through needs nothing (its events follow). */
  showRefusal(result: Result<unknown>): void;
};
