// @vitest-environment happy-dom
import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeRelay } from '../testing/fake-relay';
import { renderApp } from '../testing/render-app';

/** A browser's Notification whose `permission` counts its reads (in Chromium each is a round trip to the browser process). */
function stubNotification(permission: NotificationPermission) {
  const reads = { count: 0 };
  vi.stubGlobal(
    'Notification',
    Object.defineProperty(() => {}, 'permission', {
      get: () => {
        reads.count += 1;
        return permission;
      },
    }),
  );
  return reads;
}

describe('the notification prompt', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('offers to turn notifications on in the browser host while the browser has not been asked', async () => {
    stubNotification('default');
    const { unmount } = await renderApp(new FakeRelay(), 'browser');
    expect(await screen.findByRole('button', { name: 'Turn on notifications' })).toBeTruthy();
    unmount();
  });

  it('does not ask the browser for its permission in the desktop app, where main shows notifications', async () => {
    const reads = stubNotification('default');
    const { unmount } = await renderApp(new FakeRelay(), 'electron');
    expect(screen.queryByRole('button', { name: 'Turn on notifications' })).toBeNull();
    expect(reads.count).toBe(0);
    unmount();
  });
});
