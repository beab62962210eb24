/**
 * The device sequence (interface.md, order by construction): this installation's `deviceId` and, per
 * channel, the numbers (`deviceSeq` 1, 2, 3, …) given to the operations it sends. The server takes a
 * numbered operation only as the next of its device in that channel, so a refused one can never be
 * overtaken by those behind it, whatever the timing, and across restarts (everything here is in the
 * database).
 *
 * The id lives in the account's own database: a database that is reset or moved aside starts a new
 * device, whose numbers start again at 1, rather than an old device whose numbers the server has seen.
 * Messages take their number when queued (operations.device_seq). Edits, deletes and reactions (issue 14)
 * take none (the wire carries no number for them, so the server would see a gap): each is placed behind
 * the send numbered `current()` when it was queued, and the operation queue sends it only once everything
 * before it in the channel is acknowledged. A renumbering (`restartAt`) keeps them behind their send.
 */
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

export class DeviceSequence {
  private id: string | undefined;
  /** The last place `nextOrd` gave. */
  private lastOrd = 0;
  private readonly statements: Record<
    'get' | 'set' | 'current' | 'restart' | 'nextOrd',
    Statement<unknown[], unknown>
  >;

  constructor(db: Db) {
    this.statements = {
      get: db.prepare('SELECT value FROM meta WHERE key = ?'),
      set: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      // The last number given (migration 012): the row's, or a higher one on a pending operation. A send
      // writes no row: a trigger raises the row to an operation's number when it leaves the pending set
      // (acked, failed, cancelled), so the highest of the two is what the row held before 012. One index
      // seek of operations_in_order.
      current: db
        .prepare(`
        SELECT max(
          coalesce((SELECT last_seq FROM device_sequences WHERE channel_id = ?), 0),
          coalesce((SELECT max(device_seq) FROM operations WHERE state = 'pending' AND channel_id = ?), 0))`)
        .pluck(),
      restart: db.prepare(`
        INSERT INTO device_sequences (channel_id, last_seq) VALUES (?, ?)
        ON CONFLICT (channel_id) DO UPDATE SET last_seq = excluded.last_seq`),
      nextOrd: db.prepare('SELECT max(?, coalesce((SELECT max(ord) FROM operations), 0)) + 1').pluck(),
    };
  }

  /** This installation's id in this account, made on first use. */
  deviceId(): string {
    if (this.id === undefined) {
      this.id = this.meta('device_id') ?? randomUUID();
      this.setMeta('device_id', this.id);
    }
    return this.id;
  }

  /**
   * The channel's next number: call inside the transaction that queues the send it numbers (the number
   * is given by that send's row: nothing else is written).
   */
  next(channelId: string): number {
    return this.current(channelId) + 1;
  }

  /** The channel's last number given (0: none yet); a change is queued behind it. */
  current(channelId: string): number {
    return this.statements.current.get(channelId, channelId) as number;
  }

  /** The server expects `from` next and `count` operations are queued: they become from … from+count-1. */
  restartAt(channelId: string, from: number, count: number): void {
    this.statements.restart.run(channelId, from + count - 1);
  }

  /**
   * A new operation's place in the queue (`ord`, the tie-break behind `device_seq`): after every row of
   * the queue, and after every place this store gave (migration 012 took AUTOINCREMENT off, which wrote
   * `sqlite_sequence` in every send's commit). So a place freed by an ack is not given again while the
   * outbox's in-memory cursor (`lane.after`, outbox.ts) may still name it; a new process starts its
   * cursors afresh, and among the rows that exist `ord` is always the order they were queued in. Call it
   * inside the transaction that writes the place.
   */
  nextOrd(): number {
    this.lastOrd = this.statements.nextOrd.get(this.lastOrd) as number;
    return this.lastOrd;
  }

  meta(key: string): string | undefined {
    return (this.statements.get.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.statements.set.run(key, value);
  }
}
