/**
 * One `npm run admin` command group (`user`, `channel`, `backup`, …). Each group lives in its own file
 * under ./commands/ and is listed once in ./commands.ts, so adding one is a file and a line.
 */
import type { Logger } from 'pino';
import type { WorkspaceChange } from '../../src-shared/protocol';
import type { Store } from '../store/types';

export interface AdminContext {
  /** The same settings as the server: DATA_DIR / --data-dir, DATABASE_URL / --database-url. */
  dataDir: string;
  databaseUrl?: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  /** One line to stdout (what the operator asked for). */
  print(line: string): void;
  logger: Logger;
  /** Opens the store the server uses (SQLite in dataDir, or PostgreSQL); closed by the CLI at the end. */
  openStore(): Promise<Store>;
  /** REDIS_URL / --redis-url: how running instances are told about a change (admin/notify.ts). */
  redisUrl?: string;
  /** Tells every running server about changes already stored, so their sockets follow at once. */
  notify(...changes: WorkspaceChange[]): Promise<void>;
}

export interface AdminCommand {
  /** One line for `npm run admin -- --help`. */
  summary: string;
  /** The full text for `npm run admin -- NAME --help`. */
  usage: string;
  /** `args` are the words after the group's name. Throw AdminError for a refusal the operator can fix. */
  run(args: string[], ctx: AdminContext): Promise<void>;
}

/** A refusal printed as one line on stderr, exit 1 (no stack: the operator can act on the message). */
export class AdminError extends Error {
  override name = 'AdminError';
}

/** A group's subcommand: the words after its name (`channel add NAME` gets `['NAME']`). */
export type Subcommand = (args: string[], ctx: AdminContext) => Promise<void>;

/** A group of subcommands (`user add`, `channel list`, …): runs the one named by the first word. */
export function subcommandGroup(
  group: string,
  summary: string,
  usage: string,
  subcommands: Record<string, Subcommand>,
): AdminCommand {
  return {
    summary,
    usage,
    async run([sub, ...args], ctx) {
      const run = sub && Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
      if (!run) throw new AdminError(`Unknown ${group} command "${sub ?? ''}" (see ${group} --help)`);
      await run(args, ctx);
    },
  };
}
