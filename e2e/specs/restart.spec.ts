/** A restart keeps the session, drafts and history (here even with the server gone meanwhile). */
import { expect, test } from '../support/fixtures';
import { messageBodies, openChannel, RECONNECT, send } from '../support/ui';

test('after a kill -9 the app reopens signed in, with its drafts and history, even offline', async ({
  server,
  signedIn,
}) => {
  const { alice } = await signedIn({ alice: 'general' });
  await send(alice.page, 'kept in history');
  await expect(messageBodies(alice.page)).toHaveText(['kept in history']);
  await expect(alice.page.getByTestId('message-status')).not.toHaveText(/Sending|Failed/);

  await openChannel(alice.page, 'random');
  const input = alice.page.getByRole('main').getByTestId('message-input');
  await input.fill('an unfinished thought');
  // Leaving the channel saves its draft; coming back loads it from the app's store.
  await openChannel(alice.page, 'general');
  await openChannel(alice.page, 'random');
  await expect(input).toHaveValue('an unfinished thought');

  // The history below must come from the app's own store: no server to ask.
  await server.kill();
  await alice.kill();
  await alice.start();

  await expect(alice.page.getByTestId('channel-list')).toBeVisible();
  await expect(alice.page.getByTestId('login-submit')).toHaveCount(0);
  await openChannel(alice.page, 'general');
  await expect(messageBodies(alice.page)).toHaveText(['kept in history']);
  await openChannel(alice.page, 'random');
  await expect(alice.page.getByRole('main').getByTestId('message-input')).toHaveValue(
    'an unfinished thought',
  );

  // And the kept session still works once the server is back.
  await server.start();
  await expect(alice.page.getByTestId('connection-status')).toHaveText('Connected', RECONNECT);
});
