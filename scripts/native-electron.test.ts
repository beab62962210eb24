import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs script, no type declarations
import { checkElectronAbi } from './native-electron.mjs';

describe('better-sqlite3 for Electron', () => {
  it("rejects a build compiled against Node's headers (the silent trap of npm's nodedir)", () => {
    const require = createRequire(import.meta.url);
    const nodeBuild = join(
      dirname(require.resolve('better-sqlite3/package.json')),
      'build',
      'Release',
      'better_sqlite3.node',
    );
    expect(checkElectronAbi(nodeBuild, '150')).toEqual({
      ok: false,
      reason: "the build loads in Node: it was compiled against Node's headers, not Electron's",
    });
  });

  it('rejects a file that is no native module at all', () => {
    const result = checkElectronAbi(join(import.meta.dirname, 'native-electron.mjs'), '150');
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/does not load as Electron ABI 150/);
  });
});
