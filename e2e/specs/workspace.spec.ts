/**
 * Issue 13 in the app: an admin invites a person who signs up in the app and joins #general; alice
 * starts a DM with carol and both see it live; a private channel stays invisible to a non-member;
 * presence goes online → offline when the other app is killed. axe on each new dialog.
 */
import { spawn } from 'node:child_process';
import { checkAxe } from '../support/axe';
import { expect, test } from '../support/fixtures';
import { channelItem, message, send, unique } from '../support/ui';

// Offline 1 s after the last socket has gone, instead of 30 s: the kill below is seen in seconds.
test.use({ serverOptions: { env: { PRESENCE_OFFLINE_AFTER_MS: '1000' } } });

/** `npm run admin -- …` against the server's data folder, as an operator runs it; its output. */
function admin(dataDir: string, relayUrl: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-server/admin/cli.ts', '--data-dir', dataDir, ...args],
      { env: { ...process.env, RELAY_URL: relayUrl } },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`admin exited ${code}:\n${out}`)),
    );
  });
}

test('an admin invites a person, who signs up in the app and joins #general from the browser', async ({
  server,
  app,
}) => {
  const out = await admin(server.dataDir, server.url, ['user', 'add', 'dave', '--display-name', 'Dave']);
  const link = /https?:\/\/\S+\/invite\/\S+/.exec(out)?.[0];
  expect(link, out).toBeDefined();

  const dave = await app('invited-dave');
  const page = dave.page;
  await page.getByRole('button', { name: 'I have an invite' }).click();
  await page.getByTestId('invite-link').fill(link!);
  await page.getByTestId('invite-password').fill('short');
  await expect(page.getByText('At least 10 characters (5 so far).')).toBeVisible();
  await page.getByTestId('invite-password').fill('correct horse battery');
  await page.getByTestId('invite-password-repeat').fill('correct horse battery');
  await page.getByTestId('invite-submit').click();
  await expect(page.getByTestId('connection-status')).toHaveText('Connected');
  await expect(page.getByText('You are not in any channel yet.')).toBeVisible();

  await page.getByRole('button', { name: 'Browse channels' }).click();
  const browser = page.getByTestId('channel-browser');
  await expect(browser.getByRole('button', { name: 'Join #general' })).toBeVisible();
  await checkAxe(page, 'channel browser', '[data-testid="channel-browser"]');
  await browser.getByLabel('Search channels').fill('gene');
  await expect(browser.getByRole('button', { name: /^(Join|Open) #random$/ })).toHaveCount(0);
  await browser.getByRole('button', { name: 'Join #general' }).click();
  await expect(browser).toHaveCount(0);
  await expect(channelItem(page, 'general')).toHaveAttribute('aria-current', 'page');

  const hello = unique('Hello, I am new here');
  await send(page, hello);
  await expect(message(page, hello).getByTestId('message-status')).toHaveText(/Sent|Delivered|Read/);
  // The same invite a second time is refused (it was used once).
  const again = await fetch(`${server.url}/api/invites/${link!.split('/invite/')[1]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'another long one' }),
  });
  expect(again.status).toBe(404);
});

test('alice starts a DM with carol and both see it live', async ({ signedIn }) => {
  const { alice, carol } = await signedIn({ alice: 'general', carol: 'general' });

  await alice.page.getByRole('button', { name: 'New direct message' }).click();
  const picker = alice.page.getByTestId('dm-create');
  const to = picker.getByRole('combobox');
  await to.fill('car');
  await expect(picker.getByRole('option')).toHaveText([/Carol/]);
  await checkAxe(alice.page, 'DM picker', '[data-testid="dm-create"]');
  await to.press('Enter');
  await picker.getByRole('button', { name: 'Start conversation' }).click();
  await expect(picker).toHaveCount(0);

  const dms = (page: typeof alice.page) => page.getByRole('list', { name: 'Direct messages' });
  await expect(dms(alice.page).getByTestId('channel-item')).toHaveText([/Carol/]);
  await expect(dms(alice.page).getByTestId('presence')).toHaveAttribute('data-presence', 'online');
  const psst = unique('psst, lunch?');
  await send(alice.page, psst);

  // Carol's sidebar gets it without a reload, titled by alice, unread.
  const item = dms(carol.page).getByTestId('channel-item');
  await expect(item).toHaveText(/Alice/);
  await expect(item).toHaveAttribute('data-unread', '1');
  await expect(dms(carol.page).getByTestId('presence')).toHaveAttribute('data-presence', 'online');
  await item.click();
  await expect(message(carol.page, psst)).toHaveCount(1);
  await send(carol.page, 'yes!');
  await expect(message(alice.page, 'yes!')).toHaveCount(1);
});

test('a private channel stays invisible to a non-member', async ({ signedIn }) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });
  const name = `secret-${Date.now().toString(36)}`;

  await alice.page.getByRole('button', { name: 'Create a channel' }).click();
  const dialog = alice.page.getByTestId('channel-create');
  const field = dialog.getByLabel('Name', { exact: true });
  await field.fill('Secret Plans');
  await expect(dialog.getByText('Lower-case letters only.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Create' })).toBeDisabled();
  await checkAxe(alice.page, 'create channel', '[data-testid="channel-create"]');
  await field.fill(name);
  await dialog.getByLabel(/Private/).check();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(channelItem(alice.page, name)).toHaveAttribute('aria-current', 'page');
  await send(alice.page, 'the plan');

  // A taken name is said in place.
  await alice.page.getByRole('button', { name: 'Create a channel' }).click();
  await dialog.getByLabel('Name', { exact: true }).fill('general');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByRole('alert')).toContainText('taken');
  await dialog.press('Escape');
  await expect(dialog).toHaveCount(0);

  // Bob sees it nowhere: not in his list, not in the browser, whatever he searches.
  await expect(channelItem(bob.page, name)).toHaveCount(0);
  await bob.page.getByRole('button', { name: 'Browse channels' }).click();
  const browser = bob.page.getByTestId('channel-browser');
  await expect(browser.getByRole('button', { name: 'Open #general' })).toBeVisible();
  await browser.getByLabel('Search channels').fill('secret');
  await expect(browser.getByText('No channel matches “secret”.')).toBeVisible();
});

test('presence goes online → offline when the other app is killed', async ({ signedIn }) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });

  await alice.page.getByRole('button', { name: 'Channel menu' }).click();
  await alice.page.getByRole('button', { name: 'Members' }).click();
  const bobRow = alice.page.getByTestId('member-list').getByRole('listitem').filter({ hasText: 'Bob' });
  await expect(bobRow.getByTestId('presence')).toHaveAttribute('data-presence', 'online');
  await checkAxe(alice.page, 'member list', '.member-panel');

  await bob.kill();
  await expect(bobRow.getByTestId('presence')).toHaveAttribute('data-presence', 'offline');
});
