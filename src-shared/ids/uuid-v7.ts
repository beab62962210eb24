/**
 * Time-ordered ids (RFC 9562 UUID version 7): the server's message ids and the app's clientMessageIds.
 * A random (v4) id puts each new row on a random page of every index keyed by it; an id that grows
 * with time appends to the index's last page instead (outbox8, BENCHMARKS.md: an ack's store write
 * 1.80 → 0.76 WAL frames with the server's ids; outbox9: a send's commit splits a page less often with
 * the app's). The id says when it was made to the millisecond, which the message's `createdAt` says too.
 *
 * Layout: 48 bits of Unix milliseconds, the version (7), 12 bits of counter (RFC 9562 §6.2 method 1:
 * ids made in one millisecond keep their order), the variant, 62 random bits. A clock that steps back
 * keeps the last millisecond, so ids never go backwards from one generator.
 *
 * Plain ECMAScript (this folder gets neither DOM nor Node): each process passes its own source of
 * random bytes (node's `randomFillSync`).
 */

const POOL_BYTES = 8 * 256;
const COUNTER_MAX = 0xfff;

/** Each byte's two hex digits, made once: `toString(16).padStart` per byte was most of an id's cost. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** `value`'s low `bytes` bytes as hex, most significant first. */
const hex = (value: number, bytes: number): string => {
  let out = '';
  for (let shift = (bytes - 1) * 8; shift >= 0; shift -= 8) out += HEX[(value / 2 ** shift) & 0xff];
  return out;
};

/** A generator of UUIDv7 strings; `fill` writes random bytes over the whole array it is given. */
export function uuidV7Generator(fill: (bytes: Uint8Array) => unknown): (now?: number) => string {
  // Eight random bytes an id, from a pool refilled 256 ids at a time (one getrandom call, not one an id).
  const pool = new Uint8Array(POOL_BYTES);
  let poolAt = POOL_BYTES;
  let lastMs = 0;
  let counter = 0;
  const randomAt = (): number => {
    if (poolAt === POOL_BYTES) {
      fill(pool);
      poolAt = 0;
    }
    poolAt += 8;
    return poolAt - 8;
  };
  return (now = Date.now()) => {
    if (now > lastMs) {
      lastMs = now;
      // A random start in the lower half leaves room to count without running over at once.
      const at = randomAt();
      counter = (((pool[at] as number) << 8) | (pool[at + 1] as number)) & 0x7ff;
    } else if (counter < COUNTER_MAX) {
      counter++;
    } else {
      // 4,096 ids in one millisecond: borrow the next millisecond rather than lose the order.
      lastMs++;
      counter = 0;
    }
    const at = randomAt();
    const high = Math.floor(lastMs / 0x10000);
    const low = lastMs % 0x10000;
    const variant = 0x8000 | ((((pool[at] as number) << 8) | (pool[at + 1] as number)) & 0x3fff);
    let tail = '';
    for (let i = at + 2; i < at + 8; i++) tail += HEX[pool[i] as number];
    return `${hex(high, 4)}-${hex(low, 2)}-${hex(0x7000 | counter, 2)}-${hex(variant, 2)}-${tail}`;
  };
}
