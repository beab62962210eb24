/**
 * A child process for search-index.test.ts: opens the account database, starts a batch of search
 * indexing, and is killed (SIGKILL, kill -9) before the batch commits. A tiny page cache makes SQLite
 * spill the batch's uncommitted pages into the WAL first, as a long batch would on a real machine.
 * argv: the database file.
 */
import Database from 'better-sqlite3';
import { indexPending } from '../message-search';

const db = new Database(process.argv[2] as string);
db.pragma('cache_size = 4');
db.exec('BEGIN');
const taken = indexPending((source) => db.prepare(source), 1_000_000);
process.stdout.write(`${JSON.stringify({ taken })}\n`, () => process.kill(process.pid, 'SIGKILL'));
