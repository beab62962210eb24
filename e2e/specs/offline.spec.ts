/**
 * Offline: server down → send two → Sending → kill -9 the app → start it again → still Sending →
 * server up → both delivered exactly once, in order, on the other side.
 */
import { expect, test } from '../support/fixtures';
import {
  channelMessages,
  message,
  messageBodies,
  openChannel,
  RECONNECT,
  send,
  serverHistory,
} from '../support/ui';

test('two messages queued offline survive a kill -9 and arrive once each, in order', async ({
  server,
  signedIn,
}) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });
  await send(alice.page, 'before the outage');
  await expect(message(bob.page, 'before the outage')).toHaveCount(1);

  await server.kill();
  await expect(alice.page.getByTestId('connection-status')).not.toHaveText('Connected');
  await send(alice.page, 'first while offline');
  await send(alice.page, 'second while offline');
  await expect(message(alice.page, 'first while offline').getByTestId('message-status')).toHaveText(
    'Sending',
  );
  await expect(message(alice.page, 'second while offline').getByTestId('message-status')).toHaveText(
    'Sending',
  );

  await alice.kill();
  await alice.start();
  // Still signed in, still offline, both still queued, in the order they were written.
  await openChannel(alice.page, 'general');
  await expect(alice.page.getByTestId('connection-status')).not.toHaveText('Connected');
  await expect(messageBodies(alice.page)).toHaveText([
    'before the outage',
    'first while offline',
    'second while offline',
  ]);
  await expect(message(alice.page, 'first while offline').getByTestId('message-status')).toHaveText(
    'Sending',
  );
  await expect(message(alice.page, 'second while offline').getByTestId('message-status')).toHaveText(
    'Sending',
  );

  await server.start();
  await expect(messageBodies(bob.page)).toHaveText(
    ['before the outage', 'first while offline', 'second while offline'],
    RECONNECT,
  );
  await expect(message(alice.page, 'second while offline').getByTestId('message-status')).not.toHaveText(
    /Sending|Failed/,
    RECONNECT,
  );
  await expect(channelMessages(alice.page)).toHaveCount(3);

  // The server's own record: each exactly once, in order.
  const history = await serverHistory(server.url, 'bob', 'general');
  expect(history.map((m) => m.content)).toEqual([
    'before the outage',
    'first while offline',
    'second while offline',
  ]);
});
