import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { applyLoginItem, HIDDEN_FLAG, startsHidden } = await import('./startup');

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('start at login and start minimised', () => {
  it('registers the login item on macOS and Windows, hidden when asked', () => {
    applyLoginItem({ openAtLogin: true, startMinimized: true }, { platform: 'win32' });
    expect(electron.app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: true,
      args: [HIDDEN_FLAG],
    });
    applyLoginItem({ openAtLogin: false, startMinimized: false }, { platform: 'darwin' });
    expect(electron.app.loginItem).toMatchObject({ openAtLogin: false, args: [] });
  });

  it('on Linux writes an XDG autostart entry only while it is on, and removes it when off', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relay-autostart-'));
    dirs.push(dir);
    const file = join(dir, 'relay.desktop');
    const options = { platform: 'linux' as const, autostartDir: dir, execPath: '/opt/Relay App/relay' };
    applyLoginItem({ openAtLogin: false, startMinimized: false }, options);
    expect(existsSync(file)).toBe(false);
    applyLoginItem({ openAtLogin: true, startMinimized: true }, options);
    expect(readFileSync(file, 'utf8')).toContain(`Exec="/opt/Relay App/relay" ${HIDDEN_FLAG}\n`);
    applyLoginItem({ openAtLogin: false, startMinimized: true }, options);
    expect(existsSync(file)).toBe(false);
  });

  it('starts hidden in the tray only when the setting or the login item says so', () => {
    expect(startsHidden({ openAtLogin: false, startMinimized: false }, ['relay'])).toBe(false);
    expect(startsHidden({ openAtLogin: true, startMinimized: false }, ['relay'])).toBe(false);
    expect(startsHidden({ openAtLogin: false, startMinimized: true }, ['relay'])).toBe(true);
    expect(startsHidden({ openAtLogin: true, startMinimized: false }, ['relay', HIDDEN_FLAG])).toBe(true);
  });
});
