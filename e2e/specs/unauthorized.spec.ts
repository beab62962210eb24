/** Unauthorized (server restarted with a new JWT_SECRET) → sign in again → the queued messages go out. */
import { expect, test } from '../support/fixtures';
import { freshJwtSecret } from '../support/server';
import { message, openChannel, send, serverHistory, signIn } from '../support/ui';

test('a session the server no longer accepts asks to sign in again, keeping what was queued', async ({
  server,
  signedIn,
}) => {
  const { alice } = await signedIn({ alice: 'general' });

  await server.kill();
  await send(alice.page, 'queued before the new secret');
  await send(alice.page, 'also queued');
  await expect(message(alice.page, 'also queued').getByTestId('message-status')).toHaveText('Sending');

  // Every token signed before is now refused.
  await server.start({ JWT_SECRET: freshJwtSecret() });
  await expect(alice.page.getByTestId('connection-status')).toHaveText('Unauthorized', { timeout: 60_000 });
  await expect(alice.page.getByTestId('login-submit')).toBeVisible();
  await expect(
    alice.page.getByRole('status').filter({ hasText: '2 unsent messages are kept' }),
  ).toBeVisible();
  // Nothing went out with the refused token.
  expect(await serverHistory(server.url, 'alice', 'general')).toEqual([]);

  await signIn(alice.page, server.url, 'alice');
  await openChannel(alice.page, 'general');
  await expect(message(alice.page, 'also queued').getByTestId('message-status')).not.toHaveText(
    /Sending|Failed/,
  );
  await expect(
    message(alice.page, 'queued before the new secret').getByTestId('message-status'),
  ).not.toHaveText(/Sending|Failed/);
  const history = await serverHistory(server.url, 'alice', 'general');
  expect(history.map((m) => m.content)).toEqual(['queued before the new secret', 'also queued']);
});
