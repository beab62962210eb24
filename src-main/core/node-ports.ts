/**
 * Plain-Node port implementations: used by the tests and by the browser host (`npm run web`).
 * The Electron shell brings its own (keychain-backed secrets, electron-store settings, system
 * notifications).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NotificationView, Settings } from '../../src-shared/bridge';
import { DEFAULT_SETTINGS, Settings as SettingsSchema } from '../../src-shared/bridge';
import type { Clock, Notifier, SecretStore, SettingsStore } from './ports';

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // Timers never keep a process alive on their own: closing the core is what ends it.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Writes a whole file or nothing: a temp file beside it, flushed, then renamed over it. User data is
 * its owner's alone: files 0600, a folder made here 0700.
 */
export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, data, { mode, flush: true });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The session in a file only its owner may read (0600). Not a keychain: the browser host has none,
 * and the desktop app uses Electron's safeStorage instead.
 */
export function createFileSecretStore(userData: string, name = 'session.json'): SecretStore {
  const file = join(userData, name);
  return {
    async get() {
      return readText(file);
    },
    async set(value) {
      writeFileAtomic(file, value);
    },
    async clear() {
      rmSync(file, { force: true });
    },
  };
}

export { DEFAULT_SETTINGS };

/** Settings as JSON in userData; an unreadable or invalid file falls back to the defaults. */
export function createFileSettingsStore(
  userData: string,
  defaults: Settings = DEFAULT_SETTINGS,
  name = 'settings.json',
): SettingsStore {
  const file = join(userData, name);
  let current = load();

  function load(): Settings {
    const raw = readText(file);
    if (!raw) return defaults;
    try {
      const parsed = SettingsSchema.partial().safeParse(JSON.parse(raw));
      return parsed.success ? { ...defaults, ...stripUndefined(parsed.data) } : defaults;
    } catch {
      return defaults;
    }
  }

  return {
    get: () => current,
    set(patch) {
      current = SettingsSchema.parse({ ...current, ...stripUndefined(patch) });
      writeFileAtomic(file, JSON.stringify(current, null, 2));
      return current;
    },
  };
}

/** Settings held in memory (tests). */
export function createMemorySettingsStore(initial: Partial<Settings> = {}): SettingsStore {
  let current: Settings = { ...DEFAULT_SETTINGS, ...initial };
  return {
    get: () => current,
    set(patch) {
      current = SettingsSchema.parse({ ...current, ...stripUndefined(patch) });
      return current;
    },
  };
}

export interface RecordingNotifier extends Notifier {
  readonly shown: NotificationView[];
  /** Channels whose notifications were closed, in order. */
  readonly closed: string[];
  /** Clicks the notification at `index` (the newest by default). */
  click(index?: number): void;
}

/** Remembers every notification instead of showing it (tests, headless hosts). */
export function createRecordingNotifier(): RecordingNotifier {
  const shown: NotificationView[] = [];
  const clicks: (() => void)[] = [];
  const closed: string[] = [];
  return {
    shown,
    closed,
    close(channelId) {
      closed.push(channelId);
    },
    show(notification, onClick) {
      shown.push(notification);
      clicks.push(onClick);
    },
    click(index = shown.length - 1) {
      clicks[index]?.();
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
