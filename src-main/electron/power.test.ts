import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { watchPowerAndNetwork } = await import('./power');

afterEach(() => {
  vi.useRealTimers();
});

describe('power and network watch', () => {
  it('tells the core about resume and about network changes, once each', () => {
    vi.useFakeTimers();
    const core = { resume: vi.fn(), networkChanged: vi.fn(), systemIdle: vi.fn() };
    const stop = watchPowerAndNetwork(core, 1000);
    electron.powerMonitor.emit('resume');
    electron.powerMonitor.emit('unlock-screen');
    expect(core.resume).toHaveBeenCalledTimes(2);

    vi.advanceTimersByTime(3000);
    expect(core.networkChanged).not.toHaveBeenCalled();
    electron.net.online = false;
    vi.advanceTimersByTime(3000);
    electron.net.online = true;
    vi.advanceTimersByTime(1000);
    expect(core.networkChanged.mock.calls).toEqual([[false], [true]]);

    stop();
    electron.powerMonitor.emit('resume');
    electron.net.online = false;
    vi.advanceTimersByTime(5000);
    expect(core.resume).toHaveBeenCalledTimes(2);
    expect(core.networkChanged).toHaveBeenCalledTimes(2);
  });

  it('tells the core when the system has been idle ten minutes, and when input comes back', () => {
    vi.useFakeTimers();
    const core = { resume: vi.fn(), networkChanged: vi.fn(), systemIdle: vi.fn() };
    const stop = watchPowerAndNetwork(core, 1000);
    electron.powerMonitor.idleSeconds = 599;
    vi.advanceTimersByTime(1000);
    expect(core.systemIdle).not.toHaveBeenCalled();
    electron.powerMonitor.idleSeconds = 600;
    vi.advanceTimersByTime(3000);
    electron.powerMonitor.idleSeconds = 2;
    vi.advanceTimersByTime(1000);
    expect(core.systemIdle.mock.calls).toEqual([[true], [false]]);
    stop();
    electron.powerMonitor.idleSeconds = 0;
  });
});
