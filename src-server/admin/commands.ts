/** Every `npm run admin` command group, one line each (alphabetical), one file each under ./commands/. */
import type { AdminCommand } from './command';

export const COMMANDS: Record<string, AdminCommand> = {};
