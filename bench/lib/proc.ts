/**
 * Child processes of the benchmark: every server and load generator runs in its own Node process,
 * started through `sh` so its open-file limit can be raised to the hard limit first, and driven
 * over Node's IPC channel with a tiny request/response protocol.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux x86-64 and arm64

export interface Request {
  id: number;
  cmd: string;
  args?: unknown;
}
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
/** Unsolicited messages from a child, e.g. `{event: 'ready', url}`. */
export interface ChildEvent {
  event: string;
  [key: string]: unknown;
}

export interface SpawnOptions {
  /** Extra arguments for node itself, e.g. ['--cpu-prof', '--cpu-prof-dir=...']. */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Child stdout and stderr are appended here (never kept in memory, never through the runner). */
  logFile: string;
}

export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly waiters: { event: string; resolve: (e: ChildEvent) => void }[] = [];
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    private readonly logFile: string,
  ) {
    process.on('message', (message: unknown) => this.onMessage(message as Reply | ChildEvent));
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
    process.once('exit', (code, signal) => {
      const error = new Error(`${name} exited (${code ?? signal}); log: ${logFile}`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  private onMessage(message: Reply | ChildEvent): void {
    if ('event' in message) {
      const index = this.waiters.findIndex((w) => w.event === message.event);
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(message);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.ok) waiting.resolve(message.result);
    else waiting.reject(new Error(`${this.name}: ${message.error}`));
  }

  /** Sends a command and waits for its reply, at most `timeoutMs`. */
  call<T>(cmd: string, args?: unknown, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms; log: ${this.logFile}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.process.send({ id, cmd, args } satisfies Request);
    });
  }

  /** Waits for the child's next `{event}` message, at most `timeoutMs`. */
  waitFor(event: string, timeoutMs = 60_000): Promise<ChildEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name}: no '${event}' within ${timeoutMs} ms; log: ${this.logFile}`)),
        timeoutMs,
      );
      const onExit = () => reject(new Error(`${this.name} exited before '${event}'; log: ${this.logFile}`));
      this.process.once('exit', onExit);
      this.waiters.push({
        event,
        resolve: (e) => {
          clearTimeout(timer);
          this.process.off('exit', onExit);
          resolve(e);
        },
      });
    });
  }

  /** Ends the child: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  rssBytes(): number {
    return rssBytesOf(this.pid);
  }
}

/** Starts `script` (a path relative to the repository root) under node + tsx in its own process. */
export function spawnNode(name: string, script: string, args: string[], options: SpawnOptions): Child {
  const raiseLimit = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';
  // The child writes its output straight into the log file: never through a pipe the runner must
  // drain, or a logger writing synchronously (pino) would wait on the runner.
  const log = openSync(options.logFile, 'a');
  const child = spawn(
    '/bin/sh',
    ['-c', raiseLimit, process.execPath, ...(options.nodeArgs ?? []), '--import', 'tsx', script, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', log, log, 'ipc'],
    },
  );
  closeSync(log);
  return new Child(name, child, options.logFile);
}

/** User + system CPU time of a process so far, in seconds (Linux /proc). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export function rssBytesOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/**
 * The kernel's count of connections dropped because a listen queue was full (TcpExt ListenOverflows,
 * machine-wide): a reconnect storm bigger than the accept backlog shows up here.
 */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[at]?.split(/\s+/) ?? [];
  const values = lines[at + 1]?.split(/\s+/) ?? [];
  const i = names.indexOf('ListenOverflows');
  return i > 0 ? Number(values[i]) : Number.NaN;
}

export const repoRoot = ROOT;
