// @vitest-environment happy-dom
/**
 * Issue 14 in the message list: the toolbar, edit in place, delete with a confirmation and its
 * tombstone, reaction pills and the emoji picker, and @mention pills, over the fake core.
 */
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src-shared/bridge';
import { alice, bob, FakeRelay, makeMessage } from '../testing/fake-relay';
import { layoutInEachTest } from '../testing/layout';
import { renderApp, settle } from '../testing/render-app';

layoutInEachTest();

/** #general with bob's message, then two of alice's (the signed-in user), the newest last. */
async function conversation(patch: (i: number) => Partial<MessageView> = () => ({})) {
  const relay = new FakeRelay();
  const general = relay.channels[0]!;
  const messages = relay.seed(general.id, 3, (i) => ({
    content: ['from bob', 'first of mine', 'second of mine'][i],
    ...(i > 0 ? { own: true, author: alice, status: 'Sent' as const } : {}),
    ...patch(i),
  }));
  const view = await renderApp(relay);
  const row = (text: string) =>
    screen.getAllByTestId('message').find((m) => m.textContent?.includes(text)) as HTMLElement;
  return { relay, general, messages, row, ...view };
}

const composer = () =>
  within(document.querySelector('.channel-pane') as HTMLElement).getByTestId(
    'message-input',
  ) as HTMLTextAreaElement;

describe('the message toolbar', () => {
  it("offers react and reply on anyone's message, edit and delete on one's own", async () => {
    const { row } = await conversation();
    const ids = (el: HTMLElement) =>
      [...within(el).getByRole('toolbar').querySelectorAll('button')].map((b) => b.dataset.testid);
    expect(ids(row('from bob'))).toEqual(['reaction-add', 'reply-button']);
    expect(ids(row('second of mine'))).toEqual([
      'reaction-add',
      'reply-button',
      'message-edit',
      'message-delete',
    ]);
    for (const button of within(row('second of mine')).getAllByRole('button')) {
      expect(button.getAttribute('aria-label')).toBeTruthy();
    }
  });

  it("is one tab stop (Reply, as before) in the list's current row; Left/Right move inside it", async () => {
    const { row } = await conversation();
    const newest = row('second of mine');
    const toolbarButtons = [...within(newest).getByRole('toolbar').querySelectorAll('button')];
    expect(toolbarButtons.map((b) => b.tabIndex)).toEqual([-1, 0, -1, -1]);
    // Another row's buttons are no tab stops at all.
    expect(
      [...within(row('from bob')).getByRole('toolbar').querySelectorAll('button')].map((b) => b.tabIndex),
    ).toEqual([-1, -1]);
    act(() => toolbarButtons[1]!.focus());
    fireEvent.keyDown(toolbarButtons[1]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(within(newest).getByTestId('message-edit'));
    expect(within(newest).getByTestId('message-edit').tabIndex).toBe(0);
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(document.activeElement).toBe(within(newest).getByTestId('message-delete'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(within(newest).getByTestId('reaction-add'));
  });
  it('makes Reply the stop once a message sent from here has its id (none while sending)', async () => {
    const { relay, general } = await conversation();
    const sending = makeMessage(general.id, {
      id: undefined,
      key: 'k-new',
      clientMessageId: '00000000-0000-4000-8000-0000000000aa',
      own: true,
      author: alice,
      status: 'Sending',
      content: 'just sent',
    });
    act(() => relay.emit('messageUpserted', sending));
    const newest = () => screen.getAllByTestId('message').at(-1)!;
    expect(within(newest()).queryByTestId('reply-button')).toBeNull();
    expect(within(newest()).getByTestId('reaction-add').tabIndex).toBe(0);
    act(() =>
      relay.emit('messageUpserted', {
        ...sending,
        id: '00000000-0000-4000-8000-0000000000ab',
        seq: 4,
        status: 'Sent',
      }),
    );
    expect(within(newest()).getByTestId('reply-button').tabIndex).toBe(0);
    expect(within(newest()).getByTestId('reaction-add').tabIndex).toBe(-1);
  });
});

describe('edit in place', () => {
  it('Up in an empty composer edits the last own message; Enter saves it through the core', async () => {
    const { relay, general, messages, row } = await conversation();
    act(() => composer().focus());
    fireEvent.keyDown(composer(), { key: 'ArrowUp' });
    await settle(2);
    // In the newest own message's row, in place of its body.
    const editor = within(screen.getAllByTestId('message').at(-1)!).getByRole('textbox', {
      name: 'Edit message',
    }) as HTMLTextAreaElement;
    expect(editor.value).toBe('second of mine');
    expect(document.activeElement).toBe(editor);
    fireEvent.change(editor, { target: { value: 'second of mine, fixed' } });
    fireEvent.keyDown(editor, { key: 'Enter' });
    await settle();
    expect(relay.callsOf('editMessage')).toEqual([
      { channelId: general.id, key: messages[2]!.key, content: 'second of mine, fixed' },
    ]);
    // Shown at once, marked pending until the server's answer; then "(edited)".
    const edited = row('second of mine, fixed');
    expect(within(edited).getByText(/Saving/)).toBeTruthy();
    expect(within(edited).queryByTestId('message-edited')).toBeNull();
    act(() =>
      relay.emit('messageUpserted', {
        ...messages[2]!,
        content: 'second of mine, fixed',
        editedAt: new Date().toISOString(),
        pendingChange: null,
      }),
    );
    expect(within(row('second of mine, fixed')).getByTestId('message-edited').textContent).toBe('(edited)');
    expect(within(row('second of mine, fixed')).queryByText(/Saving/)).toBeNull();
    // Focus went back to the composer it came from.
    expect(document.activeElement).toBe(composer());
  });

  it('Esc cancels without a call; Up with text in the composer moves the caret, not into an edit', async () => {
    const { relay, row } = await conversation();
    fireEvent.change(composer(), { target: { value: 'draft' } });
    fireEvent.keyDown(composer(), { key: 'ArrowUp' });
    await settle(1);
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
    fireEvent.click(within(row('first of mine')).getByTestId('message-edit'));
    await settle(1);
    const editor = screen.getByRole('textbox', { name: 'Edit message' });
    expect((editor as HTMLTextAreaElement).value).toBe('first of mine');
    fireEvent.keyDown(editor, { key: 'Escape' });
    await settle(1);
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
    expect(relay.callsOf('editMessage')).toEqual([]);
    // The thread pane (none open) and the composer are untouched.
    expect(composer().value).toBe('draft');
  });
});

describe('delete', () => {
  it('asks first; Cancel keeps the message, Delete leaves a tombstone in its place', async () => {
    const { relay, general, messages, row } = await conversation();
    fireEvent.click(within(row('first of mine')).getByTestId('message-delete'));
    await settle(1);
    const dialog = screen.getByRole('alertdialog', { name: 'Delete message?' });
    expect(within(dialog).getByText('first of mine')).toBeTruthy();
    // The harmless choice has focus.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await settle(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(relay.callsOf('deleteMessage')).toEqual([]);

    fireEvent.click(within(row('first of mine')).getByTestId('message-delete'));
    await settle(1);
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await settle();
    expect(relay.callsOf('deleteMessage')).toEqual([{ channelId: general.id, key: messages[1]!.key }]);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    const bodies = screen.getAllByTestId('message-content').map((c) => c.textContent?.trim());
    expect(bodies).toEqual(['from bob', 'This message was deleted Saving…', 'second of mine']);
    // A tombstone has nothing to act on.
    const tombstone = screen.getAllByTestId('message')[1]!;
    expect(within(tombstone).queryByRole('toolbar')).toBeNull();
  });
});

describe('reactions', () => {
  it("shows a pill per emoji with its count, one's own highlighted, who reacted, and a click toggles", async () => {
    const { relay, general, messages, row } = await conversation((i) =>
      i === 0
        ? {
            reactions: [
              { emoji: '👍', count: 2, userIds: [bob.id, alice.id], mine: true, pending: false },
              { emoji: '🎉', count: 1, userIds: [bob.id], mine: false, pending: false },
            ],
          }
        : {},
    );
    const pills = within(row('from bob')).getAllByTestId('reaction');
    expect(pills.map((p) => [p.dataset.emoji, p.dataset.count, p.getAttribute('aria-pressed')])).toEqual([
      ['👍', '2', 'true'],
      ['🎉', '1', 'false'],
    ]);
    const tip = document.getElementById(pills[0]!.getAttribute('aria-describedby')!);
    expect(tip?.textContent).toBe('You and bob reacted with 👍');
    fireEvent.click(pills[0]!);
    fireEvent.click(pills[1]!);
    await settle();
    expect(relay.callsOf('removeReaction')).toEqual([
      { channelId: general.id, key: messages[0]!.key, emoji: '👍' },
    ]);
    expect(relay.callsOf('addReaction')).toEqual([
      { channelId: general.id, key: messages[0]!.key, emoji: '🎉' },
    ]);
  });

  it('adds one from the picker: type to narrow, arrows, Enter; Esc closes back to the button', async () => {
    const { relay, general, messages, row } = await conversation();
    const add = within(row('from bob')).getByTestId('reaction-add');
    fireEvent.click(add);
    const picker = await screen.findByRole('dialog', { name: 'Add a reaction' });
    const search = within(picker).getByRole('combobox', { name: 'Search emoji' });
    expect(document.activeElement).toBe(search);
    fireEvent.change(search, { target: { value: 'party' } });
    expect(
      within(picker)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['🥳', '🎉']);
    fireEvent.keyDown(search, { key: 'ArrowRight' });
    expect(search.getAttribute('aria-activedescendant')).toBe(within(picker).getAllByRole('option')[1]!.id);
    fireEvent.keyDown(search, { key: 'Enter' });
    await settle();
    expect(relay.callsOf('addReaction')).toEqual([
      { channelId: general.id, key: messages[0]!.key, emoji: '🎉' },
    ]);
    expect(screen.queryByRole('dialog', { name: 'Add a reaction' })).toBeNull();

    fireEvent.click(add);
    fireEvent.keyDown(screen.getByRole('combobox', { name: 'Search emoji' }), { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Add a reaction' })).toBeNull();
    expect(document.activeElement).toBe(add);
    expect(relay.callsOf('addReaction')).toHaveLength(1);
  });
});

describe('mentions', () => {
  it('renders the mentioned names as pills, a mention of oneself highlighted', async () => {
    const relay = new FakeRelay();
    const general = relay.channels[0]!;
    relay.messages.set(general.id, [
      makeMessage(general.id, {
        seq: 1,
        content: 'hey @alice and @bob, not @nobody',
        mentions: [alice.id, bob.id],
        mentionsMe: true,
      }),
      makeMessage(general.id, { seq: 2, content: 'plain @bob text', mentions: [] }),
    ]);
    await renderApp(relay);
    const [first, second] = screen.getAllByTestId('message-content');
    const pills = within(first!).getAllByTestId('mention');
    expect(pills.map((p) => [p.textContent, p.classList.contains('mention-me')])).toEqual([
      ['@alice', true],
      ['@bob', false],
    ]);
    expect(within(second!).queryAllByTestId('mention')).toEqual([]);
  });
});
