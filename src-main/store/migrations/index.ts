/**
 * Numbered migrations, applied in order; `PRAGMA user_version` records how many ran. Add a file
 * with the next number and list it here; never edit one that has shipped.
 */
import m001 from './001-initial';
import m002 from './002-outbox-by-queued-at';
// 003 is taken by the order branch's device-sequence migration (merged separately).
import m004 from './004-unread-replies';

export const migrations: readonly string[] = [m001, m002, m004];
