import { describe, expect, it } from 'vitest';
import { highlightParts, rangeParts } from './highlight';

describe('search highlighting', () => {
  it('marks every word of the query, case-insensitively, keeping the text whole', () => {
    const parts = highlightParts('Release notes: the RELEASE is Friday', 'release friday');
    expect(parts).toEqual([
      { text: 'Release', match: true },
      { text: ' notes: the ', match: false },
      { text: 'RELEASE', match: true },
      { text: ' is ', match: false },
      { text: 'Friday', match: true },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe('Release notes: the RELEASE is Friday');
  });

  it('treats the query as words, never as a pattern or markup', () => {
    expect(highlightParts('a (b) <b>c</b>', '(b) .*')).toEqual([
      { text: 'a (', match: false },
      { text: 'b', match: true },
      { text: ') <', match: false },
      { text: 'b', match: true },
      { text: '>c</', match: false },
      { text: 'b', match: true },
      { text: '>', match: false },
    ]);
    expect(highlightParts('plain', '')).toEqual([{ text: 'plain', match: false }]);
  });

  it("marks the core's ranges, clipped and merged, never losing text", () => {
    const text = 'the release is on friday';
    const parts = rangeParts(text, [
      { start: 18, end: 99 },
      { start: 4, end: 11 },
      { start: 6, end: 9 },
      { start: 30, end: 40 },
    ]);
    expect(parts).toEqual([
      { text: 'the ', match: false },
      { text: 'release', match: true },
      { text: ' is on ', match: false },
      { text: 'friday', match: true },
    ]);
    expect(rangeParts(text, [], 'FRIDAY').filter((p) => p.match)).toEqual([{ text: 'friday', match: true }]);
  });
});
