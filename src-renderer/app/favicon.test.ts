// @vitest-environment happy-dom
/**
 * The favicon is not part of the first load (favicon.ts says why): index.html names none, and
 * addFavicon puts the one link in once.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL as NodeURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addFavicon, FAVICON } from './favicon';

const html = readFileSync(fileURLToPath(new NodeURL('../index.html', import.meta.url)), 'utf8');
const main = readFileSync(fileURLToPath(new NodeURL('../main.tsx', import.meta.url)), 'utf8');

describe('favicon', () => {
  it('is not asked for by index.html, but after the first frame by main.tsx', () => {
    expect(html).not.toMatch(/rel="icon"/);
    expect(main).toContain('afterNextPaint(() => addFavicon())');
  });

  it('adds one icon link, our own SVG, however often it is called', () => {
    addFavicon(document);
    addFavicon(document);
    const links = document.head.querySelectorAll('link[rel="icon"]');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe(FAVICON.href);
    expect(links[0]!.getAttribute('type')).toBe('image/svg+xml');
  });
});
