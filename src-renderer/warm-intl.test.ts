/**
 * public/warm-intl.js sets ICU up while the bundle loads (BENCHMARKS.md, branches paint8 and paint12): it
 * only helps if the page asks for it before its module script, `async` (run as soon as it is fetched,
 * not after parsing), and as a classic script that stands alone (no imports; the CSP allows only
 * 'self'). It hands the work to a worker (public/warm-intl-worker.js): ICU's caches are the process's,
 * so the main thread's first format is then cheap, and the main thread is free while the CSS and the
 * bundle arrive. Where no worker can be made, it pays the set-up itself, as before.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const html = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
const warm = readFileSync(new URL('./public/warm-intl.js', import.meta.url), 'utf8');
const worker = readFileSync(new URL('./public/warm-intl-worker.js', import.meta.url), 'utf8');

const MESSAGE_LIST_FORMATS = [{ timeStyle: 'short' }, { weekday: 'long', month: 'long', day: 'numeric' }];

/** A stand-in for Intl that records the options of every DateTimeFormat built. */
function recordingIntl() {
  const built: unknown[] = [];
  class DateTimeFormat {
    constructor(_locale: unknown, options: unknown) {
      built.push(options);
    }
    format() {
      return '';
    }
  }
  return { built, Intl: { DateTimeFormat } };
}

/** A stand-in for Worker: records what was started and lets the test answer for it. */
function fakeWorker(behaviour: 'works' | 'throws') {
  const started: string[] = [];
  const made: FakeWorker[] = [];
  class FakeWorker {
    onmessage: (() => void) | null = null;
    onerror: (() => void) | null = null;
    terminated = false;
    constructor(url: string) {
      if (behaviour === 'throws') throw new Error('refused by the policy');
      started.push(url);
      made.push(this);
    }
    terminate() {
      this.terminated = true;
    }
  }
  return { started, made, Worker: FakeWorker };
}

describe('warm-intl.js', () => {
  it('is asked for async, before the module script, from our own origin', () => {
    const tag = html.indexOf('<script src="./warm-intl.js" async></script>');
    expect(tag).toBeGreaterThan(-1);
    expect(tag).toBeLessThan(html.indexOf('<script type="module"'));
    expect(html).toContain("script-src 'self'");
    // The meta policy names no worker-src, so workers fall back to script-src 'self'.
    expect(html).not.toContain('worker-src');
  });

  it('stands alone, and so does its worker', () => {
    for (const source of [warm, worker]) expect(source).not.toMatch(/\bimport\b|\bexport\b|\brequire\(/);
  });

  it('hands the set-up to its worker and builds nothing on the main thread', () => {
    const intl = recordingIntl();
    const workers = fakeWorker('works');
    runInNewContext(warm, { Intl: intl.Intl, Worker: workers.Worker });
    expect(workers.started).toEqual(['./warm-intl-worker.js']);
    expect(intl.built).toEqual([]);
    // Once the worker says it is done, it is ended.
    workers.made[0]!.onmessage!();
    expect(workers.made[0]!.terminated).toBe(true);
    expect(intl.built).toEqual([]);
  });

  it('the worker builds the formats the message list uses, then says so', () => {
    const intl = recordingIntl();
    const posted: unknown[] = [];
    runInNewContext(worker, { Intl: intl.Intl, postMessage: (m: unknown) => posted.push(m) });
    for (const options of MESSAGE_LIST_FORMATS) expect(intl.built).toContainEqual(options);
    expect(posted).toHaveLength(1);
  });

  it('builds the formats on the main thread where no worker can be made', () => {
    for (const context of [
      {}, // no Worker at all
      { Worker: fakeWorker('throws').Worker },
    ]) {
      const intl = recordingIntl();
      runInNewContext(warm, { Intl: intl.Intl, ...context });
      for (const options of MESSAGE_LIST_FORMATS) expect(intl.built).toContainEqual(options);
    }
  });

  it('builds them on the main thread when the worker fails to load', () => {
    const intl = recordingIntl();
    const workers = fakeWorker('works');
    runInNewContext(warm, { Intl: intl.Intl, Worker: workers.Worker });
    workers.made[0]!.onerror!();
    expect(workers.made[0]!.terminated).toBe(true);
    for (const options of MESSAGE_LIST_FORMATS) expect(intl.built).toContainEqual(options);
  });
});
