/** Replies and the thread view. */
import { expect, test } from '../support/fixtures';
import { message, messageBodies, send } from '../support/ui';

test('a reply goes into the thread, and the other side sees the count and the reply there', async ({
  signedIn,
}) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });

  await send(alice.page, 'Who reviews the release notes?');
  const parentOnBob = message(bob.page, 'Who reviews the release notes?');
  await expect(parentOnBob).toHaveAttribute('data-message-id', /.+/);

  await parentOnBob.getByTestId('reply-button').click();
  const bobThread = bob.page.getByTestId('thread-view');
  await expect(bobThread).toBeVisible();
  // The thread shows its parent on top (a copy without message test ids), then the replies.
  await expect(bobThread.getByText('Who reviews the release notes?')).toBeVisible();
  await expect(bobThread.getByTestId('message-content')).toHaveCount(0);
  const replyBox = bobThread.getByTestId('message-input');
  await replyBox.fill('I will, after lunch');
  await replyBox.press('Enter');
  await expect(bobThread.getByTestId('message-content')).toHaveText(['I will, after lunch']);

  // alice: the reply is in the thread, not in the channel; the parent says it has one.
  const parentOnAlice = message(alice.page, 'Who reviews the release notes?');
  await expect(parentOnAlice.getByRole('button', { name: '1 reply' })).toBeVisible();
  await expect(messageBodies(alice.page)).toHaveText(['Who reviews the release notes?']);
  await parentOnAlice.getByTestId('reply-button').click();
  const aliceThread = alice.page.getByTestId('thread-view');
  await expect(aliceThread.getByText('Who reviews the release notes?')).toBeVisible();
  await expect(aliceThread.getByTestId('message-content')).toHaveText(['I will, after lunch']);

  // alice answers in the thread; bob's open thread shows it, once.
  const aliceReplyBox = aliceThread.getByTestId('message-input');
  await aliceReplyBox.fill('Thanks!');
  await aliceReplyBox.press('Enter');
  await expect(bobThread.getByTestId('message-content')).toHaveText(['I will, after lunch', 'Thanks!']);
  await expect(
    message(bob.page, 'Who reviews the release notes?').getByRole('button', { name: '2 replies' }),
  ).toBeVisible();
});

test('a link to a thread reply (/#/message/ID) opens its channel and thread, the reply highlighted', async ({
  signedIn,
  target,
}) => {
  test.skip(
    target !== 'browser',
    'the hash link is the browser host’s; relay:// is unit-tested in electron/',
  );
  const { alice, bob } = await signedIn({ alice: 'random', bob: 'general' });
  await send(bob.page, 'Where is the release checklist?');
  const parent = message(bob.page, 'Where is the release checklist?');
  await parent.getByTestId('reply-button').click();
  const bobThread = bob.page.getByTestId('thread-view');
  await bobThread.getByTestId('message-input').fill('In the wiki, under Releases');
  await bobThread.getByTestId('message-input').press('Enter');
  const replyRow = bobThread.locator('[data-message-id]', { hasText: 'In the wiki, under Releases' });
  await expect(replyRow).toHaveAttribute('data-message-id', /.+/);
  const replyId = (await replyRow.getAttribute('data-message-id'))!;

  // alice is in #random with no thread open; the reply has reached her app.
  await expect(message(alice.page, 'Where is the release checklist?')).toHaveCount(0);
  await alice.page.evaluate((id) => {
    window.location.hash = `#/message/${id}`;
  }, replyId);
  const aliceThread = alice.page.getByTestId('thread-view');
  await expect(aliceThread).toBeVisible();
  await expect(message(alice.page, 'Where is the release checklist?')).toBeVisible();
  const reply = aliceThread.locator(`[data-message-id="${replyId}"]`);
  await expect(reply).toBeVisible();
  await expect(reply).toHaveClass(/highlighted/);
  expect(await alice.page.evaluate(() => window.location.hash)).toBe('');
});
