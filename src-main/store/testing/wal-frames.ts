/**
 * What a write costs the WAL, read from the files themselves (migration 013; bench/store-writes.ts): the
 * frames a step appended to the -wal file, and the B-tree (table or index) each frame's page belongs to,
 * looked up in SQLite's `dbstat` after the step. Each B-tree a commit touches is at least one page of it.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';

const PAGE = 4096;
/** The WAL's own header; each frame is its page plus a 24-byte header that starts with the page number. */
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** What `step` wrote to the WAL of `file`: every frame's page, named by the B-tree it belongs to. */
export interface WalWrites {
  /** One name per frame, in the order written: a table or index, `(page 1)` (the file's header), `(free)`. */
  frames: string[];
  /** Frames per B-tree. */
  byTree: Map<string, number>;
}

/**
 * Runs `step` with the WAL of `file` emptied first (from a second connection: any open connection's
 * uncommitted work is not touched) and returns what it appended. The file's connections must not
 * checkpoint meanwhile (the app's store checkpoints only past 10,000 pages, or when told).
 */
export function walWrites(file: string, step: () => void): WalWrites {
  const side = new Database(file);
  try {
    side.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    side.close();
  }
  step();
  const wal = readFileSync(`${file}-wal`);
  const reader = new Database(file, { readonly: true });
  const owner = new Map<number, string>();
  try {
    for (const r of reader.prepare('SELECT name, pageno FROM dbstat').all() as {
      name: string;
      pageno: number;
    }[])
      owner.set(r.pageno, r.name);
  } finally {
    reader.close();
  }
  const frames: string[] = [];
  for (let at = WAL_HEADER; at + FRAME_HEADER <= wal.length; at += PAGE + FRAME_HEADER) {
    const page = wal.readUInt32BE(at);
    frames.push(page === 1 ? '(page 1)' : (owner.get(page) ?? '(free)'));
  }
  const byTree = new Map<string, number>();
  for (const name of frames) byTree.set(name, (byTree.get(name) ?? 0) + 1);
  return { frames, byTree };
}
