#!/usr/bin/env node
/**
 * `npm run dist [-- --linux|--win|--mac] [--test-build]`: packages the app with electron-builder
 * (electron-builder.yml). Steps: find an Electron dist without downloading one, build, build
 * better-sqlite3 for that Electron (scripts/native-electron.mjs), package.
 *
 * `--test-build` keeps the NodeCliInspectArguments fuse on (Playwright attaches through it) and writes
 * to release/<version>-test, so a test package can never be mistaken for a release.
 *
 * electron-builder fetches its platform tools (appimagetool, fpm, NSIS) on first use, so packaging
 * also needs the network once; on an offline machine this script stops at the first missing piece and
 * says which.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { electronVersion, findElectronBinary, ROOT } from './electron-binary.mjs';
import { buildNative } from './native-electron.mjs';

const requireFromBuilder = createRequire(join(ROOT, 'node_modules', 'electron-builder', 'package.json'));

/** electron-builder.yml, with the overrides of this run. */
export function distConfig({ testBuild = false, electronDist } = {}) {
  const yaml = requireFromBuilder('js-yaml');
  const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));
  if (electronDist) config.electronDist = electronDist;
  if (testBuild) {
    config.electronFuses = { ...config.electronFuses, enableNodeCliInspectArguments: true };
    // electron-builder expands the macro itself.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an electron-builder ${version} macro, not a JS template
    config.directories = { ...config.directories, output: 'release/${version}-test' };
  }
  return config;
}

function fail(reason) {
  console.error(`Relay dist: ${reason}.`);
  process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      'test-build': { type: 'boolean', default: false },
      linux: { type: 'boolean' },
      win: { type: 'boolean' },
      mac: { type: 'boolean' },
    },
  });
  const electron = findElectronBinary();
  if (!electron.path) {
    fail(
      `no Electron dist to package (${electron.reason}); electron-builder would download one, and its packaging tools, which needs the network. Set ELECTRON_OVERRIDE_DIST_PATH or run it on a connected machine`,
    );
  }
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) fail('the build failed (see above)');
  const native = buildNative({ version: electronVersion(electron.distDir) });
  if (!native.ok) fail(native.reason);

  const { build: builder } = requireFromBuilder('electron-builder');
  const platforms = Object.fromEntries(['linux', 'win', 'mac'].filter((p) => values[p]).map((p) => [p, []]));
  try {
    const artifacts = await builder({
      projectDir: ROOT,
      publish: 'never',
      config: distConfig({ testBuild: values['test-build'], electronDist: electron.distDir }),
      ...platforms,
    });
    console.log(`Relay dist: ${artifacts.join(', ')}`);
  } catch (error) {
    fail(`electron-builder failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
