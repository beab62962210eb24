/**
 * Numbered migrations, applied in order; `PRAGMA user_version` records how many ran. Add a file
 * with the next number and list it here; never edit one that has shipped.
 */
import m001 from './001-initial';

export const migrations: readonly string[] = [m001];
