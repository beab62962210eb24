/**
 * What makes a message's content acceptable (interface.md: 1–2000 characters, not only whitespace or
 * invisible characters, valid UTF-16), as plain checks without zod: the `MessageContent` schema
 * (schemas.ts) is built from these, and the renderer's composer reads them without building every
 * schema at start-up (figure 7). content.test.ts checks that both refuse the same with the same words.
 */
import { MAX_CONTENT_LENGTH } from './limits';

/** In `u` mode a surrogate pair is one code point, so only an unpaired half matches. */
export const LONE_SURROGATE = /\p{Cs}/u;
/**
 * Nothing a reader can see: whitespace, format characters (zero-width, bidi controls, BOM, tags),
 * default-ignorable code points (Hangul fillers, variation selectors…) and the braille blank.
 */
export const LOOKS_EMPTY = /^[\s\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

export const CONTENT_EMPTY = 'Message is empty';
export const CONTENT_TOO_LONG = `Message is longer than ${MAX_CONTENT_LENGTH} characters`;
export const CONTENT_LONE_SURROGATE = 'Message contains an unpaired surrogate (not valid Unicode)';
export const CONTENT_LOOKS_EMPTY = 'Message is empty (only whitespace or invisible characters)';

/** The first reason `content` is refused (in the schema's order), or null when it is fine. */
export function contentRefusal(content: string): string | null {
  if (content.length < 1) return CONTENT_EMPTY;
  // Longer in code points implies longer in UTF-16 units, so one check covers the schema's two.
  if (content.length > MAX_CONTENT_LENGTH) return CONTENT_TOO_LONG;
  if (LONE_SURROGATE.test(content)) return CONTENT_LONE_SURROGATE;
  if (LOOKS_EMPTY.test(content)) return CONTENT_LOOKS_EMPTY;
  return null;
}
