import type { Result, SessionView } from '../../src-shared/bridge';
import type { Host } from '../bridge/connect';
import type { AppState, GetState, SessionSlice, SliceContext } from './types';

/**
 * Call before awaiting a read: the function returned says whether its answer still belongs on this
 * window. A page, a thread or a list answered after a sign-out (or a sign-in since) is another turn's,
 * and writing it would show the previous account's messages on the signed-out window.
 */
export function sameSession(get: GetState): () => boolean {
  const turn = get().sessionTurn;
  return () => get().sessionTurn === turn;
}

const signedOutState = {
  channels: [],
  activeChannelId: null,
  unreadAtOpen: null,
  histories: {},
  typists: {},
  openThread: null,
  threads: {},
  highlight: null,
  unreadTotal: 0,
  people: [],
  membersOpen: false,
};

export function createSessionSlice({ set, get, relay }: SliceContext, host: Host): SessionSlice {
  let workspaceLoad: Promise<void> | null = null;

  /**
   * Everything a signed-in window needs, fetched once (per sign-in) when we are signed in. All asked at
   * once: the channel list (the first frame) does not wait a round trip for the settings.
   */
  function loadWorkspace(): Promise<void> {
    workspaceLoad ??= (async () => {
      const settings = relay.getSettings(undefined).then((result) => {
        if (result.ok) set({ settings: result.value });
      });
      get().restoreLastChannel();
      await Promise.all([settings, get().loadChannels(), get().refreshOutbox(), get().loadPeople()]);
    })();
    return workspaceLoad;
  }

  /** Signed in (by a login or an invite): the workspace loads before the caller hears of it. */
  async function signedIn(result: Result<SessionView>): Promise<Result<SessionView>> {
    if (result.ok) {
      get().onSession(result.value);
      await loadWorkspace();
    }
    return result;
  }

  /** Keeps `histories` of all those held, drops the open threads, and reloads the channel and thread shown. */
  function reloadShown(histories: AppState['histories']): void {
    set({ histories, threads: {} });
    const active = get().activeChannelId;
    if (active) void get().loadNewest(active, 'page');
    const thread = get().openThread;
    if (thread) void get().showThread(thread.channelId, thread.parentId);
  }

  return {
    host,
    booted: false,
    session: null,
    sessionTurn: 0,
    connection: { state: 'connecting' },
    settings: null,

    async boot() {
      // The workspace is asked for beside the session, not after its answer: one bridge round trip less
      // before the first frame. Asked first, the session answers first (and is taken in first); while
      // nobody is signed in, the core answers the workspace's calls with empty lists.
      const session = relay.getSession(undefined).then((answer) => {
        // Nobody signed in (or no answer): a sign-in loads the workspace afresh.
        if (!answer.ok || !answer.value.signedIn) workspaceLoad = null;
        if (answer.ok) get().onSession(answer.value);
        else get().showError(answer.error);
        return answer;
      });
      const workspace = loadWorkspace();
      // Awaited below only when someone is signed in: otherwise a call that throws is nobody's, and must
      // not surface as an unhandled rejection.
      void workspace.catch(() => {});
      const answer = await session;
      if (answer.ok && answer.value.signedIn) {
        await workspace;
        // The channel that opens shows with its first page (channel-slice): the first render has its rows.
        await get().whenChannelShown();
      }
      set({ booted: true });
    },

    async signIn(input) {
      return signedIn(await relay.signIn(input));
    },

    async redeemInvite(input) {
      return signedIn(await relay.redeemInvite(input));
    },

    async signOut() {
      const result = await relay.signOut(undefined);
      if (result.ok) get().onSession(result.value);
      else get().showError(result.error);
    },

    async updateSettings(patch) {
      const result = await relay.updateSettings(patch);
      if (result.ok) set({ settings: result.value });
      else get().showError(result.error);
    },

    onSession(session) {
      const before = get().session;
      const wasSignedIn = before?.signedIn === true;
      // Boot's reads go out beside the first session answer and are that session's: only a change from
      // a known session starts a new turn.
      const turned = before !== null && before.signedIn !== session.signedIn;
      set({
        session,
        connection: { state: session.connection },
        ...(turned ? { sessionTurn: get().sessionTurn + 1 } : {}),
      });
      if (wasSignedIn && !session.signedIn) {
        workspaceLoad = null;
        set(signedOutState);
      }
      if (!wasSignedIn && session.signedIn) {
        // The channels may have come before we knew whose they are: open the one this account had open.
        get().restoreLastChannel();
        void loadWorkspace();
      }
    },

    onConnection(state, detail) {
      const previous = get().connection.state;
      set({ connection: detail === undefined ? { state } : { state, detail } });
      // Nobody is seen typing through a connection that is down.
      if (state !== 'connected') set({ typists: {} });
      if (state === 'connected' && previous !== 'connected') {
        // Back online: what we hold may have gaps. Refresh what is on screen now; the other
        // channels are dropped and load afresh when opened.
        const active = get().activeChannelId;
        reloadShown(active && get().histories[active] ? { [active]: get().histories[active]! } : {});
      }
    },

    onStoreReset() {
      // Nothing held here is known to be in the clean file: every history goes, what is on screen
      // reloads (the catch-up fills it in), and the outbox is the new file's.
      reloadShown({});
      void get().refreshOutbox();
    },
  };
}
