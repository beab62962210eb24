/** Sign-in: a wrong password is said so, and nothing else changes; the right one opens the workspace. */
import { expect, test } from '../support/fixtures';
import { signIn } from '../support/ui';

test('a wrong password shows login-error; the right one signs in', async ({ server, app }) => {
  const alice = await app('alice');
  const page = alice.page;
  await page.getByTestId('login-server').fill(server.url);
  await page.getByTestId('login-username').fill('alice');
  await page.getByTestId('login-password').fill('not the password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toBeVisible();
  await expect(page.getByTestId('login-error')).not.toBeEmpty();
  await expect(page.getByTestId('channel-list')).toHaveCount(0);
  // The password is never kept in the form after a refusal.
  await expect(page.getByTestId('login-password')).toHaveValue('');

  await signIn(page, server.url, 'alice');
  await expect(page.getByTestId('login-error')).toHaveCount(0);
});
