/**
 * An upload's MIME type, from its first bytes (file-type's magic numbers), never from the client's
 * Content-Type: a page uploaded as "image/png" is still a page. What file-type does not know is text when
 * it is valid UTF-8 without NUL bytes, else opaque bytes.
 */

import { INLINE_IMAGE_TYPES } from '../../src-shared/protocol';

export const OCTET_STREAM = 'application/octet-stream';
export const PLAIN_TEXT = 'text/plain';

/** Images a browser may show inline: rasters only (an SVG carries script). */
export const SAFE_INLINE_IMAGES = INLINE_IMAGE_TYPES;

export async function detectMime(head: Buffer): Promise<string> {
  if (head.length === 0) return OCTET_STREAM;
  // Loaded on the first upload, not at every server start.
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(head);
  if (detected) return detected.mime;
  return looksLikeText(head) ? PLAIN_TEXT : OCTET_STREAM;
}

function looksLikeText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  try {
    // stream: true tolerates a character cut in half at the end of the head.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}
