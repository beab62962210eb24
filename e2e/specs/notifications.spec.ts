/**
 * A notification for a message in another channel, and its click opens that channel. Electron: the
 * main process's Notification is stubbed (support/app.ts) and its click emitted; browser host: the
 * notification its notifier hands the page, shown as a toast, clicked.
 */
import { expect, test } from '../support/fixtures';
import { channelItem, message, openChannel, send } from '../support/ui';

test('a message in another channel notifies, and the click opens that channel at the message', async ({
  signedIn,
}) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });

  // In the channel alice is looking at: no notification.
  await send(bob.page, 'you can see this one');
  await expect(message(alice.page, 'you can see this one')).toHaveCount(1);

  // alice's window is in front: only what is addressed to her interrupts (issue 12).
  await openChannel(bob.page, 'random');
  await send(bob.page, 'lunch is at noon');
  await send(bob.page, '@alice deploy is green');
  await expect
    .poll(() => alice.notifications())
    .toEqual([{ title: 'Bob in #random', body: '@alice deploy is green' }]);

  await alice.clickLastNotification();
  await expect(channelItem(alice.page, 'random')).toHaveAttribute('aria-current', 'page');
  await expect(message(alice.page, 'deploy is green')).toBeVisible();
  await expect(channelItem(alice.page, 'random')).toHaveAttribute('data-unread', '0');
});
