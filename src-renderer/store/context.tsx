import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { RelayApi } from '../../src-shared/bridge';
import type { AppStore } from './app-store';
import type { AppState } from './types';

type AppContext = { store: AppStore; relay: RelayApi };

const Context = createContext<AppContext | null>(null);

export function AppProvider({ store, relay, children }: AppContext & { children: ReactNode }) {
  return <Context.Provider value={{ store, relay }}>{children}</Context.Provider>;
}

function useAppContext(): AppContext {
  const context = useContext(Context);
  if (!context) throw new Error('useApp* must be used inside <AppProvider>');
  return context;
}

/** Reads from the window's store; re-renders only when the selected value changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export function useAppStore(): AppStore {
  return useAppContext().store;
}

/** The bridge, for calls that are the component's own business (drafts, typing, links). */
export function useRelay(): RelayApi {
  return useAppContext().relay;
}
