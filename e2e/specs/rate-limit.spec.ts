/** Rate limit hit → the message still arrives later, once. */
import { expect, test } from '../support/fixtures';
import { messageBodies, send, serverHistory } from '../support/ui';

// One message a second (a burst of one). Refusals for going too fast are logged at debug (a flood's
// echo would fill an info log).
test.use({ serverOptions: { env: { MESSAGE_RATE_LIMIT: '1', LOG_LEVEL: 'debug' } } });

test('messages refused as RATE_LIMITED are sent again and arrive once each, in order', async ({
  server,
  signedIn,
}) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });
  const texts = ['one', 'two', 'three', 'four'];

  // The four are written while the server is paused (SIGSTOP: alice stays connected, her sends wait
  // unread in the socket) and reach it together when it resumes, however slow the page was to type
  // them. (Typed one at a time into a running server, a page slower than one message a second was
  // never refused, and the test passed without testing anything.)
  server.pause();
  try {
    for (const text of texts) await send(alice.page, text);
  } finally {
    server.resume();
  }

  // The server did refuse some of them...
  await expect
    .poll(() => server.log.some((r) => r.code === 'RATE_LIMITED' && r.event === 'message:send'))
    .toBe(true);
  // ...and yet each arrives, once, in order, and none is left Failed.
  await expect(messageBodies(bob.page)).toHaveText(texts);
  await expect(alice.page.getByTestId('message-status')).toHaveCount(4);
  for (const status of await alice.page.getByTestId('message-status').all())
    await expect(status).not.toHaveText(/Sending|Failed/);
  const history = await serverHistory(server.url, 'bob', 'general');
  expect(history.map((m) => m.content)).toEqual(texts);
});
