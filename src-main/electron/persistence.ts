/**
 * What the desktop app keeps in electron-store, behind the core's ports. No electron import: the
 * store and safeStorage are passed in, so the rules are tested with plain fakes.
 *
 * - settings: validated on read; a hand-edited or corrupt file falls back to the defaults.
 * - session: the serialised session (it holds the token) is only ever written encrypted with
 *   safeStorage (OS keychain / DPAPI / libsecret). Where the OS offers no encryption it stays in memory
 *   and the user signs in again next launch, rather than a token lying on disk in clear.
 * - window bounds: restored only if still on a connected display.
 */
import { Settings } from '../../src-shared/bridge';
import type { SecretStore, SettingsStore } from '../core/ports';
import type { WindowBounds } from './window';

export type KeyValue = {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
};

/** Electron's safeStorage, async API (the sync one is deprecated since Electron 45). */
export type Encryption = {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plain: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
};

export function createSettingsStore(kv: KeyValue, defaults: Settings): SettingsStore {
  const read = (): Settings => {
    const parsed = Settings.partial().safeParse(kv.get('settings') ?? {});
    return { ...defaults, ...(parsed.success ? parsed.data : {}) };
  };
  return {
    get: read,
    set(patch) {
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const next = Settings.parse({ ...read(), ...defined });
      kv.set('settings', next);
      return next;
    },
  };
}

/** The same store, calling `onChange(next, previous)` after each change (the shell applies some settings). */
export function observeSettings(
  store: SettingsStore,
  onChange: (next: Settings, previous: Settings) => void,
): SettingsStore {
  return {
    get: () => store.get(),
    set(patch) {
      const previous = store.get();
      const next = store.set(patch);
      onChange(next, previous);
      return next;
    },
  };
}

export function createSecretStore(
  kv: KeyValue,
  encryption: Encryption,
  warn: (message: string) => void = console.warn,
): SecretStore {
  let inMemory: string | null = null;
  let warned = false;
  return {
    async get() {
      if (inMemory !== null) return inMemory;
      const stored = kv.get('session');
      if (typeof stored !== 'string' || !(await encryption.isAsyncEncryptionAvailable())) return null;
      try {
        const { result, shouldReEncrypt } = await encryption.decryptStringAsync(
          Buffer.from(stored, 'base64'),
        );
        // The OS rotated the key: store it again under the new one.
        if (shouldReEncrypt)
          kv.set('session', (await encryption.encryptStringAsync(result)).toString('base64'));
        inMemory = result;
        return result;
      } catch {
        // Encrypted under another OS user or keyring: useless, and never to be retried.
        kv.delete('session');
        return null;
      }
    },
    async set(value) {
      inMemory = value;
      if (!(await encryption.isAsyncEncryptionAvailable())) {
        if (!warned)
          warn('safeStorage is unavailable: the session is kept in memory only (sign in again next launch)');
        warned = true;
        kv.delete('session');
        return;
      }
      kv.set('session', (await encryption.encryptStringAsync(value)).toString('base64'));
    },
    async clear() {
      inMemory = null;
      kv.delete('session');
    },
  };
}

type Rect = { x: number; y: number; width: number; height: number };
export const DEFAULT_BOUNDS: WindowBounds = { width: 1100, height: 720 };

export function loadWindowBounds(kv: KeyValue, workAreas: Rect[]): WindowBounds {
  const saved = kv.get('windowBounds') as Partial<Rect & { maximized: boolean }> | undefined;
  if (!saved || ![saved.x, saved.y, saved.width, saved.height].every(Number.isFinite)) return DEFAULT_BOUNDS;
  const rect = saved as Rect;
  if (rect.width < 320 || rect.height < 240) return DEFAULT_BOUNDS;
  // At least a grabbable strip of the window must be on some display, or it would open off-screen.
  const visible = workAreas.some((area) => overlap(rect, area) >= 100 * 40);
  if (!visible) return { ...DEFAULT_BOUNDS, width: rect.width, height: rect.height };
  return { ...rect, maximized: saved.maximized === true };
}

export function saveWindowBounds(kv: KeyValue, bounds: Rect, maximized: boolean): void {
  kv.set('windowBounds', { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height, maximized });
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
