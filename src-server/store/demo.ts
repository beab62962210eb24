/** The demo workspace (--demo), seeded idempotently: running it twice changes nothing. */
import { hashPassword } from '../auth/passwords';
import type { Store } from './types';

export const DEMO_PASSWORD = 'password';

const USERS = [
  { username: 'alice', name: 'Alice' },
  { username: 'bob', name: 'Bob' },
  { username: 'carol', name: 'Carol' },
] as const;

const CHANNELS = [
  { name: 'general', members: ['alice', 'bob', 'carol'] },
  { name: 'random', members: ['alice', 'bob'] },
] as const;

/** Hashed once per process: the demo users share a public password, so they may share its hash too. */
let demoPasswordHash: Promise<string> | undefined;

export async function seedDemo(store: Store): Promise<void> {
  const ids = new Map<string, string>();
  for (const user of USERS) {
    let stored = await store.findUserByUsername(user.username);
    if (!stored) {
      demoPasswordHash ??= hashPassword(DEMO_PASSWORD);
      stored = await store.ensureUser({ ...user, passwordHash: await demoPasswordHash });
    }
    ids.set(user.username, stored.id);
  }
  for (const channel of CHANNELS) {
    const stored = await store.ensureChannel(channel.name);
    for (const member of channel.members) await store.addMember(stored.id, ids.get(member)!);
  }
}
