/** Every `npm run admin` command group, one line each (alphabetical), one file each under ./commands/. */
import type { AdminCommand } from './command';
import { channelCommand } from './commands/channel';
import { userCommand } from './commands/user';

export const COMMANDS: Record<string, AdminCommand> = {
  channel: channelCommand,
  user: userCommand,
};
