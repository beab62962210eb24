/**
 * Configuration from the environment and flags: each setting is an environment variable and the flag of
 * the same name in lower case with dashes (`DATA_DIR` → `--data-dir`); a flag wins over the environment.
 */

import type { ServerOptions } from './app';
import { ConfigError } from './errors';

type Kind = 'string' | 'int' | 'boolean' | 'list';

interface Setting {
  env: string;
  kind: Kind;
  key: keyof ServerOptions;
  help: string;
  /** For a string setting: the only values it takes. */
  choices?: readonly string[];
}

export const SETTINGS: Setting[] = [
  { env: 'PORT', kind: 'int', key: 'port', help: 'port to listen on, 0 for any free one (3000)' },
  { env: 'HOST', kind: 'string', key: 'host', help: 'address to listen on (127.0.0.1)' },
  { env: 'DATA_DIR', kind: 'string', key: 'dataDir', help: 'folder of the SQLite database (./data)' },
  {
    env: 'JWT_SECRET',
    kind: 'string',
    key: 'jwtSecret',
    help: 'secret that signs tokens (required without --demo; prefer the variable: flags show in ps)',
  },
  { env: 'REDIS_URL', kind: 'string', key: 'redisUrl', help: 'share rooms between instances through Redis' },
  {
    env: 'DATABASE_URL',
    kind: 'string',
    key: 'databaseUrl',
    help: 'postgres://user:password@host:port/db instead of SQLite (prefer the variable: flags show in ps)',
  },
  {
    env: 'SQLITE_SYNCHRONOUS',
    kind: 'string',
    key: 'sqliteSynchronous',
    choices: ['full', 'normal'],
    help: 'full (default): an ack survives a power cut; normal: faster, a power cut can lose the last acks',
  },
  {
    env: 'TRUSTED_PROXIES',
    kind: 'list',
    key: 'trustedProxies',
    help: 'comma-separated proxy addresses or ranges whose X-Forwarded-For names the client (none)',
  },
  {
    env: 'MAX_CONNECTIONS_PER_ADDRESS',
    kind: 'int',
    key: 'maxConnectionsPerAddress',
    help: 'open connections one client address may hold, 0 = no cap (256)',
  },
  { env: 'CORS_ORIGINS', kind: 'list', key: 'corsOrigins', help: 'comma-separated browser origins allowed' },
  {
    env: 'MESSAGE_RATE_LIMIT',
    kind: 'int',
    key: 'messageRateLimit',
    help: 'messages a second per user, 0 = off (10)',
  },
  {
    env: 'UPLOAD_MAX_BYTES',
    kind: 'int',
    key: 'uploadMaxBytes',
    help: 'largest upload in bytes, refused with 413 beyond (26214400 = 25 MiB)',
  },
  {
    env: 'UPLOAD_QUOTA_BYTES',
    kind: 'int',
    key: 'uploadQuotaBytes',
    help: 'bytes one user may upload in 24 h, 0 = no quota (1073741824 = 1 GiB)',
  },
  {
    env: 'TYPING_TIMEOUT_MS',
    kind: 'int',
    key: 'typingTimeoutMs',
    help: 'server-side typing stop after (6000)',
  },
  {
    env: 'PRESENCE_OFFLINE_AFTER_MS',
    kind: 'int',
    key: 'presenceOfflineAfterMs',
    help: 'a person shows offline this long after their last socket has gone (30000)',
  },
  { env: 'TOKEN_TTL_SECONDS', kind: 'int', key: 'tokenTtlSeconds', help: 'token lifetime (604800 = 7 days)' },
  {
    env: 'LOG_LEVEL',
    kind: 'string',
    key: 'logLevel',
    help: 'pino level: debug, info, warn, error, silent (info)',
  },
  {
    env: 'PER_MESSAGE_DEFLATE',
    kind: 'boolean',
    key: 'perMessageDeflate',
    help: 'compress WebSocket frames of 1 KiB or more (off: see BENCHMARKS.md)',
  },
  { env: 'METRICS', kind: 'boolean', key: 'metrics', help: 'serve Prometheus metrics on GET /metrics' },
  {
    env: 'METRICS_TOKEN',
    kind: 'string',
    key: 'metricsToken',
    help: 'with METRICS: /metrics asks for Authorization: Bearer TOKEN',
  },
  {
    env: 'ADMIN_UI_USER',
    kind: 'string',
    key: 'adminUiUser',
    help: 'with ADMIN_UI_PASSWORD: turn on the Socket.IO admin UI (namespace /admin, basic auth)',
  },
  {
    env: 'ADMIN_UI_PASSWORD',
    kind: 'string',
    key: 'adminUiPassword',
    help: 'the admin UI password (kept bcrypt-hashed in memory; prefer the variable)',
  },
  {
    env: 'ADMIN_UI_READONLY',
    kind: 'boolean',
    key: 'adminUiReadonly',
    help: 'the admin UI only watches (default); 0 lets it disconnect sockets and change rooms',
  },
  {
    env: 'ADMIN_UI_ORIGIN',
    kind: 'string',
    key: 'adminUiOrigin',
    help: 'browser origin of the admin UI, allowed by CORS when it is on (https://admin.socket.io)',
  },
  {
    env: 'DEMO',
    kind: 'boolean',
    key: 'demo',
    help: 'seed the demo workspace; make a JWT secret if none is set',
  },
];

const flagOf = (env: string) => `--${env.toLowerCase().replaceAll('_', '-')}`;

function convert(setting: Setting, raw: string, source: string): unknown {
  switch (setting.kind) {
    case 'int': {
      if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${source} must be a whole number, got "${raw}"`);
      return Number(raw);
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off|)$/i.test(raw)) return false;
      throw new ConfigError(`${source} must be true or false, got "${raw}"`);
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      if (setting.choices && !setting.choices.includes(raw)) {
        throw new ConfigError(`${source} must be one of ${setting.choices.join(', ')}, got "${raw}"`);
      }
      return raw;
  }
}

export interface ParsedConfig {
  options: ServerOptions;
  help: boolean;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): ParsedConfig {
  const values: Partial<Record<keyof ServerOptions, unknown>> = {};
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    if (raw !== undefined && raw !== '') values[setting.key] = convert(setting, raw, setting.env);
  }
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const setting = SETTINGS.find((s) => flagOf(s.env) === flag);
    if (!setting) throw new ConfigError(`Unknown option ${arg} (see --help)`);
    if (setting.kind === 'boolean') {
      values[setting.key] = inline === undefined ? true : convert(setting, inline, flag);
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new ConfigError(`${flag} needs a value`);
    values[setting.key] = convert(setting, raw, flag);
  }
  return { options: { dataDir: './data', ...values } as ServerOptions, help };
}

export function usage(): string {
  const lines = SETTINGS.map(
    (s) =>
      `  ${`${flagOf(s.env)}${s.kind === 'boolean' ? '' : ' VALUE'}`.padEnd(28)} ${s.env.padEnd(20)} ${s.help}`,
  );
  return [
    'Usage: npm run server -- [options]   (each option is also an environment variable; a flag wins)',
    '',
    ...lines,
  ].join('\n');
}
