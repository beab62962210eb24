import { describe, expect, it } from 'vitest';
import { stuckAfterScroll, withVisibleRows } from './use-chat-scroll';

const range = (startIndex: number, endIndex: number, count = 100) => ({
  startIndex,
  endIndex,
  overscan: 6,
  count,
});

describe('withVisibleRows (the rows kept from a follow until its frame is painted)', () => {
  it('keeps the mounted rows and adds only those on screen that are not, in order, each once', () => {
    // The append's rows (the old view and the end's view), then the follow lands on the end's view.
    const kept = [40, 41, 42, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99];
    expect(withVisibleRows(kept, range(90, 99))).toEqual(kept);
    // Measuring moved the end's view up by two rows: those two come, no overscan with them.
    expect(withVisibleRows(kept, range(88, 97))).toEqual([40, 41, 42, 88, 89, ...kept.slice(3)]);
    // Overlapping and beyond the mounted ones.
    expect(withVisibleRows([3, 4], range(1, 5))).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops rows past the end when rows went away', () => {
    expect(withVisibleRows([5, 6, 7, 8], range(5, 6, 7))).toEqual([5, 6]);
  });
});

describe('stuckAfterScroll (whether a resize brings the list back to its newest message)', () => {
  it('stays stuck after a scroll down that lands short of the end, as a follow whose layout grew does', () => {
    // follow-stress.ts's trail on the base: the follow's scroll event read the view 468 px short of an
    // end that had grown; taken as "not at the end", the resize after it left the list there for good.
    expect(stuckAfterScroll(true, { top: 9_000, lastTop: 8_400, atEnd: false })).toBe(true);
    expect(stuckAfterScroll(true, { top: 9_000, lastTop: 9_000, atEnd: false })).toBe(true);
  });

  it('unsticks on a scroll up away from the end, and sticks again at the end', () => {
    expect(stuckAfterScroll(true, { top: 8_000, lastTop: 9_000, atEnd: false })).toBe(false);
    expect(stuckAfterScroll(false, { top: 8_500, lastTop: 8_000, atEnd: false })).toBe(false);
    expect(stuckAfterScroll(false, { top: 9_400, lastTop: 8_500, atEnd: true })).toBe(true);
    // A scroll up that still ends within the threshold of the end stays stuck.
    expect(stuckAfterScroll(true, { top: 9_380, lastTop: 9_400, atEnd: true })).toBe(true);
  });
});
