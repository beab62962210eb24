/**
 * The server's Prometheus metrics (prom-client), one registry per server so that several servers in one
 * process (the tests) never mix their counts. The counters are always kept (an increment costs nothing);
 * METRICS=1 only decides whether GET /metrics serves them, and turns on the default process metrics
 * (CPU, memory, GC, event-loop delay), which sample on their own.
 *
 * Labels stay few and bounded: an event name from the fixed list, an error code, a store operation, a
 * scope. Never a user, channel, socket or message id: each new value would be a new time series.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { QuickHistogram } from './quick-histogram';

/** Seconds: from a tenth of a millisecond (a replay answered from memory) to 5 s (a stalled disk). */
const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

export interface Metrics {
  readonly registry: Registry;
  /** Fresh sockets of this instance since it started. */
  readonly connections: Counter<never>;
  readonly messagesAccepted: Counter<never>;
  readonly messagesRefused: Counter<'code'>;
  /** From an event's arrival to its acknowledgement leaving, per event name. */
  readonly ackLatency: QuickHistogram<'event' | 'outcome'>;
  /** From a write being queued to its commit (group commit included), per store operation. */
  readonly storeCommitLatency: QuickHistogram<'op'>;
  /** Writes queued for the store and not yet committed. */
  readonly writerQueueDepth: Gauge<never>;
  readonly rateLimitRefusals: Counter<'scope'>;
  readonly loginFailures: Counter<never>;
}

export const METRIC_PREFIX = 'relay_';

/** `connectedSockets` is read at each scrape (the Socket.IO server's own count). */
export function createMetrics(options: { defaults: boolean; connectedSockets: () => number }): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const name = (n: string) => `${METRIC_PREFIX}${n}`;
  if (options.defaults) collectDefaultMetrics({ register: registry });
  new Gauge({
    name: name('connected_sockets'),
    help: 'Sockets connected to this instance now',
    registers,
    collect() {
      this.set(options.connectedSockets());
    },
  });
  return {
    registry,
    connections: new Counter({
      name: name('connections_total'),
      help: 'Sockets this instance has accepted since it started',
      registers,
    }),
    messagesAccepted: new Counter({
      name: name('messages_accepted_total'),
      help: 'message:send answered with message:sent (replays of a stored message included)',
      registers,
    }),
    messagesRefused: new Counter({
      name: name('messages_refused_total'),
      help: 'message:send refused, by error code',
      labelNames: ['code'],
      registers,
    }),
    ackLatency: new QuickHistogram({
      name: name('ack_latency_seconds'),
      help: 'From a client event arriving to its acknowledgement leaving, by event and outcome (ok or the error code)',
      labelNames: ['event', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    storeCommitLatency: new QuickHistogram({
      name: name('store_commit_latency_seconds'),
      help: 'From a write being handed to the store to its commit, by operation',
      labelNames: ['op'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    writerQueueDepth: new Gauge({
      name: name('writer_queue_depth'),
      help: 'Writes handed to the store and not yet committed',
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: name('rate_limit_refusals_total'),
      help: 'Refusals for going over a limit: scope message (MESSAGE_RATE_LIMIT) or login (failed-login throttle)',
      labelNames: ['scope'],
      registers,
    }),
    loginFailures: new Counter({
      name: name('login_failures_total'),
      help: 'Logins refused for a wrong username or password',
      registers,
    }),
  };
}
