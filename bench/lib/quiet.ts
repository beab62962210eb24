/**
 * Each figure starts on a quiet machine: the runner waits until the previous figure's work is gone
 * (figure 5's 19,000 sockets closing, a server's last GC, Chromium's exit) before the next one starts.
 * The 1-minute load average cannot say this (it decays over minutes after any busy figure), so the
 * CPU's own counters in /proc/stat are read over short windows. Nothing of a figure is changed: only
 * when it starts. What was waited for is printed beside the figure's load.
 */
import { readFileSync } from 'node:fs';

/** Jiffies of all CPUs from /proc/stat's first line: busy (not idle, not iowait) and total. */
export interface CpuTicks {
  busy: number;
  total: number;
}

/** Parses the aggregate `cpu` line of /proc/stat (user nice system idle iowait irq softirq steal …). */
export function parseProcStat(text: string): CpuTicks {
  const line = text.split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 5) throw new Error(`not a /proc/stat cpu line: ${line}`);
  // guest and guest_nice (fields 9, 10) are already counted in user and nice.
  const ticks = fields.slice(1, 9).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of the machine's CPU (0–1, all cores) busy between two readings. */
export function busyShare(before: CpuTicks, after: CpuTicks): number {
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : 0;
}

export interface QuietOptions {
  /** A window is quiet under this share of all cores busy. */
  threshold: number;
  /** Length of one window, ms. */
  windowMs: number;
  /** Quiet windows in a row that count as settled. */
  windows: number;
  /** Gives up (and says so) after this long. */
  maxMs: number;
}

export const QUIET: QuietOptions = { threshold: 0.1, windowMs: 500, windows: 2, maxMs: 30_000 };

export interface Settled {
  waitedMs: number;
  /** The last window's busy share. */
  busy: number;
  quiet: boolean;
}

const readTicks = () => parseProcStat(readFileSync('/proc/stat', 'utf8'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `windows` quiet windows in a row, or `maxMs`. `read` is /proc/stat unless given. */
export async function waitForQuiet(
  options: QuietOptions = QUIET,
  read: () => CpuTicks = readTicks,
): Promise<Settled> {
  const started = performance.now();
  let inRow = 0;
  let busy = 0;
  let before = read();
  while (performance.now() - started < options.maxMs) {
    await sleep(options.windowMs);
    const after = read();
    busy = busyShare(before, after);
    before = after;
    inRow = busy < options.threshold ? inRow + 1 : 0;
    if (inRow >= options.windows) return { waitedMs: performance.now() - started, busy, quiet: true };
  }
  return { waitedMs: performance.now() - started, busy, quiet: false };
}
