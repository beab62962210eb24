/**
 * `npm run admin -- COMMAND …` (entry: ./cli.ts): workspace administration against the same data as the server (the same
 * DATA_DIR / DATABASE_URL, as variables or flags). Works whether or not the server is running.
 * A refusal is one line on stderr and exit 1; `--help` anywhere prints the usage.
 */
import { createLogger } from '../logger';
import { openStore } from '../store/open';
import type { Store } from '../store/types';
import { type AdminContext, AdminError } from './command';
import { COMMANDS } from './commands';
import { notifyServers } from './notify';

const GLOBAL_FLAGS: Record<string, 'dataDir' | 'databaseUrl' | 'redisUrl'> = {
  '--data-dir': 'dataDir',
  '--database-url': 'databaseUrl',
  '--redis-url': 'redisUrl',
};

export function adminUsage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`);
  return [
    'Usage: npm run admin -- [--data-dir DIR | --database-url URL] [--redis-url URL] COMMAND … [--help]',
    '',
    'Works on the server’s data (DATA_DIR, default ./data, or DATABASE_URL), running or not.',
    '',
    'Commands:',
    ...rows,
  ].join('\n');
}

/** Splits the global flags (which may stand anywhere) from the command's own words. */
export function parseAdminArgs(argv: string[], env: NodeJS.ProcessEnv) {
  const settings: { dataDir: string; databaseUrl?: string; redisUrl?: string } = {
    dataDir: env.DATA_DIR || './data',
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
  };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const key = Object.hasOwn(GLOBAL_FLAGS, flag!) ? GLOBAL_FLAGS[flag!] : undefined;
    if (!key) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    if (!value) throw new AdminError(`${flag} needs a value`);
    settings[key] = value;
  }
  return { settings, rest };
}

export async function runAdmin(
  argv: string[],
  io: { env: NodeJS.ProcessEnv; stdin: NodeJS.ReadableStream; print(line: string): void },
): Promise<void> {
  const { settings, rest } = parseAdminArgs(argv, io.env);
  const [name, ...args] = rest;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.print(adminUsage());
    return;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new AdminError(`Unknown command "${name}" (see --help)`);
  if (args.includes('--help') || args.includes('-h')) {
    io.print(command.usage);
    return;
  }
  const logger = createLogger(io.env.LOG_LEVEL || 'warn');
  let store: Store | null = null;
  const ctx: AdminContext = {
    ...settings,
    env: io.env,
    stdin: io.stdin,
    print: io.print,
    logger,
    openStore: async () => {
      store ??= await openStore(settings, logger);
      return store;
    },
    notify: (...changes) => notifyServers(settings, changes, logger),
  };
  try {
    await command.run(args, ctx);
  } finally {
    await (store as Store | null)?.close();
  }
}
