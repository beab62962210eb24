// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { applyTheme } from './theme';

/** The attribute writes `run` makes on <html> (MutationObserver sees a write of the same value too). */
async function writesDuring(run: () => void): Promise<number> {
  const seen: MutationRecord[] = [];
  const observer = new MutationObserver((records) => seen.push(...records));
  observer.observe(document.documentElement, { attributes: true });
  run();
  await new Promise((resolve) => setTimeout(resolve, 0));
  seen.push(...observer.takeRecords());
  observer.disconnect();
  return seen.length;
}

describe('applyTheme', () => {
  afterEach(() => applyTheme('system'));

  it('puts a chosen theme on <html> and takes it off for the system one', () => {
    applyTheme('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    applyTheme('light');
    expect(document.documentElement.dataset.theme).toBe('light');
    applyTheme('system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('writes nothing when the page has that theme already', async () => {
    // Every write to <html>'s data-theme restyles the whole page (color-scheme: the light-dark()
    // colours), even with the same value: the first commit must not repeat main.tsx's write.
    expect(await writesDuring(() => applyTheme('dark'))).toBe(1);
    expect(await writesDuring(() => applyTheme('dark'))).toBe(0);
    expect(await writesDuring(() => applyTheme('system'))).toBe(1);
    expect(await writesDuring(() => applyTheme('system'))).toBe(0);
  });
});
