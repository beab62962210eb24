/** The JWT secret: JWT_SECRET, or with --demo one made once and kept in DATA_DIR so tokens survive restarts. */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { ensurePrivateDir } from '../private-files';

export const DEMO_SECRET_FILE = 'jwt-secret';

export function resolveJwtSecret(options: { jwtSecret?: string; demo?: boolean; dataDir: string }): string {
  if (options.jwtSecret) return options.jwtSecret;
  if (!options.demo) {
    throw new ConfigError('JWT_SECRET is required (set JWT_SECRET or --jwt-secret, or run with --demo)');
  }
  ensurePrivateDir(options.dataDir);
  const file = join(options.dataDir, DEMO_SECRET_FILE);
  try {
    // 'wx': exactly one process creates it; everyone else reads what that one wrote.
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (!secret) throw new ConfigError(`${file} is empty: delete it to make a new demo secret`);
  return secret;
}
