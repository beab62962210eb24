/**
 * DATA_DIR holds password hashes, every message and (with --demo) the JWT secret: only the server's own
 * user may read it. The folder is 0700 and the database file 0600 (SQLite gives its -wal and -shm files
 * the database file's mode). Both are tightened on start when an older version left them wider.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates `file` 0600 if it is missing (before SQLite opens it with the umask's mode), else tightens it. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}
