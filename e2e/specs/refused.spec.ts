/**
 * A message refused by the server → Failed → Retry and Discard. The refusal is a real one: the
 * harness, as an operator would, takes alice out of #random in the server's database (the server
 * checks membership on every send), and puts her back before the retry.
 */
import { expect, test } from '../support/fixtures';
import { message, messageBodies, send, serverHistory } from '../support/ui';

const ALICE_IN_RANDOM = `(SELECT id FROM channels WHERE name = 'random'), (SELECT id FROM users WHERE username = 'alice')`;

test('refused messages show Failed; Retry sends one once, Discard drops the other', async ({
  server,
  signedIn,
}) => {
  const { alice, bob } = await signedIn({ alice: 'random', bob: 'random' });

  server.sql(`DELETE FROM channel_members WHERE (channel_id, user_id) = (${ALICE_IN_RANDOM})`);
  await send(alice.page, 'try me again');
  await send(alice.page, 'throw me away');
  const retried = message(alice.page, 'try me again');
  const discarded = message(alice.page, 'throw me away');
  await expect(retried.getByTestId('message-status')).toHaveText('Failed');
  await expect(discarded.getByTestId('message-status')).toHaveText('Failed');
  await expect(retried.getByTestId('message-retry')).toBeVisible();

  server.sql(
    `INSERT INTO channel_members (channel_id, user_id, last_read_seq, joined_at) VALUES (${ALICE_IN_RANDOM}, 0, ?)`,
    new Date().toISOString(),
  );
  await retried.getByTestId('message-retry').click();
  await expect(retried.getByTestId('message-status')).not.toHaveText(/Sending|Failed/);
  await expect(messageBodies(bob.page)).toHaveText(['try me again']);

  await discarded.getByRole('button', { name: 'Discard' }).click();
  await expect(discarded).toHaveCount(0);
  await expect(messageBodies(alice.page)).toHaveText(['try me again']);
  const history = await serverHistory(server.url, 'bob', 'random');
  expect(history.map((m) => m.content)).toEqual(['try me again']);
});
