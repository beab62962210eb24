import { describe, expect, it } from 'vitest';
import electronConfig from '../electron.vite.config';
import rendererConfig from '../vite.renderer.config';

type Output = { codeSplitting?: { groups?: { name: unknown; tags?: string[] }[] } };

function startGroup(output: unknown) {
  const groups = (output as Output | undefined)?.codeSplitting?.groups ?? [];
  return groups.find((g) => g.tags?.includes('$initial'));
}

// Figure 7 (BENCHMARKS.md, paint22): what the first screen imports comes as one script, not the entry
// and four small shared chunks. Chromium opens at most six connections to an HTTP/1.1 host (the
// browser host, the bench), so the 7th file of a cold start waited for another's response.
describe('the renderer build', () => {
  it('puts every module the entry imports statically into one chunk', () => {
    expect(startGroup(rendererConfig.build?.rolldownOptions?.output)).toBeDefined();
  });

  it('keeps that for the desktop app too (electron-vite adds its input, not its own output)', () => {
    const renderer = (electronConfig as { renderer?: typeof rendererConfig }).renderer;
    expect(renderer?.build?.rolldownOptions?.input).toMatch(/src-renderer[\\/]index\.html$/);
    expect(startGroup(renderer?.build?.rolldownOptions?.output)).toBeDefined();
  });
});
