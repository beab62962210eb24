/**
 * The Socket.IO admin UI's server side (@socket.io/admin-ui), off unless ADMIN_UI_USER and
 * ADMIN_UI_PASSWORD are both set. It adds the `/admin` namespace, which the hosted UI
 * (https://admin.socket.io, or a self-hosted copy) connects to with basic auth. The password is kept only
 * as a bcrypt hash (the admin UI compares with bcryptjs, its own dependency). Read-only unless
 * ADMIN_UI_READONLY=0: then the UI can also disconnect sockets and make them join or leave rooms.
 * "production" mode sends the UI aggregate counts, not every event of every socket.
 */
import { createRequire } from 'node:module';
import { instrument } from '@socket.io/admin-ui';
import type { Server } from 'socket.io';
import { ConfigError } from '../errors';

/**
 * bcryptjs as the admin UI itself loads it (its own dependency, not ours): the hash is made by the same
 * library that will compare against it, and package.json does not grow a second copy to keep in step.
 */
const adminUiRequire = createRequire(createRequire(import.meta.url).resolve('@socket.io/admin-ui'));
const bcrypt = adminUiRequire('bcryptjs') as typeof import('bcryptjs');

export const ADMIN_NAMESPACE = '/admin';
export const DEFAULT_ADMIN_UI_ORIGIN = 'https://admin.socket.io';
/** bcrypt cost: hashed once at start; each admin UI login compares once. */
const BCRYPT_ROUNDS = 10;

export interface AdminUiOptions {
  adminUiUser?: string;
  adminUiPassword?: string;
  /** Default true. */
  adminUiReadonly?: boolean;
  adminUiOrigin?: string;
}

/** Whether the admin UI is on; one of the two settings alone is a configuration error. */
export function adminUiEnabled(options: AdminUiOptions): boolean {
  const { adminUiUser: user, adminUiPassword: password } = options;
  if (!user && !password) return false;
  if (!user || !password) {
    throw new ConfigError(
      'ADMIN_UI_USER and ADMIN_UI_PASSWORD turn the admin UI on together: set both or neither',
    );
  }
  if (password.length < 12) throw new ConfigError('ADMIN_UI_PASSWORD must be at least 12 characters');
  return true;
}

/** The browser origin the admin UI is served from, for Socket.IO's CORS: only when it is on. */
export function adminUiOrigins(options: AdminUiOptions): string[] {
  return adminUiEnabled(options) ? [options.adminUiOrigin || DEFAULT_ADMIN_UI_ORIGIN] : [];
}

export async function attachAdminUi(io: Server, options: AdminUiOptions): Promise<void> {
  if (!adminUiEnabled(options)) return;
  const hash = await bcrypt.hash(options.adminUiPassword!, BCRYPT_ROUNDS);
  instrument(io, {
    namespaceName: ADMIN_NAMESPACE,
    auth: { type: 'basic', username: options.adminUiUser!, password: hash },
    readonly: options.adminUiReadonly !== false,
    mode: 'production',
  });
}
