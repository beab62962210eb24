/**
 * Edits, deletions and reactions on the SQLite writer thread (writes.ts runs them in its group commit):
 * the replay check, the change, the channel's next changeSeq and the applied-op record, in one write.
 * The FTS5 index follows an edit or deletion through the triggers of migrations/004, in the same
 * transaction (a new message is indexed by writes.ts).
 */
import type Database from 'better-sqlite3';
import { appliedAnswer, type ChangeRequest, type ChangeResult, planChange } from '../changes';
import { type MessageRow, toMessage } from '../rows';
import { prepare } from './sqlite-database';

export class SqliteChangeWrites {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = prepare(db, [
      'appliedOp',
      'insertAppliedOp',
      'messageById',
      'nextChangeSeq',
      'updateMessage',
      'unlinkFiles',
      'unpostFiles',
    ]);
  }

  apply(request: ChangeRequest): ChangeResult {
    const { userId, opId, messageId, at } = request;
    const first = this.sql.appliedOp.get(userId, opId) as { answer: string } | undefined;
    if (first) return { status: 'replayed', answer: JSON.parse(first.answer) };
    const row = this.sql.messageById.get(messageId) as MessageRow | undefined;
    const plan = planChange(row, request);
    if ('refused' in plan) return { status: 'refused', reason: plan.refused };
    const stored = row!;
    let changeSeq = stored.change_seq;
    if (plan.update) {
      ({ change_seq: changeSeq } = this.sql.nextChangeSeq.get(stored.channel_id) as { change_seq: number });
      const u = plan.update;
      this.sql.updateMessage.run(
        u.content,
        u.editedAt,
        u.deleted ? 1 : 0,
        u.mentions,
        u.reactions,
        changeSeq,
        at,
        messageId,
      );
      // Only a deletion sets deleted (a tombstone refuses edits and reactions).
      if (u.deleted) this.unlinkFiles(messageId);
    }
    const answer = appliedAnswer(request, stored.channel_id, changeSeq);
    this.sql.insertAppliedOp.run(userId, opId, JSON.stringify(answer), at);
    const message = toMessage(this.sql.messageById.get(messageId) as MessageRow);
    return { status: 'applied', answer, message, changed: plan.update !== undefined };
  }

  /** A deleted message no longer lets anyone read its files; those no other message carries are unposted. */
  private unlinkFiles(messageId: string): void {
    const unlinked = (this.sql.unlinkFiles.all(messageId) as { file_id: string }[]).map((r) => r.file_id);
    if (unlinked.length > 0) this.sql.unpostFiles.run(JSON.stringify(unlinked));
  }
}
