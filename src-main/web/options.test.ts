import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopUserDataDir, parseWebHostArgs } from './options';

describe('npm run web flags', () => {
  it('defaults to port 5180 and the desktop folder under web/, without forcing a server', () => {
    const args = parseWebHostArgs([], { XDG_CONFIG_HOME: '/home/a/.config' });
    expect(args.port).toBe(5180);
    expect(args.server).toBeUndefined();
    if (process.platform === 'linux') expect(args.userData).toBe('/home/a/.config/Relay/web');
  });

  it('takes --port, --server and --user-data, as "--flag value" or "--flag=value"', () => {
    expect(
      parseWebHostArgs(['--port', '6000', '--server=http://10.0.0.2:3000', '--user-data', '/tmp/x']),
    ).toEqual({
      port: 6000,
      server: 'http://10.0.0.2:3000',
      userData: '/tmp/x',
    });
  });

  it('refuses what it does not understand, saying why', () => {
    expect(() => parseWebHostArgs(['--prot', '1'])).toThrow(/Unknown argument: --prot/);
    expect(() => parseWebHostArgs(['--port', 'http'])).toThrow(/port number/);
    expect(() => parseWebHostArgs(['--server', 'ftp://x'])).toThrow(/http\(s\) URL/);
    expect(() => parseWebHostArgs(['--user-data'])).toThrow(/needs a value/);
  });

  it("matches Electron's userData folder per platform", () => {
    expect(desktopUserDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toBe(
      join('C:\\Users\\a\\AppData\\Roaming', 'Relay'),
    );
    expect(desktopUserDataDir({}, 'darwin')).toMatch(/Library[/\\]Application Support[/\\]Relay$/);
  });
});
