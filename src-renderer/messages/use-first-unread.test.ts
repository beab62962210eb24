import { expect, it } from 'vitest';
import { FakeRelay, makeMessage } from '../testing/fake-relay';
import { firstUnread } from './use-first-unread';

it('finds the first unread by counting back over messages from others only', () => {
  const channelId = new FakeRelay().channels[0]!.id;
  const list = [
    makeMessage(channelId, { key: 'a', seq: 1 }),
    makeMessage(channelId, { key: 'b', seq: 2 }),
    makeMessage(channelId, { key: 'mine', seq: 3, own: true }),
    makeMessage(channelId, { key: 'c', seq: 4 }),
  ];
  expect(firstUnread(list, 0)).toBeNull();
  expect(firstUnread(list, 1)).toBe('c');
  expect(firstUnread(list, 2)).toBe('b');
  expect(firstUnread(list, 9)).toBeNull();
});
