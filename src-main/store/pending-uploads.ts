/**
 * Files of our own messages not uploaded yet (issue 17): what a pending message shows of them, and the
 * cancel of one. A cancel is a queue write like any other (one transaction): the upload row goes, and a
 * message left with neither text nor files goes with it, as a discarded send does. A message whose only
 * text was its files' names (the composer's text for files sent alone) counts as having no text: it then
 * says the remaining names, or is discarded when none remain.
 */
import type { Statement } from 'better-sqlite3';
import {
  BY_KEY,
  CHANGE_OR_UPLOAD_BY_ID,
  type MessageRow,
  OPERATIONS_OF_MESSAGE_DELETE,
  type OperationRow,
  SEND_OF_KEY,
} from './rows';

type Sql = (source: string) => Statement<unknown[], unknown>;

export interface PendingUploadRow {
  op_id: string;
  file_name: string;
  file_size: number;
  file_mime: string;
}

export interface CancelledUpload {
  /** The staged local copy, to delete once the cancel is committed. */
  filePath: string | null;
  channelId: string;
  messageKey: string;
  /** The message as now shown, or null when it was discarded (nothing left to send). */
  message: MessageRow | null;
}

/** What the composer writes for files sent alone: their names (Composer.tsx). */
export function namesContent(names: readonly string[]): string {
  return names.join(', ');
}

export class PendingUploads {
  constructor(
    private readonly sql: Sql,
    private readonly transaction: <T>(fn: () => T) => T,
    private readonly onQueueWrite: () => void,
  ) {}

  /** A message's files still to upload, in attach order (queue order). */
  of(messageKey: string): PendingUploadRow[] {
    return this.sql(`
        SELECT op_id, file_name, file_size, file_mime FROM operations
        WHERE message_key = ? AND kind != 'send' AND kind = 'upload' ORDER BY device_seq, ord`).all(
      messageKey,
    ) as PendingUploadRow[];
  }

  /** Removes one file from its unsent message; undefined when there is no such upload (any more). */
  cancel(opId: string): CancelledUpload | undefined {
    return this.transaction(() => {
      const upload = this.sql(
        `SELECT * FROM operations WHERE ${CHANGE_OR_UPLOAD_BY_ID} AND kind = 'upload'`,
      ).get(opId) as OperationRow | undefined;
      if (!upload) return undefined;
      this.onQueueWrite();
      const key = upload.message_key;
      const send = this.sql(`SELECT * FROM operations WHERE ${SEND_OF_KEY}`).get({ key }) as
        | OperationRow
        | undefined;
      const uploaded = send ? (JSON.parse(send.files_json) as { name: string }[]).map((f) => f.name) : [];
      const pending = this.of(key);
      const before = [...uploaded, ...pending.map((p) => p.file_name)];
      const after = [...uploaded, ...pending.filter((p) => p.op_id !== opId).map((p) => p.file_name)];
      this.sql(`DELETE FROM operations WHERE ${CHANGE_OR_UPLOAD_BY_ID}`).run(opId);
      const base = { filePath: upload.file_path, channelId: upload.channel_id, messageKey: key };
      const namesOnly = send !== undefined && send.content === namesContent(before);
      if (namesOnly && after.length === 0) {
        // Nothing left to say: discarded like a discarded send (its changes with it).
        this.sql(OPERATIONS_OF_MESSAGE_DELETE).run({ key });
        this.sql('DELETE FROM messages WHERE client_message_id = ? AND id IS NULL').run(key);
        return { ...base, message: null };
      }
      if (namesOnly) {
        const content = namesContent(after);
        this.sql(`UPDATE operations SET content = @content WHERE ${SEND_OF_KEY}`).run({ content, key });
        this.sql('UPDATE messages SET content = ? WHERE client_message_id = ? AND id IS NULL').run(
          content,
          key,
        );
      }
      const message = this.sql(`SELECT * FROM messages WHERE ${BY_KEY}`).get({ key }) as
        | MessageRow
        | undefined;
      return { ...base, message: message ?? null };
    });
  }
}
