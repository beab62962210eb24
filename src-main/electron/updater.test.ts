import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createManualClock } from '../core/testing/manual-clock';
import { createUpdatePolicy, UPDATE_CHECK_INTERVAL_MS } from './updater';

function fakeUpdater() {
  return Object.assign(new EventEmitter(), {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(async () => null),
    quitAndInstall: vi.fn(),
  });
}

function setup(url = 'https://updates.example/relay') {
  const updater = fakeUpdater();
  const clock = createManualClock();
  const settings = { updateUrl: url };
  const ready: string[] = [];
  const logged: string[] = [];
  const policy = createUpdatePolicy({
    updater,
    feedUrl: () => settings.updateUrl,
    clock,
    onReady: (version) => ready.push(version),
    log: (m) => logged.push(m),
  });
  return { updater, clock, settings, ready, logged, policy };
}

describe('update policy', () => {
  it('checks the generic feed from settings on start and every 6 hours, downloading in the background', () => {
    const { updater, clock, policy } = setup();
    policy.start();
    expect(updater.setFeedURL).toHaveBeenCalledExactlyOnceWith({
      provider: 'generic',
      url: 'https://updates.example/relay',
    });
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true });
    clock.advance(UPDATE_CHECK_INTERVAL_MS - 1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    clock.advance(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    clock.advance(2 * UPDATE_CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(4);
    policy.stop();
    clock.advance(10 * UPDATE_CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(4);
  });

  it('never restarts on its own: a downloaded update shows the banner, and only the click installs it', () => {
    const { updater, policy, ready } = setup();
    expect(policy.restartToUpdate()).toBe(false);
    policy.start();
    updater.emit('update-downloaded', { version: '1.2.3' });
    expect(ready).toEqual(['1.2.3']);
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    expect(policy.restartToUpdate()).toBe(true);
    expect(updater.quitAndInstall).toHaveBeenCalledExactlyOnceWith(false, true);
  });

  it('checks nothing without a URL, starts on a URL set later, and survives a failing feed', async () => {
    const { updater, clock, policy, settings, logged } = setup('');
    policy.start();
    clock.advance(UPDATE_CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    settings.updateUrl = 'https://updates.example/v2';
    updater.checkForUpdates.mockRejectedValueOnce(new Error('404 latest-linux.yml'));
    policy.feedChanged();
    expect(updater.setFeedURL).toHaveBeenCalledWith({
      provider: 'generic',
      url: 'https://updates.example/v2',
    });
    await vi.waitFor(() => expect(logged).toEqual(['update check failed: 404 latest-linux.yml']));
    updater.emit('error', new Error('offline'));
    expect(logged).toContain('update check failed: offline');
    clock.advance(UPDATE_CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
  });
});
