/**
 * Where the Electron executable is, decided the way the `electron` package decides it, but without
 * its side effect: `require('electron')` downloads the binary when it is missing. Finding never
 * downloads (the e2e runner only looks); `npm start` asks the package's installer itself when the
 * binary is missing. `ELECTRON_OVERRIDE_DIST_PATH` (the package's own variable) wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The one line `npm start` prints when it cannot launch the desktop app, before it runs the browser host. */
export function noElectronLine(reason) {
  return `Relay: no desktop app here (${reason}); running the same app in your browser instead (the \`npm run web\` host).`;
}

const EXECUTABLE = {
  linux: 'electron',
  win32: 'electron.exe',
  darwin: 'Electron.app/Contents/MacOS/Electron',
};

/**
 * @param {{ env?: NodeJS.ProcessEnv, electronDir?: string, platform?: NodeJS.Platform }} [options]
 * @returns {{ path: string, distDir: string } | { path: null, reason: string }}
 */
export function findElectronBinary(options = {}) {
  const env = options.env ?? process.env;
  const electronDir = options.electronDir ?? join(ROOT, 'node_modules', 'electron');
  const platform = options.platform ?? process.platform;
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile)
    ? readFileSync(pathFile, 'utf8').trim()
    : (EXECUTABLE[platform] ?? 'electron');

  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, relative);
    return existsSync(path)
      ? { path, distDir: override }
      : { path: null, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${relative}` };
  }
  if (!existsSync(pathFile)) {
    return {
      path: null,
      reason: 'the electron package has not downloaded it and ELECTRON_OVERRIDE_DIST_PATH is not set',
    };
  }
  const distDir = join(electronDir, 'dist');
  const path = join(distDir, relative);
  return existsSync(path) ? { path, distDir } : { path: null, reason: `${path} is missing` };
}

/** The Electron version of a dist folder (its `version` file), else the npm package's. */
export function electronVersion(distDir, electronDir = join(ROOT, 'node_modules', 'electron')) {
  const versionFile = distDir ? join(distDir, 'version') : null;
  if (versionFile && existsSync(versionFile))
    return readFileSync(versionFile, 'utf8').trim().replace(/^v/, '');
  return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
}
