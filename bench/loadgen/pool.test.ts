import { expect, it } from 'vitest';
import { groupsOf } from '../servers/topology';
import { isNewMessage, sendPayload, seqOf } from './pool';

it('finds the sequence number in a message:new frame, and only in message:new frames', () => {
  const payload = sendPayload('c0ffee00-0000-4000-8000-000000000000', 123456);
  const frame = Buffer.from(`42["message:new",${JSON.stringify({ id: 'x', ...payload, seq: 7 })}]`);
  expect(isNewMessage(frame)).toBe(true);
  expect(seqOf(frame)).toBe(123456);
  expect(isNewMessage(Buffer.from('42["message:sent",{"ok":true}]'))).toBe(false);
  expect(seqOf(Buffer.from('42["message:new",{"content":"hello"}]'))).toBe(-1);
});

it('makes a payload of about 100 characters with a fresh clientMessageId each time', () => {
  const [a, b] = [sendPayload('c', 1), sendPayload('c', 1)];
  expect(a.content.length).toBeGreaterThan(80);
  expect(a.content.length).toBeLessThan(120);
  expect(a.clientMessageId).not.toBe(b.clientMessageId);
});

it('groups users into channels of a given size, the last one smaller', () => {
  expect(groupsOf(7, 3)).toEqual({ users: 7, channels: [[0, 1, 2], [3, 4, 5], [6]] });
});
