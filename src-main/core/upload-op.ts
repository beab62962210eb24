/**
 * One queued upload on the wire (issue 17): the local copy of an attached file POSTed to /api/files with
 * the token, and what the operation queue should do with the answer. A refusal the same bytes would get
 * again (too large, a type refused, a quota used up for the day) fails the message with the server's
 * words; anything else (unreachable, a cut, a 5xx, a short rate limit, a token being renewed) is retried
 * with the queue's backoff, the whole file again: the server is content-addressed, so a repeat stores no
 * second copy, and the send carries whichever id was recorded (a repeat gets a new one; the unposted
 * one is collected after 24 h).
 */
import { readFile } from 'node:fs/promises';
import { FILE_NAME_HEADER, UploadedFile } from '../../src-shared/protocol';
import type { OperationRow } from '../store/store';
import type { Credentials } from './account';
import type { FetchFn } from './ports';

export type UploadOutcome =
  | { kind: 'uploaded'; file: UploadedFile }
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'retry'; why: string };

/** A 429 that asks to wait longer than this is a quota used up, not a burst: said, not waited out. */
const LONGEST_RATE_WAIT_MS = 5 * 60_000;
/** A 25 MiB file over a slow uplink: a whole request, not one JSON answer. */
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

export async function uploadOp(
  fetchFn: FetchFn,
  credentials: Credentials | null,
  op: OperationRow,
): Promise<UploadOutcome> {
  if (!credentials) return { kind: 'retry', why: 'signed out' };
  if (op.kind !== 'upload' || op.file_path === null) throw new Error('not an upload');
  let body: Buffer;
  try {
    body = await readFile(op.file_path);
  } catch {
    return {
      kind: 'refused',
      code: 'FILE_GONE',
      message: `${op.file_name ?? 'The file'} is gone from this device`,
    };
  }
  let response: Response;
  try {
    response = await fetchFn(new URL('/api/files', credentials.serverUrl).toString(), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${credentials.token}`,
        'content-type': op.file_mime || 'application/octet-stream',
        [FILE_NAME_HEADER]: encodeURIComponent(op.file_name ?? 'file'),
      },
      body,
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
  } catch (error) {
    return { kind: 'retry', why: String(error) };
  }
  const answer = (await response.json().catch(() => undefined)) as
    | { error?: unknown; retryAfterMs?: unknown }
    | undefined;
  if (response.status === 201) {
    const parsed = UploadedFile.safeParse(answer);
    return parsed.success
      ? { kind: 'uploaded', file: parsed.data }
      : { kind: 'retry', why: 'unreadable answer' };
  }
  const said =
    typeof answer?.error === 'string' ? answer.error : `The server refused the file (${response.status})`;
  const name = op.file_name ?? 'The file';
  if (response.status === 413)
    return { kind: 'refused', code: 'FILE_TOO_LARGE', message: `${name}: ${said}` };
  if (response.status === 429) {
    const wait = typeof answer?.retryAfterMs === 'number' ? answer.retryAfterMs : 0;
    if (wait > LONGEST_RATE_WAIT_MS)
      return { kind: 'refused', code: 'UPLOAD_QUOTA', message: `${name}: ${said}` };
    return { kind: 'retry', why: said };
  }
  if (response.status === 400 || response.status === 403 || response.status === 415)
    return { kind: 'refused', code: 'FILE_REFUSED', message: `${name}: ${said}` };
  return { kind: 'retry', why: said };
}
