import { describe, expect, it, vi } from 'vitest';
import {
  createSecretStore,
  createSettingsStore,
  type KeyValue,
  loadWindowBounds,
  saveWindowBounds,
} from './persistence';

function memory(): KeyValue & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: (k) => data.get(k),
    set: (k, v) => void data.set(k, v),
    delete: (k) => void data.delete(k),
  };
}

const encryption = (available = true, shouldReEncrypt = false) => ({
  isAsyncEncryptionAvailable: async () => available,
  encryptStringAsync: async (s: string) => Buffer.from(s).reverse(),
  decryptStringAsync: async (b: Buffer) => ({ result: Buffer.from(b).reverse().toString(), shouldReEncrypt }),
});

const defaults = {
  serverUrl: 'http://127.0.0.1:3000',
  notificationsEnabled: true,
  doNotDisturb: false,
  theme: 'system' as const,
  openAtLogin: false,
  startMinimized: false,
  updateUrl: '',
};

describe('desktop persistence', () => {
  it('keeps settings, validated, falling back to defaults for a corrupt file', () => {
    const kv = memory();
    const settings = createSettingsStore(kv, defaults);
    expect(settings.get()).toEqual(defaults);
    expect(settings.set({ doNotDisturb: true }).doNotDisturb).toBe(true);
    expect(createSettingsStore(kv, defaults).get().doNotDisturb).toBe(true);
    expect(() => settings.set({ serverUrl: 'nope' })).toThrow();
    kv.data.set('settings', { theme: 'neon', serverUrl: 42 });
    expect(settings.get()).toEqual(defaults);
  });

  it('writes the session only encrypted, and reads it back in a new launch', async () => {
    const kv = memory();
    await createSecretStore(kv, encryption()).set('{"token":"t0k3n"}');
    expect(JSON.stringify([...kv.data.values()])).not.toContain('t0k3n');
    expect(await createSecretStore(kv, encryption()).get()).toBe('{"token":"t0k3n"}');
    const store = createSecretStore(kv, encryption());
    await store.clear();
    expect(await store.get()).toBeNull();
    expect(kv.data.has('session')).toBe(false);
  });

  it('stores the session again when the OS rotated the key', async () => {
    const kv = memory();
    kv.data.set('session', Buffer.from('{"token":"old"}').reverse().toString('base64'));
    let encrypted = 0;
    const rotating = {
      ...encryption(true, true),
      encryptStringAsync: async (s: string) => {
        encrypted++;
        return Buffer.from(`v2:${s}`);
      },
    };
    expect(await createSecretStore(kv, rotating).get()).toBe('{"token":"old"}');
    expect(encrypted).toBe(1);
    expect(Buffer.from(kv.data.get('session') as string, 'base64').toString()).toBe('v2:{"token":"old"}');
  });

  it('keeps the session in memory only where the OS offers no encryption', async () => {
    const kv = memory();
    const warn = vi.fn();
    const store = createSecretStore(kv, encryption(false), warn);
    await store.set('{"token":"t0k3n"}');
    await store.set('{"token":"t0k3n2"}');
    expect(await store.get()).toBe('{"token":"t0k3n2"}');
    expect(kv.data.size).toBe(0);
    expect(warn).toHaveBeenCalledOnce();
  });

  it('drops a session that cannot be decrypted', async () => {
    const kv = memory();
    kv.data.set('session', 'garbage');
    const broken = {
      ...encryption(),
      decryptStringAsync: async () => {
        throw new Error('bad key');
      },
    };
    expect(await createSecretStore(kv, broken).get()).toBeNull();
    expect(kv.data.has('session')).toBe(false);
  });

  it('restores window bounds only onto a connected display', () => {
    const kv = memory();
    const display = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(loadWindowBounds(kv, display)).toEqual({ width: 1100, height: 720 });
    saveWindowBounds(kv, { x: 100, y: 50, width: 1000, height: 800 }, true);
    expect(loadWindowBounds(kv, display)).toEqual({
      x: 100,
      y: 50,
      width: 1000,
      height: 800,
      maximized: true,
    });
    // The display it was on is gone: keep the size, let the OS place it.
    expect(loadWindowBounds(kv, [{ x: 3000, y: 0, width: 1280, height: 1024 }])).toEqual({
      width: 1000,
      height: 800,
    });
    kv.data.set('windowBounds', { x: 'a', y: 0, width: 10, height: 10 });
    expect(loadWindowBounds(kv, display)).toEqual({ width: 1100, height: 720 });
  });
});
