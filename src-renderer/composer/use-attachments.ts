/**
 * Files attached in the composer (issue 17), before they are sent: chips to show and remove, a file too
 * large refused at once in plain words. Sending stages each in main in bridge-sized chunks
 * (beginAttachment/appendAttachment: the page has no network), and main queues the uploads with the
 * message; the composer never waits on the server. In the desktop app "Attach" is main's native dialog
 * (pickFiles): those files come back already staged, by their attachment id.
 */
import { useState } from 'react';
import type { RelayApi } from '../../src-shared/bridge';
import { ATTACHMENT_CHUNK_BYTES } from '../../src-shared/bridge/limits';
import { formatSize } from '../../src-shared/protocol/file-display';
import { DEFAULT_UPLOAD_MAX_BYTES, MAX_FILES_PER_MESSAGE } from '../../src-shared/protocol/limits';

export interface Attached {
  id: number;
  name: string;
  size: number;
  /** A file from the page (input, paste, drop): staged when the message is sent. */
  file?: File;
  /** A file main staged already (the desktop dialog). */
  attachmentId?: string;
}

let nextId = 1;

export function useAttachments(onProblem: (problem: string) => void) {
  const [files, setFiles] = useState<Attached[]>([]);

  function add(list: Iterable<File | Omit<Attached, 'id'>>) {
    const accepted: Attached[] = [];
    for (const item of list) {
      const entry = item instanceof File ? { name: item.name, size: item.size, file: item } : item;
      if (entry.size > DEFAULT_UPLOAD_MAX_BYTES) {
        onProblem(
          `${entry.name} is too large to send: ${formatSize(entry.size)}, at most ${formatSize(DEFAULT_UPLOAD_MAX_BYTES)}`,
        );
        continue;
      }
      accepted.push({ id: nextId++, ...entry });
    }
    setFiles((current) => {
      const next = [...current, ...accepted];
      if (next.length > MAX_FILES_PER_MESSAGE)
        onProblem(`At most ${MAX_FILES_PER_MESSAGE} files per message`);
      return next.slice(0, MAX_FILES_PER_MESSAGE);
    });
  }

  return {
    files,
    add,
    remove: (id: number) => setFiles((current) => current.filter((f) => f.id !== id)),
    // Already empty (a composer's first mount): the same array, so nothing renders again.
    clear: () => setFiles((current) => (current.length === 0 ? current : [])),
  };
}

/**
 * Stages the page's files in main, in order (those main staged already keep their id); the attachment
 * ids for sendMessage, or the bridge's error.
 */
export async function stageFiles(
  relay: RelayApi,
  files: readonly Attached[],
): Promise<{ ok: true; ids: string[] } | { ok: false; message: string }> {
  const ids: string[] = [];
  for (const { file, attachmentId } of files) {
    if (attachmentId !== undefined || !file) {
      if (attachmentId !== undefined) ids.push(attachmentId);
      continue;
    }
    const begun = await relay.beginAttachment({ name: file.name, mime: file.type, size: file.size });
    if (!begun.ok) return { ok: false, message: begun.error.message };
    for (let offset = 0; offset < file.size; offset += ATTACHMENT_CHUNK_BYTES) {
      const bytes = new Uint8Array(await file.slice(offset, offset + ATTACHMENT_CHUNK_BYTES).arrayBuffer());
      const appended = await relay.appendAttachment({
        attachmentId: begun.value.attachmentId,
        offset,
        data: toBase64(bytes),
      });
      if (!appended.ok) return { ok: false, message: appended.error.message };
    }
    ids.push(begun.value.attachmentId);
  }
  return { ok: true, ids };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
