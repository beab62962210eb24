import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { noisePng } from './fig16-thumbnail';

const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

it('makes distinct noise PNGs of about the size asked (the server caches thumbnails per sha256)', async () => {
  const [a, b] = [await noisePng(0.2), await noisePng(0.2)];
  expect(digest(a)).not.toBe(digest(b));
  expect((await sharp(a).metadata()).format).toBe('png');
  expect(a.length).toBeGreaterThan(0.15e6);
  expect(a.length).toBeLessThan(0.4e6);
});
