/**
 * Issue 11: one message (`'>'.repeat(2000)`) blanked every member's app, and again after a reload
 * because that channel opens first. The worst bodies found (deep nesting, long delimiter runs, a bidi
 * override) go straight over the protocol from a raw socket; bob's app must show each (as markup or
 * as the text typed), stay usable, and come back usable after a reload.
 */
import { expect, test } from '../support/fixtures';
import { sendRaw } from '../support/seed';
import { messageBodies, openChannel, send, signIn, unique } from '../support/ui';

const WORST = [
  '>'.repeat(2000),
  '> '.repeat(1000),
  '- >'.repeat(666),
  '1. '.repeat(666),
  '*a_'.repeat(666),
  '[a'.repeat(1000),
  '`'.repeat(2000),
  '~'.repeat(2000),
  '<'.repeat(2000),
  'before \u202Eevil override, then **bold**',
];

test.describe('worst-case bodies', () => {
  // More messages than the default burst allows: this test is about rendering, not the rate limit.
  test.use({ serverOptions: { env: { MESSAGE_RATE_LIMIT: '0' } } });

  test('render without taking the app down, also after a reload', async ({ server, app }) => {
    const bob = await app('bob');
    const errors: string[] = [];
    bob.page.on('pageerror', (error) => errors.push(error.message));
    await signIn(bob.page, server.url, 'bob');
    await openChannel(bob.page, 'general');

    await sendRaw(server.url, 'alice', WORST);

    const usable = async (label: string) => {
      await expect(messageBodies(bob.page).filter({ hasText: 'evil override' })).toHaveCount(1);
      // The override is isolated in its own <bdi>: it cannot reverse the rest of the row.
      await expect(messageBodies(bob.page).filter({ hasText: 'evil override' }).locator('bdi')).toHaveText(
        'before \u202Eevil override, then ',
      );
      await expect(bob.page.getByText('could not be shown')).toHaveCount(0);
      await expect(bob.page.getByTestId('connection-status')).toHaveText('Connected');
      const mine = unique(label);
      await send(bob.page, mine);
      await expect(messageBodies(bob.page).filter({ hasText: mine })).toHaveCount(1);
    };

    await usable('before reload');
    // The list is virtualized: the first worst case is off screen; scroll to the top to render it.
    await bob.page.getByTestId('message-list').evaluate((list) => {
      list.scrollTop = 0;
    });
    await expect(messageBodies(bob.page).filter({ hasText: '>>>>>>>>>>' }).first()).toBeVisible();

    await bob.page.reload();
    await expect(bob.page.getByTestId('channel-list')).toBeVisible();
    await openChannel(bob.page, 'general');
    await usable('after reload');
    expect(errors).toEqual([]);
  });
});
