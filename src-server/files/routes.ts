/** The Files routes of interface.md (see upload.ts and download.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { HttpError } from '../http/respond';
import { downloadFile, downloadThumbnail } from './download';
import { uploadFile } from './upload';

const FILE = /^\/api\/files\/([^/]+)$/;
const THUMBNAIL = /^\/api\/files\/([^/]+)\/thumbnail$/;

/** Answers the request when it is a file route; false when it is not one. */
export async function routeFiles(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  method: string,
): Promise<boolean> {
  if (pathname === '/api/files') {
    allow(method, 'POST');
    await uploadFile(ctx, req, res);
    return true;
  }
  const file = FILE.exec(pathname);
  if (file) {
    allow(method, 'GET');
    await downloadFile(ctx, req, res, file[1]!);
    return true;
  }
  const thumbnail = THUMBNAIL.exec(pathname);
  if (thumbnail) {
    allow(method, 'GET');
    await downloadThumbnail(ctx, req, res, thumbnail[1]!);
    return true;
  }
  return false;
}

function allow(method: string, allowed: string): void {
  if (method !== allowed) throw new HttpError(405, ErrorCode.VALIDATION, `Method ${method} not allowed`);
}
