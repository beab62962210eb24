/** Unread counts per channel and the badge number (the desktop badge; the tab title in the browser). */
import { expect, test } from '../support/fixtures';
import { channelItem, message, openChannel, send } from '../support/ui';

test('messages in another channel count as unread until alice opens it', async ({ signedIn }) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'random' });

  await send(bob.page, 'first in random');
  await send(bob.page, 'second in random');
  await openChannel(bob.page, 'general');
  await send(bob.page, 'one in general');

  // alice looks at #general: only #random's two are unread.
  await expect(message(alice.page, 'one in general')).toHaveCount(1);
  await expect(channelItem(alice.page, 'random')).toHaveAttribute('data-unread', '2');
  await expect(channelItem(alice.page, 'general')).toHaveAttribute('data-unread', '0');
  await expect.poll(() => alice.badgeCount()).toBe(2);

  await openChannel(alice.page, 'random');
  await expect(message(alice.page, 'second in random')).toHaveCount(1);
  await expect(channelItem(alice.page, 'random')).toHaveAttribute('data-unread', '0');
  await expect.poll(() => alice.badgeCount()).toBe(0);

  // The read position is kept by the server: a restarted app agrees.
  await alice.kill();
  await alice.start();
  await expect(channelItem(alice.page, 'random')).toHaveAttribute('data-unread', '0');
  await openChannel(alice.page, 'general');
  await openChannel(bob.page, 'random');
  await send(bob.page, 'after the restart');
  await expect(channelItem(alice.page, 'random')).toHaveAttribute('data-unread', '1');
  await expect.poll(() => alice.badgeCount()).toBe(1);
});
