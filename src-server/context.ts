import type { Logger } from 'pino';
import type { LoginThrottle } from './auth/login-throttle';
import type { TokenService } from './auth/tokens';
import type { Store } from './store/types';

/** What every HTTP route and socket handler needs, built once by startServer. */
export interface ServerContext {
  store: Store;
  tokens: TokenService;
  logger: Logger;
  loginThrottle: LoginThrottle;
}
