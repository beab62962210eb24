/** A workspace with nobody in it: the exact command that creates its first admin, printed on server start. */
import { resolve } from 'node:path';
import type { Store } from '../store/types';

export async function firstAdminHint(
  store: Store,
  options: { dataDir: string; databaseUrl?: string },
): Promise<string | undefined> {
  if ((await store.listUsers()).length > 0) return undefined;
  // DATABASE_URL is not repeated (it holds a password): the command runs with the same environment.
  const target = options.databaseUrl ? '' : ` --data-dir ${quote(resolve(options.dataDir))}`;
  return `npm run admin --${target} user add admin --admin`;
}

/** Shell-quoted only when needed, so the usual path is copied as it reads. */
function quote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
