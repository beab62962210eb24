/**
 * The main thread's schedstat at each firing of a 1 ms timer (Linux; figure 13's split of the loop's
 * gaps, bench/app/loop-split.ts). The file is opened once and re-read with pread at offset 0: ~4 µs a
 * read on this box, against ~33 µs for a readFileSync of it (open, read, close). The readings go into
 * a typed array, so a firing allocates nothing; what the sampler costs the thread is measured as it
 * runs (`cost`) and said beside the rows.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { median } from '../lib/stats';
import { type Gap, gapBetween, type Reading } from './loop-split';

const FIELDS = 4;

export interface LoopSampler {
  stop(): void;
  /** The gaps between successive firings so far. */
  gaps(): Gap[];
  firings(): number;
  /**
   * The thread's wall time inside the timer's callback (the read and the store), ms: summed, and a
   * firing's median (a callback preempted between its two clock readings counts the wait: the sum is an
   * upper bound, the median what a firing costs).
   */
  cost(): { totalMs: number; medianUs: number };
}

/** Null where the thread's schedstat cannot be read (not Linux). */
export function startLoopSampler(): LoopSampler | null {
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return null;
  }
  const text = Buffer.alloc(96);
  let data = new Float64Array(FIELDS * 16_384);
  let n = 0;
  const now = () => Number(process.hrtime.bigint());
  const sample = () => {
    const at = now();
    const len = readSync(fd, text, 0, text.length, 0);
    // "ran waited timeslices\n": two numbers, parsed without a string split.
    let i = 0;
    let ran = 0;
    let waited = 0;
    for (; i < len && text[i] !== 32; i++) ran = ran * 10 + (text[i]! - 48);
    for (i++; i < len && text[i] !== 32; i++) waited = waited * 10 + (text[i]! - 48);
    if (n * FIELDS === data.length) {
      const bigger = new Float64Array(data.length * 2);
      bigger.set(data);
      data = bigger;
    }
    data[n * FIELDS] = at;
    data[n * FIELDS + 1] = ran;
    data[n * FIELDS + 2] = waited;
    data[n * FIELDS + 3] = now() - at;
    n++;
  };
  sample();
  const timer = setInterval(sample, 1);
  let stopped = false;
  const reading = (j: number): Reading => ({
    atNs: data[j * FIELDS]!,
    ranNs: data[j * FIELDS + 1]!,
    waitedNs: data[j * FIELDS + 2]!,
  });
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      sample();
      closeSync(fd);
    },
    gaps() {
      const out: Gap[] = [];
      for (let j = 1; j < n; j++) out.push(gapBetween(reading(j - 1), reading(j)));
      return out;
    },
    firings: () => n,
    cost() {
      const each = Array.from({ length: n }, (_, j) => data[j * FIELDS + 3]!);
      return { totalMs: each.reduce((a, b) => a + b, 0) / 1e6, medianUs: median(each) / 1e3 };
    },
  };
}
