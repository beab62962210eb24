/**
 * gzip for the responses where it pays: history pages (up to 500 messages, tens to hundreds of KiB of
 * repetitive JSON). Small bodies (login, a short page) go as they are: below ~1 KiB the gzip header and
 * the CPU cost more than the bytes saved. Compressed off the event loop (zlib's thread pool).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { sendJson, sendJsonBytes } from './respond';

export const COMPRESS_MIN_BYTES = 1024;
const gzipAsync = promisify(gzip);

/** True when the client takes gzip (and did not refuse it with q=0). */
export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export async function sendCompressibleJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
): Promise<void> {
  const json = JSON.stringify(body);
  // Caches (and nginx) must keep the two forms apart; CORS may have set Vary: Origin already.
  const vary = res.getHeader('vary');
  res.setHeader('vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding');
  if (json.length < COMPRESS_MIN_BYTES || !acceptsGzip(req)) return sendJson(res, status, body, json);
  sendJsonBytes(res, status, await gzipAsync(json), { 'content-encoding': 'gzip' });
}
