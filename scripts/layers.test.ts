/**
 * The layers are enforced by the tools, not by a README sentence:
 * - `npm run lint` (biome.json's noRestrictedImports, per folder) fails on an import across a layer;
 * - `npm run typecheck` (tsc -b over tsconfig.json's references) checks every source file in exactly one
 *   layer project, so a file in a new folder cannot slip past the checks unnoticed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIOME = join(ROOT, 'node_modules/.bin/biome');

/** [file, import, forbidden?]: each becomes a probe file `import { x } from '<import>'`. */
const PROBES: [string, string, boolean][] = [
  ['src-main/core/a.ts', 'electron', true],
  ['src-main/store/b.ts', 'electron', true],
  ['src-main/bridge/c.ts', '../../src-server/app', true],
  ['src-renderer/app/d.ts', 'node:fs', true],
  ['src-renderer/app/e.ts', '../../src-main/core/api', true],
  ['src-renderer/app/f.ts', '../../src-preload/index', true],
  ['src-shared/bridge/g.ts', '../../src-renderer/bridge/connect', true],
  ['src-new-layer/h.ts', 'electron', true],
  ['src-main/electron/i.ts', 'electron', false],
  ['src-preload/j.ts', 'electron', false],
  ['src-main/core/k.ts', 'node:fs', false],
  ['src-renderer/app/l.ts', '../../src-shared/bridge', false],
  ['src-main/core/m.test.ts', '../../src-server/testing', false],
  ['bench/n.ts', '../src-server/app', false],
];

describe('npm run lint: imports across layers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-layers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on each forbidden import, and only on those', () => {
    copyFileSync(join(ROOT, 'biome.json'), join(dir, 'biome.json'));
    for (const [file, from] of PROBES) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), `import { x } from '${from}';\n\nexport const y = x;\n`);
    }
    // The same command as `npm run lint`, on a tree holding only the probes, under the project's config.
    const run = spawnSync(BIOME, ['check', '--max-diagnostics=100', '.'], { cwd: dir, encoding: 'utf8' });
    const output = run.stdout + run.stderr;
    const flagged = new Set(
      [...output.matchAll(/^(\S+):\d+:\d+ lint\/style\/noRestrictedImports/gm)].map((m) => m[1]),
    );
    expect(run.status).not.toBe(0);
    expect([...flagged].sort()).toEqual(
      PROBES.filter(([, , forbidden]) => forbidden)
        .map(([file]) => file)
        .sort(),
    );
  });
});

describe('npm run typecheck: every source file in exactly one layer', () => {
  it('holds each tracked .ts/.tsx file in one project of tsconfig.json', () => {
    const projectsOf = new Map<string, string[]>();
    const solution = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config as {
      references: { path: string }[];
    };
    for (const reference of solution.references) {
      let path = resolve(ROOT, reference.path);
      if (!path.endsWith('.json')) path = join(path, 'tsconfig.json');
      const parsed = ts.getParsedCommandLineOfConfigFile(
        path,
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
          },
        },
      );
      for (const file of parsed!.fileNames) {
        const name = relative(ROOT, file);
        projectsOf.set(name, [...(projectsOf.get(name) ?? []), relative(ROOT, path)]);
      }
    }
    const tracked = execFileSync('git', ['ls-files', '*.ts', '*.tsx'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((name) => name !== '' && !name.endsWith('.d.ts'));
    const outside = tracked.filter((name) => !projectsOf.has(name));
    const twice = [...projectsOf].filter(([, projects]) => projects.length > 1);
    expect(tracked.length).toBeGreaterThan(100);
    expect(outside).toEqual([]);
    expect(twice).toEqual([]);
  });
});
