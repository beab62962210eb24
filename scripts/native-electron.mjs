#!/usr/bin/env node
/**
 * Builds better-sqlite3 for Electron's ABI into build/native/electron/better_sqlite3.node, apart from
 * node_modules (whose build stays Node's, for vitest, the server and `npm run web`). The desktop app
 * passes this file to better-sqlite3 as `nativeBinding`; electron-builder unpacks it from the asar.
 *
 *   node scripts/native-electron.mjs [--electron-version 45.5.0] [--arch x64] [--force]
 *
 * Works on a copy of the package in a temp folder: first a prebuilt binary for Electron
 * (prebuild-install), else a compile against Electron's headers (node-gyp). Both need the network.
 * npm's `nodedir` (set to /usr on some machines) is removed from the environment: with it node-gyp
 * silently compiles against Node's headers. The result is then checked: Node itself must refuse to
 * load it with Electron's NODE_MODULE_VERSION, or it is not an Electron build.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { electronVersion, findElectronBinary, ROOT } from './electron-binary.mjs';

const OUT_DIR = join(ROOT, 'build', 'native', 'electron');
const OUT_FILE = join(OUT_DIR, 'better_sqlite3.node');
const STAMP = join(OUT_DIR, 'stamp.json');

export function nativeStamp(version, arch = process.arch, platform = process.platform) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'));
  return { electron: version, arch, platform, betterSqlite3: pkg.version };
}

/** True when build/native/electron holds a build for exactly this Electron, arch and better-sqlite3. */
export function nativeIsCurrent(stamp) {
  if (!existsSync(OUT_FILE) || !existsSync(STAMP)) return false;
  return JSON.stringify(JSON.parse(readFileSync(STAMP, 'utf8'))) === JSON.stringify(stamp);
}

/** @returns {{ ok: true } | { ok: false, reason: string }} */
export function buildNative({ version, arch = process.arch, force = false, log = console.log }) {
  const stamp = nativeStamp(version, arch);
  if (!force && nativeIsCurrent(stamp)) return { ok: true };
  const abi = readFileSync(join(ROOT, 'node_modules', 'electron', 'abi_version'), 'utf8').trim();
  const work = mkdtempSync(join(tmpdir(), 'relay-native-'));
  try {
    const pkg = join(work, 'better-sqlite3');
    cpSync(join(ROOT, 'node_modules', 'better-sqlite3'), pkg, {
      recursive: true,
      filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
    });
    const env = { ...process.env };
    for (const key of Object.keys(env))
      if (/^npm_config_(nodedir|target|runtime|disturl)$/i.test(key)) delete env[key];
    const run = (bin, args) =>
      spawnSync(process.execPath, [bin, ...args], { cwd: pkg, env, stdio: ['ignore', 'inherit', 'inherit'] })
        .status === 0;
    const require = createRequire(join(ROOT, 'package.json'));
    log(`Building better-sqlite3 ${stamp.betterSqlite3} for Electron ${version} (ABI ${abi}, ${arch})...`);
    const built =
      run(require.resolve('prebuild-install/bin.js'), [
        '--runtime',
        'electron',
        '--target',
        version,
        '--arch',
        arch,
      ]) ||
      run(require.resolve('node-gyp/bin/node-gyp.js'), [
        'rebuild',
        '--release',
        `--target=${version}`,
        `--arch=${arch}`,
        '--dist-url=https://electronjs.org/headers',
        `--devdir=${join(tmpdir(), 'relay-electron-gyp')}`,
      ]);
    const result = join(pkg, 'build', 'Release', 'better_sqlite3.node');
    if (!built || !existsSync(result)) {
      return {
        ok: false,
        reason: `could not get better-sqlite3 for Electron ${version}: prebuild-install and node-gyp both failed (they need the network)`,
      };
    }
    const check = checkElectronAbi(result, abi);
    if (!check.ok) return check;
    mkdirSync(OUT_DIR, { recursive: true });
    cpSync(result, OUT_FILE);
    writeFileSync(STAMP, `${JSON.stringify(stamp, null, 2)}\n`);
    log(`better-sqlite3 for Electron ${version}: ${OUT_FILE}`);
    return { ok: true };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Node must refuse the file, naming Electron's module version: proof it was not built for Node. */
export function checkElectronAbi(file, abi) {
  try {
    process.dlopen({ exports: {} }, file);
  } catch (error) {
    if (String(error?.message).includes(`NODE_MODULE_VERSION ${abi}`)) return { ok: true };
    return { ok: false, reason: `the build does not load as Electron ABI ${abi}: ${error?.message}` };
  }
  return {
    ok: false,
    reason: "the build loads in Node: it was compiled against Node's headers, not Electron's",
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      'electron-version': { type: 'string' },
      arch: { type: 'string', default: process.arch },
      force: { type: 'boolean', default: false },
    },
  });
  const found = findElectronBinary();
  const version = values['electron-version'] ?? electronVersion(found.path ? found.distDir : null);
  const result = buildNative({ version, arch: values.arch, force: values.force });
  if (!result.ok) {
    console.error(`Relay: ${result.reason}.`);
    process.exit(1);
  }
}
