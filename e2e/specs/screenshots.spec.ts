/**
 * Issue 5's screenshots, from the browser host in Chromium: sign-in, a busy channel, a thread and
 * the offline state, saved under test-results/screenshots/. The conversation is put on the server
 * through the real protocol (raw sockets) so the pictures show a channel with some history.
 * (No emoji in it: Debian's Chromium here has no colour emoji font, and tofu boxes help nobody.)
 */
import { mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { type ClientSocket, connectAs, emitWithAck } from '../../src-server/testing';
import type { DemoUser } from '../support/app';
import { expect, test } from '../support/fixtures';
import { channelId, channelItem, message, openChannel, send, signIn } from '../support/ui';

const DIR = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

const GENERAL: [DemoUser, string][] = [
  ['carol', 'Morning all! The **0.4 release** branch is cut.'],
  ['bob', 'Nice. Anything I should look at before QA starts?'],
  ['carol', 'The offline outbox changes, mostly. Notes: https://example.com/relay/0.4'],
  ['alice', 'I can take the outbox review.'],
  ['alice', 'Checklist:\n- kill -9 while sending\n- server restart\n- token expiry'],
  ['bob', 'Add `MESSAGE_RATE_LIMIT=1` to the list, the retry path is new too.'],
  ['carol', 'Good call. Standup moves to 10:30 today.'],
  ['bob', 'Who reviews the release notes?'],
  ['alice', "> Who reviews the release notes?\nI'll do it after lunch."],
  ['carol', 'Thanks both!'],
  ['bob', 'Heads-up: the staging server restarts at noon, expect a short *Offline* blip.'],
  ['alice', 'Noted, the app keeps anything you send meanwhile.'],
];

test.describe('screenshots', () => {
  test.use({ serverOptions: { env: { MESSAGE_RATE_LIMIT: '0' } } });

  test('sign-in, a busy channel, a thread and the offline state', async ({ server, app, target }) => {
    test.skip(target !== 'browser', 'issue 5 asks for screenshots from the browser host in Chromium');
    await mkdir(DIR, { recursive: true });

    const alice = await app('alice');
    await alice.page.getByTestId('login-server').fill(server.url);
    await alice.page.getByTestId('login-username').fill('alice');
    await expect(alice.page.getByTestId('login-submit')).toBeEnabled();
    await shoot(alice.page, 'sign-in');

    const sockets = await seed(server.url);
    try {
      await signIn(alice.page, server.url, 'alice');
      await openChannel(alice.page, 'general');
      await expect(message(alice.page, 'the app keeps anything')).toBeVisible();
      await expect(channelItem(alice.page, 'random')).toHaveAttribute('data-unread', '3');
      await send(alice.page, 'Ping me when staging is back.');
      await expect(message(alice.page, 'Ping me when staging').getByTestId('message-status')).not.toHaveText(
        'Sending',
      );
      await shoot(alice.page, 'busy-channel');

      await message(alice.page, 'Who reviews the release notes?').first().getByTestId('reply-button').click();
      const thread = alice.page.getByTestId('thread-view');
      await expect(thread.getByTestId('message-content')).toHaveText([
        'Me! After lunch.',
        'Thank you. The draft is in the shared folder.',
      ]);
      await shoot(alice.page, 'thread');
      await thread.getByRole('button', { name: 'Close thread' }).click();

      await server.kill();
      await expect(alice.page.getByTestId('connection-status')).toHaveText('Offline');
      await send(alice.page, 'Writing this while the server is down.');
      await expect(message(alice.page, 'while the server is down').getByTestId('message-status')).toHaveText(
        'Sending',
      );
      await shoot(alice.page, 'offline');
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
});

async function shoot(page: Page, name: string): Promise<void> {
  const path = `${DIR}${name}.png`;
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  expect((await stat(path)).size).toBeGreaterThan(10_000);
}

/** The conversation, sent by each author's own socket; replies under "Who reviews...". */
async function seed(url: string): Promise<ClientSocket[]> {
  const users = {
    alice: await connectAs(url, 'alice'),
    bob: await connectAs(url, 'bob'),
    carol: await connectAs(url, 'carol'),
  };
  const general = await channelId(url, users.bob.token, 'general');
  const random = await channelId(url, users.bob.token, 'random');
  const post = async (user: DemoUser, channelId: string, content: string, parentId?: string) => {
    const ack = await emitWithAck<{ ok: boolean; messageId: string }>(users[user].socket, 'message:send', {
      channelId,
      content,
      ...(parentId ? { parentId } : {}),
    });
    expect(ack).toMatchObject({ ok: true });
    return ack.messageId;
  };
  for (const [user, content] of GENERAL) {
    const id = await post(user, general, content);
    if (content === 'Who reviews the release notes?') {
      await post('alice', general, 'Me! After lunch.', id);
      await post('carol', general, 'Thank you. The draft is in the shared folder.', id);
    }
  }
  await post('bob', random, 'Lunch: tacos or ramen?');
  await post('bob', random, 'I vote ramen.');
  await post('bob', random, 'Leaving at 12:15.');
  return Object.values(users).map((u) => u.socket);
}
