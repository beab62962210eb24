/**
 * `POST /api/files`: the raw body streamed into the blob store (hashed on the way, never held whole),
 * refused with 413 as soon as it passes UPLOAD_MAX_BYTES (at once when its Content-Length says so),
 * counted against the user's upload limits, its MIME type read from its bytes, its name sanitised; an
 * image's thumbnail is started in the background as soon as its bytes have arrived (new bytes: while they
 * are made durable) or are found stored.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, FILE_NAME_HEADER, type UploadedFile } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { HttpError, sendJson } from '../http/respond';
import { authenticate } from '../http/routes';
import type { FileRecord } from '../store/types';
import { TooLargeError } from './blob-store';
import { detectMime, SAFE_INLINE_IMAGES } from './detect-mime';
import { sanitizeFileName } from './file-name';
import { formatBytes } from './upload-limits';

export async function uploadFile(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const userId = await authenticate(ctx, req);
  const { maxBytes, blobs, limits } = ctx.files;
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) throw tooLarge(res, maxBytes);
  const release = await limits.reserve(userId, Math.min(declared ?? maxBytes, maxBytes));
  let stored: Awaited<ReturnType<typeof blobs.put>>;
  // New bytes: their type is read, and an image's resize started, as soon as they have all arrived, while
  // the store makes them durable (thumbnails.ts keeps the result only once put() resolved).
  let early: Promise<string> | undefined;
  const putting = blobs.put(req, maxBytes, (blob) => {
    early = detectMime(blob.head);
    void early.then(
      (mime) =>
        SAFE_INLINE_IMAGES.has(mime)
          ? ctx.files.thumbnails.prepare(blob.sha256, true, { blob, stored: putting })
          : blob.release(),
      () => blob.release(),
    );
  });
  try {
    stored = await putting;
  } catch (err) {
    await release(0);
    if (err instanceof TooLargeError) throw tooLarge(res, maxBytes);
    throw err;
  }
  await release(stored.size);
  const mime = await (early ?? detectMime(stored.head));
  // Its preview, made while the client posts the message and the members are told (thumbnails.ts).
  if (!early && SAFE_INLINE_IMAGES.has(mime)) ctx.files.thumbnails.prepare(stored.sha256, !stored.existed);
  const header = req.headers[FILE_NAME_HEADER];
  const file: FileRecord = {
    id: randomUUID(),
    userId,
    sha256: stored.sha256,
    name: sanitizeFileName(Array.isArray(header) ? header[0] : header),
    size: stored.size,
    mime,
    createdAt: new Date().toISOString(),
  };
  await ctx.store.insertFile(file);
  ctx.logger.info({ event: 'file_uploaded', userId, fileId: file.id, size: file.size }, 'file uploaded');
  const body: UploadedFile = {
    id: file.id,
    name: file.name,
    size: file.size,
    mime: file.mime,
    sha256: file.sha256,
  };
  sendJson(res, 201, body);
}

function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  return raw === undefined || !/^\d+$/.test(raw) ? undefined : Number(raw);
}

/** The rest of the body is not read: the connection closes after the answer. */
function tooLarge(res: ServerResponse, maxBytes: number): HttpError {
  res.setHeader('connection', 'close');
  return new HttpError(413, ErrorCode.VALIDATION, `The file is too large: at most ${formatBytes(maxBytes)}`);
}
