import { describe, expect, it, vi } from 'vitest';
import { callNames } from '../src-shared/bridge';

vi.mock('electron', () => import('../src-main/electron/testing/electron-mock'));

const electron = await import('../src-main/electron/testing/electron-mock');
await import('./index');

describe('Electron preload', () => {
  const relay = electron.contextBridge.exposed.get('relay') as Record<
    string,
    (...args: unknown[]) => unknown
  >;

  it('exposes exactly the contract: one function per call, plus on — nothing of ipcRenderer', () => {
    expect([...electron.contextBridge.exposed.keys()]).toEqual(['relay']);
    expect(Object.keys(relay).sort()).toEqual([...callNames, 'on'].sort());
    for (const value of Object.values(relay)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(relay)).toBe(true);
  });

  it('sends each call over the one invoke channel', async () => {
    expect(await relay.getSession!()).toEqual({ ok: true, value: null });
    await relay.setTyping!({ channelId: 'c', isTyping: true });
    expect(electron.ipcRenderer.invoked).toEqual([
      ['relay:call', 'getSession', undefined],
      ['relay:call', 'setTyping', { channelId: 'c', isTyping: true }],
    ]);
  });

  it('delivers event payloads without the IpcRendererEvent, and unsubscribes', () => {
    const got: unknown[][] = [];
    const off = relay.on!('outbox', (...args: unknown[]) => got.push(args)) as () => void;
    const ipcEvent = { sender: electron.ipcRenderer, ports: [] };
    electron.ipcRenderer.emit('relay:event', ipcEvent, 'outbox', { sending: 2, failed: 0 });
    electron.ipcRenderer.emit('relay:event', ipcEvent, 'typing', { channelId: 'c', typists: [] });
    off();
    electron.ipcRenderer.emit('relay:event', ipcEvent, 'outbox', { sending: 0, failed: 0 });
    expect(got).toEqual([[{ sending: 2, failed: 0 }]]);
    expect(() => relay.on!('ipc-anything', () => {})).toThrow(/Unknown event/);
  });

  it('answers a call that cannot be sent with a Result, not a rejection', async () => {
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error('An object could not be cloned.'));
    expect(await relay.setDraft!({ channelId: 'c', text: () => {} })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'The call could not be sent: An object could not be cloned.' },
    });
  });
});
