/** Every `npm run admin` command group, one line each (alphabetical), one file each under ./commands/. */
import type { AdminCommand } from './command';
import { backup } from './commands/backup';
import { channelCommand } from './commands/channel';
import { restore } from './commands/restore';
import { userCommand } from './commands/user';

export const COMMANDS: Record<string, AdminCommand> = {
  backup,
  channel: channelCommand,
  restore,
  user: userCommand,
};
