/**
 * `RelayApi` built from the contract's tables, over any transport. Pure: used by the Electron preload
 * (IPC) and by the browser host's page (WebSocket), so both expose exactly the same methods.
 */
import { type CallName, callNames, type EventName, eventNames, type RelayApi, type Result } from './index';

export type Invoke = (name: CallName, input: unknown) => Promise<Result<unknown>>;

export type Listeners = {
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  dispatch(event: unknown, payload: unknown): void;
  clear(): void;
};

export function createListeners(): Listeners {
  const byEvent = new Map<EventName, Set<(payload: unknown) => void>>();
  return {
    on(event, listener) {
      if (!(eventNames as string[]).includes(event)) throw new TypeError(`Unknown event: ${String(event)}`);
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      let set = byEvent.get(event);
      if (!set) {
        set = new Set();
        byEvent.set(event, set);
      }
      // Wrapped, so subscribing the same function twice gives two independent subscriptions.
      const entry = (payload: unknown) => listener(payload);
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    dispatch(event, payload) {
      const set = byEvent.get(event as EventName);
      if (!set) return;
      for (const listener of [...set]) {
        try {
          listener(payload);
        } catch (error) {
          // One broken listener must not starve the others.
          console.error(`relay: a listener for "${String(event)}" threw`, error);
        }
      }
    },
    clear() {
      byEvent.clear();
    },
  };
}

export function createRelayApi(invoke: Invoke, listeners: Pick<Listeners, 'on'>): RelayApi {
  const api: Record<string, unknown> = {};
  for (const name of callNames) {
    api[name] = (input?: unknown) => invoke(name, input);
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => listeners.on(event, listener);
  return Object.freeze(api) as RelayApi;
}
