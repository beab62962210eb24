/**
 * Read once the other side looks at the channel; "Seen by" says who reached what. In #general
 * (alice, bob, carol) an own message is Read only once both others have read it (issue 12).
 */
import { expect, test } from '../support/fixtures';
import { message, openChannel, send } from '../support/ui';

test('Delivered while bob looks elsewhere, Read once he opens the channel, "Seen by Bob"', async ({
  signedIn,
}) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'random' });

  await send(alice.page, 'Standup in five');
  const status = message(alice.page, 'Standup in five').getByTestId('message-status');
  await expect(status).toHaveText('Delivered');
  await expect(status).toHaveAttribute('title', 'Delivered to Bob');

  await openChannel(bob.page, 'general');
  const seenBy = message(alice.page, 'Standup in five').getByTestId('message-seen-by');
  await expect(seenBy).toHaveText('Seen by Bob');
  await expect(status).toHaveAttribute('title', 'Seen by Bob');
  // carol has not read it: Delivered, not Read.
  await expect(status).toHaveText('Delivered');
});

test('a reader whose app opens later, on that channel, also counts: "Seen by Bob, Carol"', async ({
  signedIn,
}) => {
  const { alice } = await signedIn({ alice: 'general', bob: 'general' });
  await send(alice.page, 'Standup in five');
  const status = message(alice.page, 'Standup in five').getByTestId('message-status');
  await expect(status).toHaveAttribute('title', 'Seen by Bob');

  // carol (also in #general) starts her app now: it opens on #general, where the message is.
  const { carol } = await signedIn({ carol: 'general' });
  await expect(message(carol.page, 'Standup in five')).toBeVisible();
  await expect(status).toHaveAttribute('title', /^Seen by (Bob, Carol|Carol, Bob)$/);
  await expect(status).toHaveText('Read');
  await expect(message(alice.page, 'Standup in five').getByTestId('message-seen-by')).toHaveText(
    'Seen by everyone',
  );
});
