/**
 * electron-builder.yml as far as this machine can check it without packaging (no Electron dist, no
 * network for electron-builder's tools): electron-builder's own schema validation, the targets,
 * native-module unpacking, fuses (release and test variants), identity, and the icons it points at.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ID, DESKTOP_FILE, PRODUCT_NAME } from '../src-main/electron/identity';
import { ELECTRON_NATIVE_PATH } from '../src-main/electron/native-binding';
// @ts-expect-error -- plain .mjs script, no type declarations
import { distConfig } from './dist.mjs';

const root = join(import.meta.dirname, '..');
const requireFromBuilder = createRequire(join(root, 'node_modules', 'electron-builder', 'package.json'));
const { validateConfiguration } = requireFromBuilder('app-builder-lib/out/util/config/config');
const { DebugLogger } = requireFromBuilder('builder-util');
const validate = (config: unknown) => validateConfiguration(config, new DebugLogger(false));

// biome-ignore lint/suspicious/noExplicitAny: the parsed YAML is checked field by field below
const release: any = distConfig();
// biome-ignore lint/suspicious/noExplicitAny: as above
const testBuild: any = distConfig({ testBuild: true });

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation, release and test variants", async () => {
    await validate(release);
    await validate(testBuild);
    await expect(validate({ ...release, linuxx: {} })).rejects.toThrow(/linuxx/);
  });

  it('names the app as the shell does (AppUserModelID, desktop file)', () => {
    expect(release.appId).toBe(APP_ID);
    expect(release.productName).toBe(PRODUCT_NAME);
    expect(`${release.linux.executableName}.desktop`).toBe(DESKTOP_FILE);
    expect(release.linux.desktop.entry).toMatchObject({ Name: 'Relay', StartupWMClass: 'Relay' });
  });

  it('registers the relay:// scheme that deep-link.ts handles', () => {
    expect(release.protocols).toEqual([{ name: 'Relay link', schemes: ['relay'] }]);
  });

  it('builds AppImage and deb on Linux, nsis on Windows, dmg on macOS', () => {
    expect(release.linux.target).toEqual(['AppImage', 'deb']);
    expect(release.win.target).toEqual(['nsis']);
    expect(release.mac.target).toEqual(['dmg']);
  });

  it("ships the Electron-ABI better-sqlite3 unpacked from the asar, and never rebuilds against Node's headers", () => {
    const nativePath = ELECTRON_NATIVE_PATH.split('\\').join('/');
    expect(release.files).toContain(nativePath);
    expect(release.asarUnpack).toContain('build/native/electron/*.node');
    expect(release.asarUnpack).toContain('**/node_modules/better-sqlite3/**/*.node');
    expect(release.npmRebuild).toBe(false);
    expect(release.nodeGypRebuild).toBe(false);
  });

  it('sets the fuses, and only the test build keeps the inspect fuse for Playwright', () => {
    expect(release.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
    });
    expect(testBuild.electronFuses).toEqual({
      ...release.electronFuses,
      enableNodeCliInspectArguments: true,
    });
    expect(testBuild.directories.output).not.toBe(release.directories.output);
  });

  it('points at icons that exist, in the sizes each platform needs', () => {
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      const png = readFileSync(join(root, release.linux.icon, `${size}x${size}.png`));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], `${size}x${size}.png`).toEqual([size, size]);
    }
    const ico = readFileSync(join(root, release.win.icon));
    const icoSizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(icoSizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    const icns = readFileSync(join(root, release.mac.icon));
    expect(icns.subarray(0, 4).toString()).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    for (const type of ['ic07', 'ic08', 'ic09', 'ic10'])
      expect(icns.includes(Buffer.from(type)), type).toBe(true);
    for (const name of ['icon.png', 'tray.png', 'tray@2x.png', 'tray-unread.png', 'tray-unread@2x.png']) {
      expect(existsSync(join(root, release.extraResources[0].from, name)), name).toBe(true);
    }
  });
});
