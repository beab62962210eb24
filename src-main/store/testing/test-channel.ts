/**
 * Two users and a channel as the server lists one before anything is sent or read: for the store's tests
 * (store-fixture.ts re-exports them) and for the bench's processes, which run without vitest.
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../../../src-shared/protocol';

export type TestUser = { id: string; name: string };

export const me: TestUser = { id: randomUUID(), name: 'alice' };
export const bob: TestUser = { id: randomUUID(), name: 'bob' };

/** A public channel of `members`, as the server lists it before anything is sent or read. */
export function testChannel(members: TestUser[] = [me, bob]): Channel {
  return {
    id: randomUUID(),
    name: 'general',
    kind: 'channel',
    private: false,
    topic: '',
    archived: false,
    memberIds: members.map((m) => m.id),
    members,
    lastSeq: 0,
    lastReadSeq: 0,
    unreadCount: 0,
  };
}
