/**
 * Plain-Node port implementations: used by the tests and by the browser host (`npm run web`).
 * The Electron shell brings its own (keychain-backed secrets, electron-store settings, system
 * notifications).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { NotificationView, Settings } from '../../src-shared/bridge';
import { DEFAULT_SETTINGS, Settings as SettingsSchema } from '../../src-shared/bridge';
import type { Clock, Notifier, SecretStore, SettingsStore } from './ports';

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // Timers never keep a process alive on their own: closing the core is what ends it.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Loads Node's fetch (undici's bundle, compiled on its first use) now, with a request that never leaves
 * the process (a data: URL), for a host that calls the global fetch (the browser host; Electron's main
 * uses net.fetch). Else the core's first request pays it in its turn: the turn the socket connects in,
 * 60–109 ms of it on a core in bench figure 13's catch-up. Never fails.
 */
export function warmFetch(): Promise<void> {
  return globalThis
    .fetch('data:,')
    .then((response) => response.arrayBuffer())
    .then(
      () => {},
      () => {},
    );
}

/**
 * Writes a whole file or nothing: a temp file beside it, flushed, then renamed over it, on libuv's
 * threads (the event loop goes on while the disk flushes). User data is its owner's alone: files 0600,
 * a folder made here 0700.
 */
async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data, { mode, flush: true });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
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
    set: (value) => writeFileAtomic(file, value),
    async clear() {
      rmSync(file, { force: true });
    },
  };
}

export { DEFAULT_SETTINGS };

export interface FileSettingsStore extends SettingsStore {
  /** Every change so far on disk (flushed, renamed into place); rejects with a write's failure. */
  flushed(): Promise<void>;
}

/**
 * Settings as JSON in userData; an unreadable or invalid file falls back to the defaults. A change
 * holds at once in memory (what `get` and the core read) and is written after the call, off the event
 * loop, one write at a time, the newest settings each (changes made during a write are written
 * together after it): written and fsynced inside the call, the page's change of its open channel
 * (lastChannels) held the browser host's loop 107 ms on the disk in bench figure 13's catch-up. The
 * host awaits `flushed()` before it exits; a change a kill -9 catches before its write is lost, as a
 * change of the last moment before a crash would be.
 */
export function createFileSettingsStore(
  userData: string,
  defaults: Settings = DEFAULT_SETTINGS,
  name = 'settings.json',
  /** Told at once when a write fails (the call that made the change has returned by then). */
  onWriteError: (error: unknown) => void = () => {},
): FileSettingsStore {
  const file = join(userData, name);
  let current = load();
  let writing: Promise<void> | null = null;
  let unwritten = false;
  let failure: unknown = null;

  function persist(): void {
    unwritten = true;
    writing ??= (async () => {
      try {
        while (unwritten) {
          unwritten = false;
          await writeFileAtomic(file, JSON.stringify(current, null, 2));
        }
        failure = null;
      } catch (error) {
        failure = error;
        onWriteError(error);
      } finally {
        writing = null;
      }
    })();
  }

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
      persist();
      return current;
    },
    async flushed() {
      while (writing) await writing;
      if (failure) throw failure;
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
