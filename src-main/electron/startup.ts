/**
 * How the app starts: with the OS session or not (off by default), and shown or hidden in the tray.
 * Electron registers login items on macOS and Windows; on Linux the freedesktop way is a .desktop
 * file in ~/.config/autostart, written here.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app } from 'electron';
import type { Settings } from '../../src-shared/bridge';
import { DESKTOP_FILE, PRODUCT_NAME } from './identity';

/** Passed by the login item, so a start at login can be told from one by the user. */
export const HIDDEN_FLAG = '--hidden';

type StartupSettings = Pick<Settings, 'openAtLogin' | 'startMinimized'>;

export function applyLoginItem(
  settings: StartupSettings,
  options: { platform?: NodeJS.Platform; autostartDir?: string; execPath?: string; appArgs?: string[] } = {},
): void {
  const platform = options.platform ?? process.platform;
  const args = [...(options.appArgs ?? []), ...(settings.startMinimized ? [HIDDEN_FLAG] : [])];
  if (platform !== 'linux') {
    // Windows starts us with `args`; macOS takes none (there the setting alone decides).
    app.setLoginItemSettings({ openAtLogin: settings.openAtLogin, args });
    return;
  }
  const dir =
    options.autostartDir ?? join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart');
  const file = join(dir, DESKTOP_FILE);
  if (!settings.openAtLogin) {
    rmSync(file, { force: true });
    return;
  }
  // An AppImage runs from a temporary mount: the entry must start the AppImage file itself.
  const executable = options.execPath ?? process.env.APPIMAGE ?? process.execPath;
  const exec = [executable, ...args].map(desktopQuote).join(' ');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    `[Desktop Entry]\nType=Application\nName=${PRODUCT_NAME}\nExec=${exec}\nX-GNOME-Autostart-enabled=true\n`,
    { mode: 0o644 },
  );
}

/** Hidden in the tray when the user asked for it, or when the login item started us hidden. */
export function startsHidden(settings: StartupSettings, argv: string[] = process.argv): boolean {
  return settings.startMinimized || argv.includes(HIDDEN_FLAG);
}

/** The freedesktop Exec quoting: arguments with spaces or specials in double quotes, escaped. */
function desktopQuote(arg: string): string {
  return /^[\w./:=@+-]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}
