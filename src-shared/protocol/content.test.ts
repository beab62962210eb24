import { describe, expect, it } from 'vitest';
import { MessageContent } from './schemas';

const refusal = (content: string) => {
  const parsed = MessageContent.safeParse(content);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
};

describe('MessageContent (issue 11: content that looks empty, lone surrogates)', () => {
  it.each([
    ['spaces and newlines', ' \n\t '],
    ['zero-width spaces', '\u200B\u200B\u200B'],
    ['a zero-width joiner and non-joiner', '\u200D\u200C'],
    ['a word joiner and a BOM', '\u2060\uFEFF'],
    ['bidi overrides alone', '\u202E\u202D\u2066\u2069'],
    ['a soft hyphen', '\u00AD'],
    ['Hangul fillers', '\u3164\u115F\uFFA0'],
    ['a braille blank', '\u2800'],
    ['tag characters', '\u{E0020}\u{E0041}'],
    ['a mix', ' \u200B\n\u202E\u3164 '],
  ])('refuses %s as empty', (_name, content) => {
    expect(refusal(content)).toBe('Message is empty (only whitespace or invisible characters)');
  });

  it.each([
    ['a lone high surrogate', 'hi \uD83D'],
    ['a lone low surrogate', '\uDE00 there'],
    ['reversed halves', '\uDE00\uD83D'],
  ])('refuses %s', (_name, content) => {
    expect(refusal(content)).toBe('Message contains an unpaired surrogate (not valid Unicode)');
  });

  it.each([
    ['text', 'hello'],
    ['an emoji (a surrogate pair)', '😀'],
    ['a family emoji with joiners', '👨\u200D👩\u200D👧'],
    ['text with a zero-width space in it', 'a\u200Bb'],
    ['Arabic with a bidi mark', 'مرحبا\u200F'],
    ['one dot', '.'],
  ])('accepts %s', (_name, content) => {
    expect(MessageContent.safeParse(content).success).toBe(true);
  });
});
