import type { Logger } from 'pino';
import type { Presence, WorkspaceChange } from '../src-shared/protocol';
import type { HashPool } from './auth/hash-pool';
import type { LoginThrottle } from './auth/login-throttle';
import type { TokenService } from './auth/tokens';
import type { FileService } from './files/service';
import type { TrustedProxies } from './http/client-address';
import type { LimitBackend } from './limits/limiter';
import type { MembershipCache } from './membership-cache';
import type { Metrics } from './ops/metrics';
import type { Readiness } from './ops/readiness';
import type { Store } from './store/types';

/** What every HTTP route and socket handler needs, built once by startServer. */
export interface ServerContext {
  store: Store;
  /** Who may send where, remembered; forgotten by every membership change (membership-cache.ts). */
  memberships: MembershipCache;
  tokens: TokenService;
  logger: Logger;
  loginThrottle: LoginThrottle;
  /** Applies a workspace change to this instance's sockets and passes it to every other (workspace/live.ts). */
  notify(change: WorkspaceChange): Promise<void>;
  /** Where a user is now, as this workspace sees them (workspace/presence.ts). */
  presenceOf(userId: string): Presence;
  metrics: Metrics;
  /** What GET /metrics and GET /readyz serve (ops/). */
  operations: {
    metricsEnabled: boolean;
    metricsToken?: string;
    readiness(): Promise<Readiness>;
  };
  /** Where password checks wait their turn (auth/hash-pool.ts). */
  hashPool: HashPool;
  /** Peers whose X-Forwarded-For is believed (TRUSTED_PROXIES). */
  trustedProxies: TrustedProxies;
  /** Counters for the per-user and per-address limits: memory, or Redis with REDIS_URL. */
  limits: LimitBackend;
  /** Uploads: blob store, upload limits, thumbnails (files/). */
  files: FileService;
}
