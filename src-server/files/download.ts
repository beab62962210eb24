/**
 * `GET /api/files/:id` and `GET /api/files/:id/thumbnail`: only for a member of a channel where the file
 * was posted; anyone else, and an unknown id, gets the same 404. Served so that no browser runs it: an
 * attachment unless a raster image, nosniff, and a sandboxing CSP (a page opened anyway has no origin
 * and runs no script). Single byte ranges are honoured (206, 416). Each answer has an ETag (its bytes
 * never change for an id), so a private cache's copy is revalidated with a 304 and no body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Id } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { notFound } from '../errors';
import type { RouteHandler } from '../http/route-table';
import { authenticate } from '../http/routes';
import type { FileRecord } from '../store/types';
import { SAFE_INLINE_IMAGES } from './detect-mime';
import { THUMBNAIL_MIME } from './thumbnails';

const SAFETY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
  // Bytes of an id never change, but who may read them can: a private cache, checked again after an hour.
  'cache-control': 'private, max-age=3600',
};

async function readableFile(ctx: ServerContext, req: IncomingMessage, id: string): Promise<FileRecord> {
  const userId = await authenticate(ctx, req);
  const file = Id.safeParse(id).success ? await ctx.store.getFile(id) : undefined;
  if (!file || !(await ctx.store.canReadFile(id, userId))) throw notFound('File');
  return file;
}

/** True when the request's If-None-Match names `etag` (or `*`): answered 304 (RFC 9110: before a Range). */
export function notModified(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/** 304 with the validators and the safety headers, when the client's copy is current; false otherwise. */
function answeredNotModified(req: IncomingMessage, res: ServerResponse, etag: string): boolean {
  if (!notModified(req.headers['if-none-match'], etag)) return false;
  res.writeHead(304, { ...SAFETY_HEADERS, etag }).end();
  return true;
}

export const downloadFile: RouteHandler = async (ctx, req, res, id) => {
  const file = await readableFile(ctx, req, id);
  const etag = `"${file.sha256}"`;
  if (answeredNotModified(req, res, etag)) return;
  const size = await ctx.files.blobs.size(file.sha256);
  if (size === undefined) {
    ctx.logger.error({ fileId: file.id }, 'the blob of a posted file is missing');
    throw notFound('File');
  }
  const headers: Record<string, string | number> = {
    ...SAFETY_HEADERS,
    'content-type': file.mime,
    'content-disposition': contentDisposition(file),
    'accept-ranges': 'bytes',
    etag,
  };
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}`, 'content-length': 0 }).end();
    return;
  }
  if (range) {
    res.writeHead(206, {
      ...headers,
      'content-range': `bytes ${range.start}-${range.end}/${size}`,
      'content-length': range.end - range.start + 1,
    });
  } else {
    res.writeHead(200, { ...headers, 'content-length': size });
  }
  if (size === 0) {
    res.end();
    return;
  }
  await pipeline(ctx.files.blobs.open(file.sha256, 'original', range ?? undefined), res);
};

export const downloadThumbnail: RouteHandler = async (ctx, req, res, id) => {
  const file = await readableFile(ctx, req, id);
  if (!SAFE_INLINE_IMAGES.has(file.mime)) throw notFound('Thumbnail');
  // A blob's thumbnail is made once and kept: its bytes never change either.
  const etag = `"${file.sha256}.webp"`;
  if (answeredNotModified(req, res, etag)) return;
  // In memory already when this request made it or waited for the upload's job: sent from there.
  const bytes = await ctx.files.thumbnails.get(file.sha256);
  if (!bytes) throw notFound('Thumbnail');
  res
    .writeHead(200, {
      ...SAFETY_HEADERS,
      'content-type': THUMBNAIL_MIME,
      'content-disposition': 'inline; filename="thumbnail.webp"',
      'content-length': bytes.length,
      etag,
    })
    .end(bytes);
};

/** inline only for a raster image; the name as RFC 6266 wants it (an ASCII fallback, then UTF-8). */
export function contentDisposition(file: { name: string; mime: string }): string {
  const type = SAFE_INLINE_IMAGES.has(file.mime) ? 'inline' : 'attachment';
  const ascii = file.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(file.name)}`;
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * One `bytes=` range (`a-b`, `a-`, `-n`), or undefined for none (or several, answered with the whole
 * file, as RFC 9110 allows), or 'unsatisfiable'.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined | 'unsatisfiable' {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, from, to] = match;
  if (from === '' && to === '') return undefined;
  let start: number;
  let end: number;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(from);
    end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
