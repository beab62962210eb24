#!/usr/bin/env node
/**
 * Draws the app icon and writes every size the platforms need into resources/ (committed; rerun after
 * changing the drawing): Linux icons/NxN.png, Windows icon.ico, macOS icon.icns, and the runtime
 * images (window/notification icon, tray icons with and without the unread dot).
 * No image library: the shapes are signed-distance functions, supersampled, encoded with zlib.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { ROOT } from './electron-binary.mjs';

const OUT = join(ROOT, 'resources');

// --- drawing (coordinates in 0..1) ------------------------------------------------------------
const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const triangleTail = (x, y) => {
  // The speech bubble's tail: a small triangle under its lower left.
  const inside = y > 0.62 && y < 0.8 && x > 0.3 && x < 0.46 && x - 0.3 < (0.8 - y) * 0.9;
  return inside ? -1 : 1;
};

const BRAND_TOP = [79, 70, 229]; // indigo
const BRAND_BOTTOM = [124, 58, 237]; // violet
const UNREAD = [239, 68, 68];

/** One sample: [r, g, b, a] of the app icon at (x, y). */
function appIconSample(x, y) {
  if (roundedBox(x, y, 0.5, 0.5, 0.44, 0.44, 0.2) > 0) return [0, 0, 0, 0];
  const bubble = Math.min(roundedBox(x, y, 0.5, 0.46, 0.27, 0.19, 0.1), triangleTail(x, y));
  if (bubble <= 0) {
    const dot = Math.min(
      circle(x, y, 0.39, 0.46, 0.04),
      circle(x, y, 0.5, 0.46, 0.04),
      circle(x, y, 0.61, 0.46, 0.04),
    );
    return dot <= 0 ? [...BRAND_TOP, 255] : [255, 255, 255, 255];
  }
  const t = y;
  return [...BRAND_TOP.map((c, i) => Math.round(c + (BRAND_BOTTOM[i] - c) * t)), 255];
}

/** The tray glyph: the bubble alone (monochrome-friendly), optionally with a red unread dot. */
function traySample(unread) {
  return (x, y) => {
    if (unread && circle(x, y, 0.8, 0.2, 0.2) <= 0) return [...UNREAD, 255];
    const bubble = Math.min(
      roundedBox(x, y, 0.5, 0.45, 0.42, 0.3, 0.14),
      y > 0.7 && y < 0.95 && x > 0.2 && x < 0.45 && x - 0.2 < 0.95 - y ? -1 : 1,
    );
    return bubble <= 0 ? [...BRAND_TOP, 255] : [0, 0, 0, 0];
  };
}

function render(size, sample, supersample = 4) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < supersample; sy++) {
        for (let sx = 0; sx < supersample; sx++) {
          const [sr, sg, sb, sa] = sample(
            (px + (sx + 0.5) / supersample) / size,
            (py + (sy + 0.5) / supersample) / size,
          );
          r += sr * sa;
          g += sg * sa;
          b += sb * sa;
          a += sa;
        }
      }
      const o = (py * size + px) * 4;
      const n = supersample * supersample;
      pixels[o] = a ? Math.round(r / a) : 0;
      pixels[o + 1] = a ? Math.round(g / a) : 0;
      pixels[o + 2] = a ? Math.round(b / a) : 0;
      pixels[o + 3] = Math.round(a / n);
    }
  }
  return pixels;
}

// --- encoding ---------------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** ICO with PNG entries (Windows Vista and later). */
export function encodeIco(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.png)]);
}

/** ICNS with PNG entries, by OSType. */
export function encodeIcns(entries) {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

// --- output -----------------------------------------------------------------------------------
const pngCache = new Map();
const appPng = (size) => {
  if (!pngCache.has(size)) pngCache.set(size, encodePng(size, render(size, appIconSample)));
  return pngCache.get(size);
};

function main() {
  mkdirSync(join(OUT, 'icons'), { recursive: true });
  mkdirSync(join(OUT, 'runtime'), { recursive: true });
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024])
    writeFileSync(join(OUT, 'icons', `${size}x${size}.png`), appPng(size));
  writeFileSync(join(OUT, 'icon.png'), appPng(1024));
  writeFileSync(
    join(OUT, 'icon.ico'),
    encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: appPng(size) }))),
  );
  writeFileSync(
    join(OUT, 'icon.icns'),
    encodeIcns([
      { type: 'icp4', png: appPng(16) },
      { type: 'icp5', png: appPng(32) },
      { type: 'icp6', png: appPng(64) },
      { type: 'ic07', png: appPng(128) },
      { type: 'ic08', png: appPng(256) },
      { type: 'ic09', png: appPng(512) },
      { type: 'ic10', png: appPng(1024) },
      { type: 'ic11', png: appPng(32) },
      { type: 'ic12', png: appPng(64) },
      { type: 'ic13', png: appPng(256) },
      { type: 'ic14', png: appPng(512) },
    ]),
  );
  writeFileSync(join(OUT, 'runtime', 'icon.png'), appPng(256));
  for (const [name, unread] of [
    ['tray', false],
    ['tray-unread', true],
  ]) {
    writeFileSync(join(OUT, 'runtime', `${name}.png`), encodePng(16, render(16, traySample(unread), 8)));
    writeFileSync(join(OUT, 'runtime', `${name}@2x.png`), encodePng(32, render(32, traySample(unread), 8)));
  }
  console.log(`icons written to ${OUT}`);
}

main();
