/**
 * better-sqlite3 for Electron's ABI. Node (vitest, the browser host, the server) loads the package's
 * own build in node_modules; Electron cannot (different NODE_MODULE_VERSION), so an Electron-ABI build
 * is made apart by `scripts/native-electron.mjs` into build/native/electron/ and handed to the core as
 * better-sqlite3's `nativeBinding`. In a packaged app the same file is unpacked next to app.asar.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ELECTRON_NATIVE_PATH = join('build', 'native', 'electron', 'better_sqlite3.node');

export function electronNativeBinding(
  appPath: string,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const root = appPath.replace(/app\.asar$/, 'app.asar.unpacked');
  const candidate = join(root, ELECTRON_NATIVE_PATH);
  return exists(candidate) ? candidate : undefined;
}
