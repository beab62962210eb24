import type { Logger } from 'pino';
import type { Presence, WorkspaceChange } from '../src-shared/protocol';
import type { LoginThrottle } from './auth/login-throttle';
import type { TokenService } from './auth/tokens';
import type { Store } from './store/types';

/** What every HTTP route and socket handler needs, built once by startServer. */
export interface ServerContext {
  store: Store;
  tokens: TokenService;
  logger: Logger;
  loginThrottle: LoginThrottle;
  /** Applies a workspace change to this instance's sockets and passes it to every other (workspace/live.ts). */
  notify(change: WorkspaceChange): Promise<void>;
  /** Where a user is now, as this workspace sees them (workspace/presence.ts). */
  presenceOf(userId: string): Presence;
}
