/** A child process's core (kill -9 tests): plain-Node ports on USER_DATA, the session restored or signed in. */
import { type Core, createCore } from '../create-core';
import {
  createFileSecretStore,
  createMemorySettingsStore,
  createRecordingNotifier,
  systemClock,
} from '../node-ports';
import { FAST } from './harness';

export async function startChildCore(userData: string, serverUrl: string, username: string): Promise<Core> {
  const core = createCore(
    {
      notifier: createRecordingNotifier(),
      secrets: createFileSecretStore(userData),
      settings: createMemorySettingsStore(),
      clock: systemClock,
      paths: { userData },
      openExternal: async () => {},
    },
    FAST,
  );
  await core.start();
  if (!(await core.handlers.getSession(undefined)).signedIn)
    await core.handlers.signIn({ serverUrl, username, password: 'password' });
  return core;
}

/** The ids of the named channels, once the channel list has loaded. */
export async function channelIds(core: Core, names: string[]): Promise<string[]> {
  for (;;) {
    const channels = await core.handlers.listChannels(undefined);
    const ids = names.map((name) => channels.find((c) => c.name === name)?.id);
    if (ids.every((id) => id !== undefined)) return ids as string[];
    await new Promise((r) => setTimeout(r, 20));
  }
}
