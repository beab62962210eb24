/** The seed's Cypress scenarios: send and receive; Sent then Delivered; the typing indicator. */
import { expect, test } from '../support/fixtures';
import { message, messageBodies, send } from '../support/ui';

test("a message alice sends reaches bob once, with its server id on alice's side", async ({ signedIn }) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });

  await send(alice.page, 'Hello Bob, lunch at noon?');
  await send(bob.page, 'Sure, see you there');

  await expect(messageBodies(bob.page)).toHaveText(['Hello Bob, lunch at noon?', 'Sure, see you there']);
  await expect(messageBodies(alice.page)).toHaveText(['Hello Bob, lunch at noon?', 'Sure, see you there']);
  const sent = message(alice.page, 'Hello Bob, lunch at noon?');
  await expect(sent).toHaveAttribute('data-message-id', /^[0-9a-f-]{36}$/);
  await expect(sent).toHaveAttribute('data-client-message-id', /^[0-9a-f-]{36}$/);
  // The receiver's copy is the same message: same server id, same client id.
  const id = await sent.getAttribute('data-message-id');
  await expect(message(bob.page, 'Hello Bob, lunch at noon?')).toHaveAttribute('data-message-id', id!);
});

test('status is Sent while bob has no app running, then Delivered once his app fetches it', async ({
  signedIn,
}) => {
  const { alice } = await signedIn({ alice: 'random' });
  await send(alice.page, 'Are you around?');
  // Nobody else in #random is running the app: the server has it, no one has received it.
  await expect(message(alice.page, 'Are you around?').getByTestId('message-status')).toHaveText('Sent');

  // bob signs in and stays in #general: his app receives the message but he has not looked at it.
  await signedIn({ bob: 'general' });
  await expect(message(alice.page, 'Are you around?').getByTestId('message-status')).toHaveText('Delivered');
});

test('the typing indicator shows for the other user and goes away', async ({ signedIn }) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });

  const input = alice.page.getByRole('main').getByTestId('message-input');
  await input.pressSequentially('Thinking about');
  await expect(bob.page.getByTestId('typing-indicator')).toHaveText('Alice is typing...');
  // Never one's own typing.
  await expect(alice.page.getByTestId('typing-indicator')).toHaveCount(0);

  // Erasing the text stops typing.
  await input.fill('');
  await expect(bob.page.getByTestId('typing-indicator')).toHaveCount(0);

  // Typing again and sending: the indicator goes, the message comes.
  await input.pressSequentially('Done thinking');
  await expect(bob.page.getByTestId('typing-indicator')).toHaveText('Alice is typing...');
  await input.press('Enter');
  await expect(message(bob.page, 'Done thinking')).toHaveCount(1);
  await expect(bob.page.getByTestId('typing-indicator')).toHaveCount(0);
});
