/**
 * The store's hot writes (messages, receipts, the read positions they move), run on the writer thread's
 * connection. A batch is committed as one transaction (group-commit.ts), in the order the main thread
 * queued them: seqs follow the order insertMessage was called.
 *
 * Search. A new message is indexed after its batch is answered, in a second transaction
 * (search-index.ts), so the index is not in the ack's commit. A change to a message brings the index up
 * to date first, in its own transaction: an edit's trigger takes the old text out of the index, which it
 * can only do for text that is in it (the message may have been stored a moment before, even in the same
 * batch).
 */
import type Database from 'better-sqlite3';
// protocol/codes, not the index: this thread needs no zod (a faster start).
import { MessageDeliveryStatus, STATUS_RANK } from '../../../src-shared/protocol/codes';
import type { ChangeRequest } from '../changes';
import {
  type FileRow,
  type MessageRow,
  type Numbered,
  newMessageRow,
  toFileRecord,
  toMessage,
} from '../rows';
import type { DeviceSeq, InsertResult, NewMessage, OutOfOrder, ReceiptResult, ReceiptStatus } from '../types';
import { SqliteChangeWrites } from './change-writes';
import { commitTogether, type Outcome } from './group-commit';
import type { SqliteSearchIndex } from './search-index';
import { prepare } from './sqlite-database';

/**
 * A message whose files are not all stored any more (collected since the caller checked them): nothing
 * stored; the store answers NOT_FOUND (sqlite-store.ts). Data, not a throw: a numbered send's number is
 * still used up in the same transaction.
 */
export interface FilesGone {
  created: false;
  filesGone: true;
}
const FILES_GONE: FilesGone = { created: false, filesGone: true };

/** A new message stored: what its insert decided (the caller makes the message: sqlite-store.ts). */
export interface Stored extends Numbered {
  created: true;
}
/** An insert's answer across the hop: stored, a copy's first message, out of order, or its files gone. */
export type Inserted = Stored | (InsertResult & { created: false }) | OutOfOrder | FilesGone;

export type WriteOp =
  | { kind: 'insertMessage'; message: NewMessage }
  | { kind: 'insertNumbered'; message: NewMessage; device: DeviceSeq }
  | { kind: 'skipDeviceSeq'; userId: string; channelId: string; device: DeviceSeq }
  | { kind: 'recordReceipt'; messageId: string; userId: string; status: ReceiptStatus; at: string }
  | { kind: 'changeMessage'; request: ChangeRequest }
  | { kind: 'deleteUnpostedFiles'; cutoff: string };

export class SqliteWrites {
  private readonly sql;
  private readonly changes: SqliteChangeWrites;

  constructor(
    private readonly db: Database.Database,
    private readonly search: SqliteSearchIndex,
  ) {
    this.sql = prepare(db, [
      'messageById',
      'messageByClientId',
      'nextSeq',
      'insertMessage',
      'userName',
      'raiseReadSeq',
      'receipt',
      'upsertReceipt',
      'devicePosition',
      'setDevicePosition',
      'filesStored',
      'linkFile',
      'markFilePosted',
      'deleteUnposted',
    ]);
    this.changes = new SqliteChangeWrites(db);
  }

  /** `apply` bound once: a commit makes no function (group-commit.ts). */
  private readonly applyOp = (op: WriteOp) => this.apply(op);

  /** One transaction, one disk flush; outcomes in the order of `ops`. */
  commit(ops: readonly WriteOp[]): Outcome[] {
    try {
      return commitTogether(this.db, ops, this.applyOp);
    } catch (error) {
      // Nothing was committed (BEGIN or COMMIT failed): every write fails.
      return ops.map(() => ({ ok: false, error }));
    }
  }

  /** Each kind's answer: a message, a receipt's, a change's, the uploads deleted, or nothing. */
  private apply(op: WriteOp) {
    switch (op.kind) {
      case 'insertMessage':
        return this.insertMessage(op.message);
      case 'insertNumbered':
        return this.insertNumbered(op.message, op.device);
      case 'skipDeviceSeq':
        if (this.isNext(op.userId, op.channelId, op.device))
          this.moveDevice(op.userId, op.channelId, op.device);
        return undefined;
      case 'recordReceipt':
        return this.recordReceipt(op.messageId, op.userId, op.status, op.at);
      case 'changeMessage':
        this.search.catchUp();
        return this.changes.apply(op.request);
      case 'deleteUnpostedFiles':
        return (this.sql.deleteUnposted.all(op.cutoff) as FileRow[]).map(toFileRecord);
    }
  }

  private replayOf(input: NewMessage): (InsertResult & { created: false }) | undefined {
    if (input.clientMessageId === undefined) return undefined;
    const first = this.sql.messageByClientId.get(input.userId, input.clientMessageId) as
      | MessageRow
      | undefined;
    return first && { message: toMessage(first), created: false };
  }

  private insertMessage(input: NewMessage): Inserted {
    // Checked again inside the write: a copy may have been stored since the caller last looked.
    const first = this.replayOf(input);
    if (first) return first;
    // And the files: the hourly collection (a write too) may have deleted one since the caller's check.
    if (input.files?.length && !this.filesStored(input.files)) return FILES_GONE;
    const { seq, change_seq } = this.sql.nextSeq.get(input.channelId) as { seq: number; change_seq: number };
    // A user that does not exist fails the insert below (foreign key): '' is never answered.
    const userName = (this.sql.userName.get(input.userId) as { name: string } | undefined)?.name ?? '';
    const numbered: Numbered = { seq, changeSeq: change_seq, userName };
    const row = newMessageRow(input, numbered);
    this.sql.insertMessage.run(
      row.id,
      row.channel_id,
      seq,
      row.user_id,
      row.parent_id,
      row.content,
      row.client_message_id,
      row.created_at,
      row.updated_at,
      row.mentions,
      change_seq,
      row.files,
    );
    // In the message's transaction: a file is downloadable (and no longer an orphan) exactly when posted.
    for (const file of input.files ?? []) {
      this.sql.linkFile.run(input.id, file.id, input.channelId);
      this.sql.markFilePosted.run(input.createdAt, file.id);
    }
    // Sending means having seen the channel up to here.
    this.sql.raiseReadSeq.run(seq, input.channelId, input.userId);
    // Not read back (the id's index, the row, the user's join were ~10 µs of the commit), nor built here:
    // the caller has the rest of the row (newMessageRow), so the answer is what the insert decided.
    return { created: true, ...numbered };
  }

  private filesStored(files: readonly { id: string }[]): boolean {
    const ids = [...new Set(files.map((f) => f.id))];
    return (this.sql.filesStored.get(JSON.stringify(ids)) as { n: number }).n === ids.length;
  }

  /**
   * A replay first (it is answered whatever its number), then the device's order, then the insert. The
   * number is used up whether the insert stores the message or refuses it for its files (for good).
   */
  private insertNumbered(input: NewMessage, device: DeviceSeq): Inserted {
    const first = this.replayOf(input);
    if (first) return first;
    const expectedSeq = this.position(input.userId, input.channelId, device) + 1;
    if (device.deviceSeq !== expectedSeq) return { created: false, expectedSeq };
    const result = this.insertMessage(input);
    this.moveDevice(input.userId, input.channelId, device);
    return result;
  }

  private position(userId: string, channelId: string, { deviceId }: DeviceSeq): number {
    const row = this.sql.devicePosition.get(userId, deviceId, channelId) as { last_seq: number } | undefined;
    return row?.last_seq ?? 0;
  }

  private isNext(userId: string, channelId: string, device: DeviceSeq): boolean {
    return device.deviceSeq === this.position(userId, channelId, device) + 1;
  }

  private moveDevice(userId: string, channelId: string, { deviceId, deviceSeq }: DeviceSeq): void {
    this.sql.setDevicePosition.run(userId, deviceId, channelId, deviceSeq);
  }

  private recordReceipt(messageId: string, userId: string, status: ReceiptStatus, at: string): ReceiptResult {
    const current = this.sql.receipt.get(messageId, userId) as
      | { status: ReceiptStatus; at: string }
      | undefined;
    if (current && STATUS_RANK[current.status] >= STATUS_RANK[status]) {
      return { changed: false, status: current.status, at: current.at };
    }
    this.sql.upsertReceipt.run(messageId, userId, status, at);
    if (status === MessageDeliveryStatus.READ) {
      const message = this.sql.messageById.get(messageId) as MessageRow;
      this.sql.raiseReadSeq.run(message.seq, message.channel_id, userId);
    }
    return { changed: true, status, at };
  }
}
