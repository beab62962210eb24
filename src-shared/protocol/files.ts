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
