/**
 * Time-ordered ids (RFC 9562 UUID version 7) for the messages the server stores. A random (v4) id puts
 * each new message on a random page of every index keyed by it, here and in every client's store; an
 * id that grows with time appends to the index's last page instead (outbox8, BENCHMARKS.md: an ack's
 * store write 1.80 → 0.76 WAL frames, its CPU 38 → 25 µs). The id says when it was made to the
 * millisecond, which the message's `createdAt` already says.
 *
 * Layout: 48 bits of Unix milliseconds, the version (7), 12 bits of counter (RFC 9562 §6.2 method 1:
 * ids made in one millisecond keep their order), the variant, 62 random bits. A clock that steps back
 * keeps the last millisecond, so ids never go backwards within a process.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8 * 256;
const pool = Buffer.alloc(POOL_BYTES);
let poolAt = POOL_BYTES;
let lastMs = 0;
let counter = 0;
const COUNTER_MAX = 0xfff;

/** Eight random bytes a time, from a pool refilled 256 ids at a time (one getrandom call, not one an id). */
function randomBytes8(): Buffer {
  if (poolAt === POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, poolAt + 8);
  poolAt += 8;
  return bytes;
}

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

export function uuidV7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    // A random start in the lower half leaves room to count without running over at once.
    counter = randomBytes8().readUInt16BE(0) & 0x7ff;
  } else if (counter < COUNTER_MAX) {
    counter++;
  } else {
    // 4,096 ids in one millisecond: borrow the next millisecond rather than lose the order.
    lastMs++;
    counter = 0;
  }
  const random = randomBytes8();
  const high = Math.floor(lastMs / 0x10000);
  const low = lastMs % 0x10000;
  const variant = 0x8000 | (random.readUInt16BE(0) & 0x3fff);
  return `${hex(high, 8)}-${hex(low, 4)}-${hex(0x7000 | counter, 4)}-${hex(variant, 4)}-${random.toString('hex', 2, 8)}`;
}
