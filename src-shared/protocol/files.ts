/** Files (interface.md, Files): what POST /api/files answers and the headers it reads. */
import { z } from 'zod';
import { Id } from './schemas';

/** The answer of `POST /api/files` (201). */
export const UploadedFile = z.object({
  id: Id,
  name: z.string(),
  size: z.number().int().nonnegative(),
  mime: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type UploadedFile = z.infer<typeof UploadedFile>;

/** The upload's file name, percent-encoded by the client (a header carries only Latin-1). */
export const FILE_NAME_HEADER = 'x-file-name';

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
