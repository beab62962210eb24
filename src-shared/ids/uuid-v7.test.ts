import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidV7Generator } from './uuid-v7';

const uuidV7 = uuidV7Generator(randomFillSync);

describe('uuidV7', () => {
  it('is a UUID of version 7 and the RFC variant, which the protocol schema accepts', () => {
    const id = uuidV7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it('carries its millisecond in the first 48 bits', () => {
    const ms = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
    const id = uuidV7(ms);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sorts in the order made, within one millisecond, across them, and when the clock steps back', () => {
    const base = Date.UTC(2031, 5, 6);
    const stamps = [
      ...Array.from({ length: 5_000 }, () => base),
      base + 1,
      base - 50,
      ...Array.from({ length: 100 }, (_, i) => base + 2 + i),
    ];
    const ids = stamps.map((ms) => uuidV7(ms));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('uuidV7Generator', () => {
  it('takes its random bits from the source it is given, eight bytes an id', () => {
    let calls = 0;
    const zeros = uuidV7Generator((bytes) => {
      calls++;
      bytes.fill(0);
    });
    const ms = Date.UTC(2032, 0, 1);
    expect(zeros(ms)).toBe(
      `${ms
        .toString(16)
        .padStart(12, '0')
        .replace(/^(.{8})/, '$1-')}-7000-8000-000000000000`,
    );
    for (let i = 0; i < 300; i++) zeros(ms + 1 + i);
    // 301 ids, each in a new millisecond: 8 bytes for its counter's start, 8 for its tail; 2,048 a fill.
    expect(calls).toBe(Math.ceil((301 * 16) / 2048));
  });
});
