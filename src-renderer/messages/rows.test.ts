import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src-shared/bridge';
import { messageView } from '../../src-shared/testing/messages';
import { buildRows, dayLabel } from './rows';

const alice = { id: '00000000-0000-4000-8000-00000000000a', name: 'alice' };
const bob = { id: '00000000-0000-4000-8000-00000000000b', name: 'bob' };

function message(key: string, author: typeof alice, createdAt: string): MessageView {
  const channelId = '00000000-0000-4000-8000-0000000000c1';
  return messageView({ key, id: undefined, channelId, author, content: key, createdAt });
}

describe('buildRows', () => {
  it('puts a separator before each day and groups one author within five minutes', () => {
    const rows = buildRows(
      [
        message('a1', alice, '2026-11-25T10:00:00.000Z'),
        message('a2', alice, '2026-11-25T10:04:00.000Z'),
        message('a3', alice, '2026-11-25T10:10:00.000Z'),
        message('b1', bob, '2026-11-25T10:11:00.000Z'),
        message('b2', bob, '2026-11-27T10:11:30.000Z'),
      ],
      { now: new Date('2026-11-27T12:00:00.000Z') },
    );
    const shown = rows.map((r) =>
      r.kind === 'day' ? `[${r.label}]` : r.kind === 'message' ? `${r.key}${r.grouped ? '+' : ''}` : r.kind,
    );
    expect(shown).toEqual([
      `[${dayLabel(new Date('2026-11-25T10:00:00.000Z'), new Date('2026-11-27T12:00:00.000Z'))}]`,
      'a1',
      'a2+',
      'a3',
      'b1',
      '[Today]',
      'b2',
    ]);
  });

  it('puts no separator at the top while older messages of that day may still come', () => {
    const rows = buildRows([message('a1', alice, '2026-11-25T10:00:00.000Z')], { startKnown: false });
    expect(rows.map((r) => r.kind)).toEqual(['message']);
  });

  it('puts a "New" divider above the first unread message, which starts a new group', () => {
    const rows = buildRows(
      [message('a1', alice, '2026-11-25T10:00:00.000Z'), message('a2', alice, '2026-11-25T10:01:00.000Z')],
      { firstUnreadKey: 'a2' },
    );
    expect(rows.map((r) => (r.kind === 'message' ? `${r.key}${r.grouped ? '+' : ''}` : r.kind))).toEqual([
      'day',
      'a1',
      'unread',
      'a2',
    ]);
  });

  it('names today and yesterday, and other days by date', () => {
    const now = new Date(2026, 10, 27, 12);
    expect(dayLabel(new Date(2026, 10, 27, 1), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 26, 23), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 20, 9), now)).not.toMatch(/Today|Yesterday/);
  });

  it('writes other days as the locale does, with the year only when it is not this one', () => {
    const now = new Date(2026, 10, 27, 12);
    const long = { weekday: 'long', month: 'long', day: 'numeric' } as const;
    const thisYear = new Date(2026, 10, 20, 9);
    const lastYear = new Date(2025, 10, 20, 9);
    expect(dayLabel(thisYear, now)).toBe(thisYear.toLocaleDateString(undefined, long));
    expect(dayLabel(lastYear, now)).toBe(
      lastYear.toLocaleDateString(undefined, { ...long, year: 'numeric' }),
    );
    expect(dayLabel(lastYear, now)).toContain('2025');
    expect(dayLabel(thisYear, now)).not.toContain('2026');
  });
});
