/**
 * How files are shown (interface.md, Files). Without zod, so the renderer's first screen can use it
 * without building the protocol's schemas (figure 7).
 */

/** Images a page may show inline (and the server sends `inline`): rasters only, an SVG carries script. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/** A size as people read it (the composer's chips, its refusals, a file card). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}
