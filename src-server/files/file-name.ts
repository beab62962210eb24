/**
 * An uploaded file's name as the client gave it (X-File-Name, percent-encoded UTF-8), made safe to store,
 * show and offer as a download name: no folders, no control or bidi characters (a "gpj.exe" shown as
 * "exe.jpg"), no characters Windows refuses, no leading dots, at most MAX_FILE_NAME_LENGTH characters
 * with the extension kept.
 */
export const MAX_FILE_NAME_LENGTH = 200;
const FALLBACK_NAME = 'file';

/** Control characters, and format characters: bidi overrides and isolates, zero-widths, BOM. */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const WINDOWS_RESERVED = /[<>:"|?*]/g;

export function sanitizeFileName(raw: string | undefined): string {
  if (!raw) return FALLBACK_NAME;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    name = raw; // not percent-encoded: taken as it came
  }
  name = name.normalize('NFC');
  name = name.split(/[/\\]/).at(-1) ?? '';
  name = name.replace(INVISIBLE, '').replace(WINDOWS_RESERVED, '_');
  // Leading dots hide a file (and '..' names a folder); trailing dots and spaces vanish on Windows.
  name = name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  if (!name) return FALLBACK_NAME;
  return capLength(name);
}

/** Cuts the name to MAX_FILE_NAME_LENGTH code points, keeping a short extension. */
function capLength(name: string): string {
  const chars = [...name];
  if (chars.length <= MAX_FILE_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? [...name.slice(dot)] : [];
  const keep = extension.length <= 16 ? extension : [];
  return chars.slice(0, MAX_FILE_NAME_LENGTH - keep.length).join('') + keep.join('');
}
