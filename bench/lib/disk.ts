/**
 * The disk's own floor: a 4 KiB write + `fdatasync` loop on one file, timed one by one. A durable
 * commit (SQLite WAL with synchronous=FULL) costs at least one of these, so each durable figure is read
 * against this number from the same run. Runs in the runner's process, adjacent to the figure, while
 * no subject is measuring (the runner only orchestrates).
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createHistogram, type LatencySummary, recordMs, summarize } from './stats';

const PAGE = Buffer.alloc(4096, 0x5a);

/** `count` rounds of write 4 KiB at the next offset (cycling over 1 MiB) + fdatasync, in `dir`. */
export function measureFdatasync(dir: string, count: number): LatencySummary {
  const file = path.join(dir, `fdatasync-${process.pid}-${Date.now()}.bin`);
  const fd = openSync(file, 'w', 0o600);
  const histogram = createHistogram();
  try {
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      writeSync(fd, PAGE, 0, PAGE.length, (i % 256) * PAGE.length);
      fdatasyncSync(fd);
      recordMs(histogram, performance.now() - start);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return summarize(histogram);
}

/** "2.1× the disk's fdatasync p50 (0.20 ms), 0.22 ms above it": how close a latency is to the floor. */
export function floorNote(value: number | null, floor: number, what: string): string {
  if (value === null) return '';
  const ratio = floor > 0 ? `${(value / floor).toFixed(1)}× ` : '';
  const above = value - floor;
  return `${ratio}the disk's fdatasync ${what} (${floor.toFixed(2)} ms), ${above >= 0 ? `${above.toFixed(2)} ms above` : `${(-above).toFixed(2)} ms below`} it`;
}
