/**
 * `npm run web` flags (interface.md): --port (5180), --server URL (http://127.0.0.1:3000),
 * --user-data DIR (default: the desktop app's per-user folder, under a `web` subfolder).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PRODUCT_NAME } from '../electron/identity';

export const DEFAULT_WEB_PORT = 5180;

export type WebHostArgs = {
  port: number;
  /** Present only when given on the command line: it then replaces the stored server URL. */
  server?: string;
  userData: string;
};

export function parseWebHostArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): WebHostArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(port|server|user-data)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Unknown argument: ${arg} (expected --port, --server, --user-data)`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`--${match[1]} needs a value`);
    values.set(match[1]!, value);
  }
  const port = Number(values.get('port') ?? DEFAULT_WEB_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, not ${values.get('port')}`);
  const server = values.get('server');
  if (server !== undefined && !/^https?:\/\/[^/]/.test(server))
    throw new Error(`--server must be an http(s) URL, not ${server}`);
  return {
    port,
    ...(server !== undefined ? { server } : {}),
    userData: values.get('user-data') ?? join(desktopUserDataDir(env), 'web'),
  };
}

/** Where Electron's app.getPath('userData') points for this product, per platform. */
export function desktopUserDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), PRODUCT_NAME);
}
