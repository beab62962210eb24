/**
 * A channel left and joined again, in the app: alice holds all of bob's channel (more than its first
 * page), leaves it from the channel menu, bob edits and deletes older messages meanwhile, alice joins
 * again from the browser and scrolls back: she sees the edit and the deletion, not the copy she held.
 */
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import { connectAs, emitWithAck } from '../../src-server/testing';
import { expect, test } from '../support/fixtures';
import { channelItem, message } from '../support/ui';

// Bob's 60 messages go in at once.
test.use({ serverOptions: { env: { MESSAGE_RATE_LIMIT: '0' } } });

/** More than a first page (50): the oldest are only seen by scrolling back. */
const HISTORY = 60;

function rowWithId(page: Page, id: string): Locator {
  return page.getByTestId('message-list').locator(`[data-testid="message"][data-message-id="${id}"]`);
}

/** Scrolls the open channel back until its first message (`first`) shows. */
async function scrollToFirst(page: Page, first: string): Promise<void> {
  const list = page.getByTestId('message-list');
  await expect
    .poll(
      async () => {
        await list.evaluate((el) => {
          el.scrollTop = 0;
        });
        return message(page, first).count();
      },
      { timeout: 30_000 },
    )
    .toBe(1);
}

async function joinFromBrowser(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Browse channels' }).click();
  const browser = page.getByTestId('channel-browser');
  await browser.getByLabel('Search channels').fill(name);
  await browser.getByRole('button', { name: `Join #${name}` }).click();
  await expect(browser).toHaveCount(0);
  await expect(channelItem(page, name)).toHaveAttribute('aria-current', 'page');
}

test('a channel left and joined again shows the edits and deletions made while away', async ({
  signedIn,
  server,
}) => {
  const { alice } = await signedIn({ alice: 'general' });
  const bob = await connectAs(server.url, 'bob');
  try {
    const name = `rejoin-${Date.now().toString(36)}`;
    const created = await fetch(`${server.url}/api/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    const channelId = ((await created.json()) as { id: string }).id;
    // Sent together (one commit for many on the server), then put in seq order: ids[n] is seq n + 1.
    const acks = await Promise.all(
      Array.from({ length: HISTORY }, (_, i) =>
        emitWithAck<{ ok: boolean; messageId: string; seq: number }>(bob.socket, 'message:send', {
          channelId,
          content: `early message ${i}.`,
          clientMessageId: randomUUID(),
        }),
      ),
    );
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const bySeq = acks
      .map((ack, i) => ({ ...ack, content: `early message ${i}.` }))
      .sort((a, b) => a.seq - b.seq);
    const ids = bySeq.map((m) => m.messageId);
    const first = bySeq[0]!.content;

    await joinFromBrowser(alice.page, name);
    await scrollToFirst(alice.page, first);
    await expect(rowWithId(alice.page, ids[1]!)).toContainText(bySeq[1]!.content);

    await alice.page.getByRole('button', { name: 'Channel menu' }).click();
    await alice.page.getByRole('button', { name: 'Leave channel…' }).click();
    await alice.page.getByTestId('channel-leave').getByRole('button', { name: 'Leave' }).click();
    await expect(channelItem(alice.page, name)).toHaveCount(0);

    const edit = await emitWithAck<{ ok: boolean }>(bob.socket, 'message:edit', {
      messageId: ids[1],
      content: 'edited while alice was away',
      opId: randomUUID(),
    });
    const removal = await emitWithAck<{ ok: boolean }>(bob.socket, 'message:delete', {
      messageId: ids[3],
      opId: randomUUID(),
    });
    expect([edit.ok, removal.ok]).toEqual([true, true]);

    await joinFromBrowser(alice.page, name);
    await scrollToFirst(alice.page, first);
    await expect(rowWithId(alice.page, ids[1]!)).toContainText('edited while alice was away');
    await expect(rowWithId(alice.page, ids[3]!)).toContainText('This message was deleted');
    await expect(message(alice.page, bySeq[3]!.content)).toHaveCount(0);
  } finally {
    bob.socket.close();
  }
});
