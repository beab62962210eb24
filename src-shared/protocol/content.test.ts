import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentRefusal } from './content-rules';
import { MAX_CONTENT_LENGTH } from './limits';
import { MessageContent } from './schemas';

const refusal = (content: string) => {
  const parsed = MessageContent.safeParse(content);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
};

describe('MessageContent (issue 11: content that looks empty, lone surrogates)', () => {
  const EMPTY = 'Message is empty (only whitespace or invisible characters)';
  const UNPAIRED = 'Message contains an unpaired surrogate (not valid Unicode)';
  const ACCEPTED = undefined;
  it.each([
    ['spaces and newlines', ' \n\t ', EMPTY],
    ['zero-width spaces', '\u200B\u200B\u200B', EMPTY],
    ['a zero-width joiner and non-joiner', '\u200D\u200C', EMPTY],
    ['a word joiner and a BOM', '\u2060\uFEFF', EMPTY],
    ['bidi overrides alone', '\u202E\u202D\u2066\u2069', EMPTY],
    ['a soft hyphen', '\u00AD', EMPTY],
    ['Hangul fillers', '\u3164\u115F\uFFA0', EMPTY],
    ['a braille blank', '\u2800', EMPTY],
    ['tag characters', '\u{E0020}\u{E0041}', EMPTY],
    ['a mix', ' \u200B\n\u202E\u3164 ', EMPTY],
    ['a lone high surrogate', 'hi \uD83D', UNPAIRED],
    ['a lone low surrogate', '\uDE00 there', UNPAIRED],
    ['reversed halves', '\uDE00\uD83D', UNPAIRED],
    ['text', 'hello', ACCEPTED],
    ['an emoji (a surrogate pair)', '😀', ACCEPTED],
    ['a family emoji with joiners', '👨\u200D👩\u200D👧', ACCEPTED],
    ['text with a zero-width space in it', 'a\u200Bb', ACCEPTED],
    ['Arabic with a bidi mark', 'مرحبا\u200F', ACCEPTED],
    ['one dot', '.', ACCEPTED],
  ])('%s (%j): %s', (_name, content, expected) => {
    expect(refusal(content)).toBe(expected);
  });
});

describe('contentRefusal (the zod-free check the composer uses, figure 7)', () => {
  const invisible = fc.constantFrom(' ', '\n', '\u200B', '\u202E', '\u3164', '\u2800', '\u{E0020}', '\uFE0F');
  const halves = fc.constantFrom('\uD83D', '\uDE00');
  const piece = fc.oneof(fc.string({ unit: 'grapheme' }), invisible, halves, fc.constant('😀'.repeat(7)));
  // Near the limit too: 2,000 UTF-16 units that are fewer code points, and one unit over.
  const long = fc
    .tuple(
      fc.integer({ min: MAX_CONTENT_LENGTH - 2, max: MAX_CONTENT_LENGTH + 1 }),
      fc.constantFrom('a', '😀', ' '),
    )
    .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

  it('refuses exactly what MessageContent refuses, with its first message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
          long,
        ),
        (content) => {
          const parsed = MessageContent.safeParse(content);
          expect(contentRefusal(content)).toBe(parsed.success ? null : parsed.error.issues[0]?.message);
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ['empty', ''],
    ['blank', ' \u200B'],
    ['lone half', 'a\uD83D'],
    ['too long', 'x'.repeat(2001)],
  ])('agrees on %s', (_name, content) => {
    const parsed = MessageContent.safeParse(content);
    expect(parsed.success).toBe(false);
    expect(contentRefusal(content)).toBe(parsed.success ? null : parsed.error.issues[0]?.message);
  });
});
