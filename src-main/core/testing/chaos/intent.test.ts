/** The chaos checks catch what they are for: a lost, doubled, reordered or wrongly changed message. */
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../../src-shared/bridge';
import type { Message } from '../../../../src-shared/protocol';
import { checkLocal, checkServer, Intent } from './intent';

const ALICE = '00000000-0000-4000-8000-00000000000a';
const users = new Map([[ALICE, 'alice']]);

function onServer(
  seq: number,
  clientMessageId: string,
  content: string,
  extra: Partial<Message> = {},
): Message {
  return { seq, clientMessageId, content, deleted: false, reactions: [], ...extra } as Message;
}

function intent(): Intent {
  const it = new Intent();
  it.sent('alice', 'general', 'c1', 'alice-1');
  it.sent('alice', 'general', 'c2', 'alice-2');
  return it;
}

describe('chaos checks', () => {
  it('pass when the server holds every intent once, in order', () => {
    const server = { general: [onServer(1, 'c1', 'alice-1'), onServer(2, 'c2', 'alice-2')], random: [] };
    expect(checkServer(intent(), server, users)).toEqual([]);
  });

  it('report a lost, a doubled and a reordered message', () => {
    expect(checkServer(intent(), { general: [onServer(1, 'c1', 'alice-1')], random: [] }, users)).toEqual([
      "lost: alice's c2 (alice-2) in general",
    ]);
    const twice = [onServer(1, 'c1', 'alice-1'), onServer(2, 'c2', 'alice-2'), onServer(3, 'c2', 'alice-2')];
    expect(checkServer(intent(), { general: twice, random: [] }, users)).toContain(
      'duplicate clientMessageId c2',
    );
    const swapped = [onServer(1, 'c2', 'alice-2'), onServer(2, 'c1', 'alice-1')];
    expect(checkServer(intent(), { general: swapped, random: [] }, users)[0]).toMatch(/^order broken/);
  });

  it('report an edit, deletion or reaction not applied as last meant', () => {
    const it = intent();
    const [first, second] = it.live() as [
      NonNullable<ReturnType<Intent['live']>[number]>,
      ReturnType<Intent['live']>[number],
    ];
    first.content = 'alice-3';
    first.reactions.add('alice 👍');
    if (second) second.deleted = true;
    const server = { general: [onServer(1, 'c1', 'alice-1'), onServer(2, 'c2', 'alice-2')], random: [] };
    expect(checkServer(it, server, users)).toEqual([
      'c1: "alice-1", meant "alice-3"',
      'c1: reactions [], meant [alice 👍]',
      'c2: deleted false, meant true',
    ]);
  });

  it("report an app's view that differs from the server's or still has something pending", () => {
    const server = { general: [onServer(1, 'c1', 'alice-1')], random: [] };
    const view = (extra: Partial<MessageView>) => ({
      general: [
        {
          key: 'c1',
          seq: 1,
          content: 'alice-1',
          deleted: false,
          reactions: [],
          pendingChange: null,
          ...extra,
        } as MessageView,
      ],
      random: [],
    });
    expect(checkLocal('alice', view({}), server)).toEqual([]);
    expect(checkLocal('alice', view({ content: 'alice-0' }), server)).toHaveLength(1);
    expect(checkLocal('alice', view({ pendingChange: 'edit' }), server)).toEqual([
      'alice: c1 has a change pending',
    ]);
    expect(checkLocal('alice', { general: [], random: [] }, server)).toEqual([
      "alice general: holds 0 of the server's 1",
    ]);
  });
});
