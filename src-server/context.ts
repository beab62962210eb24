import type { Logger } from 'pino';
import type { LoginThrottle } from './auth/login-throttle';
import type { TokenService } from './auth/tokens';
import type { Metrics } from './ops/metrics';
import type { Readiness } from './ops/readiness';
import type { Store } from './store/types';

/** What every HTTP route and socket handler needs, built once by startServer. */
export interface ServerContext {
  store: Store;
  tokens: TokenService;
  logger: Logger;
  loginThrottle: LoginThrottle;
  metrics: Metrics;
  /** What GET /metrics and GET /readyz serve (ops/). */
  operations: {
    metricsEnabled: boolean;
    metricsToken?: string;
    readiness(): Promise<Readiness>;
  };
}
