/** Every `npm run admin` command group, one line each (alphabetical), one file each under ./commands/. */
import type { AdminCommand } from './command';
import { backup } from './commands/backup';
import { restore } from './commands/restore';

export const COMMANDS: Record<string, AdminCommand> = {
  backup,
  restore,
};
