/**
 * public/warm-intl.js sets ICU up while the bundle loads (BENCHMARKS.md, branch paint8): it only helps
 * if the page asks for it before its module script, `async` (run as soon as it is fetched, not after
 * parsing), and as a classic script that stands alone (no imports; the CSP allows only 'self').
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const html = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
const warm = readFileSync(new URL('./public/warm-intl.js', import.meta.url), 'utf8');

describe('warm-intl.js', () => {
  it('is asked for async, before the module script, from our own origin', () => {
    const tag = html.indexOf('<script src="./warm-intl.js" async></script>');
    expect(tag).toBeGreaterThan(-1);
    expect(tag).toBeLessThan(html.indexOf('<script type="module"'));
    expect(html).toContain("script-src 'self'");
  });

  it('stands alone and builds the formats the message list uses', () => {
    expect(warm).not.toMatch(/\bimport\b|\bexport\b|\brequire\(/);
    const built: unknown[] = [];
    class DateTimeFormat {
      constructor(_locale: unknown, options: unknown) {
        built.push(options);
      }
      format() {
        return '';
      }
    }
    runInNewContext(warm, { Intl: { DateTimeFormat } });
    expect(built).toContainEqual({ timeStyle: 'short' });
    expect(built).toContainEqual({ weekday: 'long', month: 'long', day: 'numeric' });
  });
});
