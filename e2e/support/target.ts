/**
 * Which app the specs drive. `E2E_TARGET` = browser | electron | auto (default). scripts/e2e.mjs
 * decides which Playwright projects run and prints the one line saying so; the fixture uses this to
 * skip the electron project, with the reason, where there is no Electron binary.
 */
import { fileURLToPath } from 'node:url';

export type Target = 'browser' | 'electron';

export type ElectronBinary = { path: string; distDir: string } | { path: null; reason: string };

type BinaryFinder = { findElectronBinary(options?: { env?: NodeJS.ProcessEnv }): ElectronBinary };

const finderUrl = new URL('../../scripts/electron-binary.mjs', import.meta.url);

/**
 * The Electron executable, found the way `npm start` finds it (node_modules/electron's download or
 * ELECTRON_OVERRIDE_DIST_PATH), never downloading one.
 */
export async function findElectron(env: NodeJS.ProcessEnv = process.env): Promise<ElectronBinary> {
  const { findElectronBinary } = (await import(fileURLToPath(finderUrl) as string)) as BinaryFinder;
  return findElectronBinary({ env });
}

/** Where the built app is: electron-vite's out/, launched as the app folder (package.json "main"). */
export const APP_ROOT = fileURLToPath(new URL('../..', import.meta.url));
