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
/** The body is handed to the network in slices this big: progress moves in these steps. */
const SLICE_BYTES = 64 * 1024;

export interface UploadControl {
  /** Aborts the request (a cancel by the user). */
  signal?: AbortSignal;
  /** Bytes handed to the network so far, never decreasing within this attempt. */
  progress?(sent: number, total: number): void;
}

/**
 * The file as a request body that says how far the network has read it: a byte stream pulled one
 * slice at a time (no slice is read ahead), so `sent` follows the socket, not the disk.
 */
function countedBody(bytes: Buffer, progress: UploadControl['progress']): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const slice = bytes.subarray(offset, offset + SLICE_BYTES);
      offset += slice.length;
      controller.enqueue(new Uint8Array(slice));
      progress?.(offset, bytes.length);
    },
  });
}

export async function uploadOp(
  fetchFn: FetchFn,
  credentials: Credentials | null,
  op: OperationRow,
  control: UploadControl = {},
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
  const timeout = AbortSignal.timeout(UPLOAD_TIMEOUT_MS);
  try {
    control.progress?.(0, body.length);
    response = await fetchFn(new URL('/api/files', credentials.serverUrl).toString(), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${credentials.token}`,
        'content-type': op.file_mime || 'application/octet-stream',
        // Said up front, as a Buffer body would: the server checks the limit and the quota before it reads.
        'content-length': String(body.length),
        [FILE_NAME_HEADER]: encodeURIComponent(op.file_name ?? 'file'),
      },
      body: countedBody(body, control.progress),
      duplex: 'half',
      signal: control.signal ? AbortSignal.any([timeout, control.signal]) : timeout,
    } as RequestInit);
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
