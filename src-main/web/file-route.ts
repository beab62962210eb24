/**
 * `/files/:id` and `/files/:id/thumbnail` on the page's own origin, for both hosts (the browser host's HTTP
 * server and Electron's app:// protocol): the bytes come from main's file cache (../core/file-cache.ts),
 * never from the network, so the renderer's CSP keeps `img-src 'self'` and `connect-src` as it was.
 * Served as the server served them, and as safely: nosniff, a sandboxing CSP, the server's disposition
 * (attachment for anything but a raster image).
 */
import { BridgeFailure } from '../../src-shared/bridge';
import type { CachedFile, FileSource, FileVariant } from '../core/file-cache';

const FILE_PATH = /^\/files\/([0-9a-f-]{36})(\/thumbnail)?$/;

export interface FileAnswer {
  status: number;
  headers: Record<string, string>;
  /** Present with status 200: stream it. */
  file?: CachedFile;
  /** Otherwise: a short plain-text reason. */
  text?: string;
}

export function isFilePath(pathname: string): boolean {
  return FILE_PATH.test(pathname);
}

/** The answer for a `/files/…` path (404 for any other); never throws. */
export async function answerFile(files: FileSource | undefined, pathname: string): Promise<FileAnswer> {
  const match = FILE_PATH.exec(pathname);
  if (!match || !files) return plain(404, 'Not found');
  const variant: FileVariant = match[2] ? 'thumbnail' : 'original';
  try {
    const file = await files.open(match[1]!, variant);
    return {
      status: 200,
      file,
      headers: {
        'content-type': file.mime,
        'content-length': String(file.size),
        'content-disposition': file.disposition,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "sandbox; default-src 'none'",
        'cross-origin-resource-policy': 'same-origin',
        'cache-control': 'private, no-cache',
      },
    };
  } catch (error) {
    if (error instanceof BridgeFailure) {
      const status = STATUS[error.code] ?? 502;
      return plain(status, error.message);
    }
    return plain(500, 'Internal error');
  }
}

const STATUS: Partial<Record<BridgeFailure['code'], number>> = {
  NOT_FOUND: 404,
  FORBIDDEN: 404,
  UNAUTHORIZED: 401,
  RATE_LIMITED: 429,
  SERVER_UNREACHABLE: 503,
};

function plain(status: number, text: string): FileAnswer {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    text,
  };
}
