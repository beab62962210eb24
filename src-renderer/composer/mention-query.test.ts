import { describe, expect, it } from 'vitest';
import { insertMention, mentionCandidates, mentionQueryAt } from './mention-query';

const people = [
  { id: 'a', name: 'Alice', username: 'alice' },
  { id: 'b', name: 'Bob Stone', username: 'bob' },
  { id: 'c', name: 'Carol', username: 'carol' },
  { id: 'h', name: 'Hector', username: 'hector' },
];

describe('@-autocomplete', () => {
  it('finds the @word at the caret, and only a real one', () => {
    expect(mentionQueryAt('hi @bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('(@ca', 4)).toEqual({ start: 1, query: 'ca' });
    expect(mentionQueryAt('mail bob@ex', 11)).toBeNull();
    expect(mentionQueryAt('hi @bob done', 12)).toBeNull();
    expect(mentionQueryAt('no at here', 10)).toBeNull();
    // the caret before the @word
    expect(mentionQueryAt('hi @bob', 2)).toBeNull();
  });

  it('offers people by handle or by a word of their name, then @channel and @here, never oneself', () => {
    expect(mentionCandidates('', people, 'a').map((c) => c.label)).toEqual([
      '@bob',
      '@carol',
      '@hector',
      '@channel',
      '@here',
    ]);
    expect(mentionCandidates('h', people, 'a').map((c) => c.label)).toEqual(['@hector', '@here']);
    expect(mentionCandidates('sto', people, 'a').map((c) => c.label)).toEqual(['@bob']);
    expect(mentionCandidates('CH', people, 'a').map((c) => c.label)).toEqual(['@channel']);
    expect(mentionCandidates('zz', people, 'a')).toEqual([]);
  });

  it('inserts the handle and one space, keeping the text after it', () => {
    expect(insertMention('hi @bo', { start: 3, query: 'bo' }, 'bob')).toEqual({ text: 'hi @bob ', caret: 8 });
    expect(insertMention('@ca see', { start: 0, query: 'ca' }, 'carol')).toEqual({
      text: '@carol see',
      caret: 7,
    });
  });
});
