/** What every figure uses: temp folders, child processes, subjects, and CPU accounting. */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Options } from '../config';
import { type Child, repoRoot, spawnNode } from '../lib/proc';
import type { CpuShare } from '../lib/result';
import { cpuPercent } from '../lib/stats';
import type { Identities, Identity, Topology } from '../servers/topology';

export type SubjectKind = 'ws-echo' | 'sio-relay' | 'durable-relay' | 'real' | 'bare-upload';

export const SUBJECT_NAMES: Record<SubjectKind, string> = {
  'ws-echo': 'raw ws echo',
  'sio-relay': 'bare Socket.IO relay',
  'durable-relay': 'durable relay (bare relay + one SQLite insert, server pragmas)',
  real: 'real server',
  'bare-upload': 'bare Node PUT sink',
};

const SCRIPTS: Record<SubjectKind, string> = {
  'ws-echo': 'bench/servers/ws-echo.ts',
  'sio-relay': 'bench/servers/sio-relay.ts',
  'durable-relay': 'bench/servers/durable-relay.ts',
  real: 'bench/servers/real-server.ts',
  'bare-upload': 'bench/servers/bare-upload.ts',
};

/** A figure's subject is not in the repository yet (another engineer's part): the row says so. */
export class Unavailable extends Error {}

export interface Subject {
  kind: SubjectKind;
  child: Child;
  url: string;
  port: number;
}

export class Bench {
  private started: Child[] = [];
  private counter = 0;

  constructor(
    readonly options: Options,
    readonly workDir: string,
  ) {}

  log(message: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  }

  private logFile(name: string): string {
    const dir = path.join(this.workDir, 'logs');
    mkdirSync(dir, { recursive: true });
    return path.join(dir, `${++this.counter}-${name}.log`);
  }

  /** A fresh folder for a subject's data (SQLite, user data) under this run's temp folder. */
  dataDir(name: string): string {
    const dir = path.join(this.workDir, `${name}-${++this.counter}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  spawn(
    name: string,
    script: string,
    args: string[] = [],
    nodeArgs: string[] = [],
    env: NodeJS.ProcessEnv = {},
  ): Child {
    const child = spawnNode(name, script, args, { logFile: this.logFile(name), nodeArgs, env });
    this.started.push(child);
    return child;
  }

  async loadgen(): Promise<Child> {
    const child = this.spawn('loadgen', 'bench/loadgen/main.ts');
    await child.waitFor('ready');
    return child;
  }

  /**
   * Starts a subject server; `port` 0 picks a free one, `dataDir` is kept across restarts.
   * `synchronous: 'normal'` runs a SQLite subject with SQLITE_SYNCHRONOUS=normal (the default is full).
   */
  async subject(
    kind: SubjectKind,
    options: {
      port?: number;
      dataDir?: string;
      synchronous?: 'full' | 'normal';
      env?: NodeJS.ProcessEnv;
    } = {},
  ): Promise<Subject> {
    if (kind === 'real' && !existsSync(path.join(repoRoot, 'src-server', 'app.ts'))) {
      throw new Unavailable('src-server/app.ts is not in the repository yet');
    }
    const args = [String(options.port ?? 0)];
    if (kind === 'real' || kind === 'durable-relay') args.push(options.dataDir ?? this.dataDir(kind));
    // --expose-gc: figure 5 collects garbage before reading RSS, so the reading is what stays.
    const profile =
      kind === 'real' ? this.profileArgs('server') : kind === 'durable-relay' ? this.profileArgs(kind) : [];
    const nodeArgs = ['--expose-gc', ...profile];
    const env = { SQLITE_SYNCHRONOUS: options.synchronous ?? 'full', ...options.env };
    const child = this.spawn(kind, SCRIPTS[kind], args, nodeArgs, env);
    const ready = await child.waitFor('ready', 60_000);
    const url = String(ready.url);
    return { kind, child, url, port: Number(new URL(url).port) };
  }

  /** With --cpu-prof DIR: node flags that write a CPU profile of a subject process when it exits. */
  profileArgs(name: string): string[] {
    const dir = this.options.cpuProf;
    // One folder per kind of process; node names each file by pid and thread (tsx's loader thread
    // writes one too: the main thread's is the bigger file).
    if (!dir) return [];
    const interval = this.options.cpuProfIntervalUs;
    return [
      '--cpu-prof',
      `--cpu-prof-dir=${path.join(dir, name)}`,
      ...(interval ? [`--cpu-prof-interval=${interval}`] : []),
    ];
  }

  async stopAll(): Promise<void> {
    // A profiled process writes its profile as it exits: a big one takes seconds on a loaded box.
    const graceMs = this.options.cpuProf ? 60_000 : 5_000;
    await Promise.all(this.started.map((c) => c.stop('SIGTERM', graceMs)));
    this.started = [];
  }
}

export function provision(subject: Subject, topology: Topology): Promise<Identities> {
  return subject.child.call<Identities>('provision', topology, 300_000);
}

/** Two users sharing one channel, both connected through the load generator: the idle figures' pair. */
export async function connectPair(subject: Subject, loadgen: Child): Promise<Identities> {
  const identities = await provision(subject, { users: 2, channels: [[0, 1]] });
  await loadgen.call('connect', {
    url: subject.url,
    identities: identities.users,
    count: 2,
    concurrency: 2,
    reconnect: false,
    timeoutMs: 10_000,
  });
  return identities;
}

/**
 * A subject and a load generator, started side by side: nothing is measured until both are ready, and
 * each takes a second or two to import under tsx, most of a `--quick` run's time. If one fails, the
 * other is left to `stopAll` at the end of the figure.
 */
export function subjectAndLoadgen(
  bench: Bench,
  kind: SubjectKind,
  options?: Parameters<Bench['subject']>[1],
): Promise<[Subject, Child]> {
  return Promise.all([bench.subject(kind, options), bench.loadgen()]);
}

/** Starts the subject and a load generator, runs `fn` with them, and stops both however it ends. */
export async function underLoad<T>(
  bench: Bench,
  kind: SubjectKind,
  options: Parameters<Bench['subject']>[1],
  fn: (subject: Subject, loadgen: Child) => Promise<T>,
): Promise<T> {
  const [subject, loadgen] = await subjectAndLoadgen(bench, kind, options);
  try {
    return await fn(subject, loadgen);
  } finally {
    await loadgen.stop();
    await subject.child.stop();
  }
}

/**
 * Connects every one of `users` to the subject through the load generator (no reconnecting), and
 * throws unless all of them are up: a figure measured on fewer sockets than it says would mislead.
 */
export async function connectAll(
  loadgen: Child,
  subject: Subject,
  users: Identity[],
  timeoutMs: number,
): Promise<void> {
  const count = users.length;
  const connected = await loadgen.call<{ connected: number; firstError?: string }>(
    'connect',
    { url: subject.url, identities: users, count, concurrency: 64, reconnect: false, timeoutMs },
    timeoutMs * 1.5,
  );
  if (connected.connected < count) {
    throw new Error(`only ${connected.connected} of ${count} connected: ${connected.firstError}`);
  }
}

/** A row's note for a subject that could not be measured: the error's first line. */
export function notMeasured(error: unknown): string {
  return `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
}

/** The fields of a row that compares the real server (when it was measured) with the bare relay. */
export function againstRelay(relay: { cpu: CpuShare }, real: { cpu: CpuShare } | null) {
  return {
    baselineName: SUBJECT_NAMES['sio-relay'],
    baselineCpu: relay.cpu,
    ...(real ? { cpu: real.cpu } : {}),
  };
}

/** Runs `fn` and reports the CPU each process used meanwhile, in percent of one core. */
export async function withCpu<T>(
  processes: { server?: Child | undefined; loadgen?: Child | undefined },
  fn: () => Promise<T>,
): Promise<{ result: T; cpu: CpuShare }> {
  const read = (c: Child | undefined) => (c ? c.cpuSeconds() : null);
  const before = { server: read(processes.server), loadgen: read(processes.loadgen), at: performance.now() };
  const result = await fn();
  const wall = (performance.now() - before.at) / 1000;
  const share = (c: Child | undefined, b: number | null) =>
    c && b !== null ? cpuPercent(b, c.cpuSeconds(), wall) : null;
  return {
    result,
    cpu: {
      server: share(processes.server, before.server),
      loadgen: share(processes.loadgen, before.loadgen),
    },
  };
}
