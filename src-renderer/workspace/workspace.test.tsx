// @vitest-environment happy-dom
/**
 * The workspace UI over the fake core (issue 13): the sidebar's sections and presence, the channel
 * browser, the create dialog's live name rules and refusals, the DM picker's type-ahead, the member
 * list, the channel menu, the dialogs' keyboard behaviour, and "I have an invite".
 */
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { alice, bob, carol, FakeRelay, fakeId, makeChannel } from '../testing/fake-relay';
import { layoutInEachTest } from '../testing/layout';
import { renderApp, settle } from '../testing/render-app';

layoutInEachTest();

const click = async (element: Element) => {
  fireEvent.click(element);
  await settle();
};
const type = (element: Element, value: string) => fireEvent.change(element, { target: { value } });

/** The app on `relay`, with the dialog the button named `button` opens (found by its test id). */
async function openDialog(relay: FakeRelay, button: string, testId: string): Promise<HTMLElement> {
  await renderApp(relay);
  await click(screen.getByRole('button', { name: button }));
  return screen.findByTestId(testId);
}

/** The app with a direct message between alice and carol. */
async function renderWithDm(): Promise<{ relay: FakeRelay; dm: ReturnType<typeof makeChannel> }> {
  const relay = new FakeRelay();
  const dm = makeChannel('carol', { kind: 'dm', private: true, members: [alice, carol] });
  relay.channels.push(dm);
  await renderApp(relay);
  return { relay, dm };
}

describe('the sidebar', () => {
  it('lists direct messages apart, titled by the other person, with their presence', async () => {
    const { relay, dm } = await renderWithDm();
    const dms = screen.getByRole('list', { name: 'Direct messages' });
    const item = within(dms).getByTestId('channel-item');
    expect(item.getAttribute('data-channel-id')).toBe(dm.id);
    expect(item.textContent).toContain('carol');
    expect(item.textContent).not.toContain('#');
    expect(within(item).getByTestId('presence').getAttribute('data-presence')).toBe('online');
    expect(
      within(screen.getByRole('list', { name: 'Channels' })).getAllByTestId('channel-item'),
    ).toHaveLength(2);

    act(() =>
      relay.emit(
        'people',
        relay.people.map((p) => (p.id === carol.id ? { ...p, presence: 'away' } : p)),
      ),
    );
    expect(within(item).getByTestId('presence').getAttribute('data-presence')).toBe('away');
  });
});

describe('a direct message, open', () => {
  it('is named by its people everywhere in the pane, never as a #channel', async () => {
    await renderWithDm();
    const dms = screen.getByRole('list', { name: 'Direct messages' });
    await click(within(dms).getByTestId('channel-item'));
    const pane = await screen.findByRole('main', { name: 'carol' });
    // Its first page is empty: the empty state, the list and the composer all name it.
    expect(await within(pane).findByText('This is the start of carol')).toBeTruthy();
    // Its hint speaks of who reads a direct message, not of a channel's members.
    expect(pane.textContent).toContain('only the people in this conversation will see it');
    expect(pane.textContent).not.toContain('everyone in the channel');
    expect(within(pane).getByTestId('message-list').getAttribute('aria-label')).toBe('Messages in carol');
    expect(within(pane).getByTestId('message-input').getAttribute('placeholder')).toBe('Message carol');
    expect(pane.textContent).not.toContain('#carol');
  });
});

describe('the channel browser', () => {
  it('searches by name or topic and joins a channel, which then opens', async () => {
    const relay = new FakeRelay();
    const design = {
      id: fakeId(),
      name: 'design',
      topic: 'pixels',
      private: false,
      archived: false,
      memberCount: 3,
      member: false,
    };
    const ops = { ...design, id: fakeId(), name: 'ops', topic: 'pager duty' };
    relay.browsable = [design, ops];
    const dialog = await openDialog(relay, 'Browse channels', 'channel-browser');
    expect(dialog.getAttribute('role')).toBe('dialog');
    type(within(dialog).getByLabelText('Search channels'), 'pager');
    // The list comes from the core (browseChannels): found once it is in, then only the match is there.
    const join = await within(dialog).findByRole('button', { name: 'Join #ops' });
    expect(within(dialog).queryByText('# design')).toBeNull();
    await click(join);
    expect(relay.callsOf('joinChannel')).toEqual([{ channelId: ops.id }]);
    expect(screen.queryByTestId('channel-browser')).toBeNull();
    // The channel shows once its first page is in (channel-slice: FIRST_PAGE_WAIT_MS).
    expect(await screen.findByRole('main', { name: '#ops' })).toBeTruthy();
  });
});

describe('the create-channel dialog', () => {
  it('shows the name rules as one types, and the server refusal in place', async () => {
    const relay = new FakeRelay();
    const dialog = await openDialog(relay, 'Create a channel', 'channel-create');
    const name = within(dialog).getByLabelText('Name');
    const create = within(dialog).getByRole('button', { name: 'Create' });
    expect(document.activeElement).toBe(name);

    type(name, 'Big Plans');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(dialog.textContent).toContain('Lower-case letters only.');
    expect((create as HTMLButtonElement).disabled).toBe(true);
    type(name, 'big plans');
    expect(dialog.textContent).toContain('No spaces');
    type(name, 'big-plans');
    expect(name.getAttribute('aria-invalid')).toBe('false');

    relay.failNext('createChannel', 'CONFLICT', 'The name #big-plans is taken');
    await click(create);
    expect(within(dialog).getByRole('alert').textContent).toContain('The name #big-plans is taken');

    // A private one with a member picked by type-ahead.
    fireEvent.click(within(dialog).getByLabelText(/Private/));
    const picker = within(dialog).getByRole('combobox');
    type(picker, 'bo');
    fireEvent.keyDown(picker, { key: 'Enter' });
    await click(create);
    expect(relay.callsOf('createChannel').at(-1)).toEqual({
      name: 'big-plans',
      private: true,
      topic: undefined,
      memberIds: [bob.id],
    });
    expect(screen.queryByTestId('channel-create')).toBeNull();
    // The channel shows once its first page is in (channel-slice: FIRST_PAGE_WAIT_MS).
    expect(await screen.findByRole('main', { name: '#big-plans' })).toBeTruthy();
  });

  it('closes on Esc and gives focus back to the button that opened it', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    const opener = screen.getByRole('button', { name: 'Create a channel' });
    opener.focus();
    await click(opener);
    // Found, not got: the dialog's chunk loads on first use, and this test may be the first.
    const dialog = await screen.findByTestId('channel-create');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.getAttribute('aria-labelledby')).toBeTruthy();
    // Tab from the last control wraps to the first (focus stays in the dialog).
    const buttons = within(dialog).getAllByRole('button');
    const last = buttons.at(-1)!;
    last.focus();
    fireEvent.keyDown(last, { key: 'Tab' });
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(document.activeElement).not.toBe(last);
    // Focus dropped to the page (a button disabled while busy does that): Esc still closes.
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    await settle();
    expect(screen.queryByTestId('channel-create')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});

describe('the DM picker', () => {
  it('finds people by typing, picks with the keyboard and opens the DM', async () => {
    const relay = new FakeRelay();
    const dialog = await openDialog(relay, 'New direct message', 'dm-create');
    const input = within(dialog).getByRole('combobox');
    type(input, 'ca');
    const options = within(dialog).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([expect.stringContaining('carol')]);
    // Oneself is not offered.
    type(input, 'ali');
    expect(within(dialog).queryAllByRole('option')).toHaveLength(0);
    type(input, 'ca');
    fireEvent.keyDown(input, { key: 'Enter' });
    await click(within(dialog).getByRole('button', { name: 'Start conversation' }));
    expect(relay.callsOf('openDm')).toEqual([{ userIds: [carol.id] }]);
    const dms = screen.getByRole('list', { name: 'Direct messages' });
    expect(within(dms).getByTestId('channel-item').getAttribute('aria-current')).toBe('page');
  });
});

describe('the channel menu and the member list', () => {
  it('shows members with presence, renames, and leaves', async () => {
    const relay = new FakeRelay();
    relay.people = relay.people.map((p) => (p.id === bob.id ? { ...p, presence: 'offline' } : p));
    await renderApp(relay);
    const general = relay.channels[0]!;
    await click(screen.getByRole('button', { name: 'Channel menu' }));
    await click(screen.getByRole('button', { name: 'Members' }));
    const list = await screen.findByTestId('member-list');
    const presence = within(list)
      .getAllByTestId('presence')
      .map((p) => p.getAttribute('data-presence'));
    expect(presence).toEqual(['online', 'offline']);

    await click(screen.getByRole('button', { name: 'Channel menu' }));
    await click(screen.getByRole('button', { name: 'Rename…' }));
    const rename = screen.getByTestId('channel-name');
    type(within(rename).getByLabelText('New name'), 'everyone');
    await click(within(rename).getByRole('button', { name: 'Save' }));
    expect(relay.callsOf('updateChannel')).toEqual([{ channelId: general.id, name: 'everyone' }]);
    // The channel shows once its first page is in (channel-slice: FIRST_PAGE_WAIT_MS).
    expect(await screen.findByRole('main', { name: '#everyone' })).toBeTruthy();

    await click(screen.getByRole('button', { name: 'Channel menu' }));
    await click(screen.getByRole('button', { name: 'Leave channel…' }));
    await click(within(screen.getByTestId('channel-leave')).getByRole('button', { name: 'Leave' }));
    expect(relay.callsOf('leaveChannel')).toEqual([{ channelId: general.id }]);
    expect(screen.getAllByTestId('channel-item').map((i) => i.getAttribute('data-channel-id'))).not.toContain(
      general.id,
    );
  });

  it('shows an archived channel read-only, without a composer', async () => {
    const relay = new FakeRelay();
    relay.channels[0]!.archived = true;
    await renderApp(relay);
    expect(screen.queryByTestId('message-input')).toBeNull();
    expect(screen.getByText(/is archived: its messages stay readable/)).toBeTruthy();
  });
});

describe('I have an invite', () => {
  it('takes the invite link, checks the password length, and signs in', async () => {
    const relay = new FakeRelay({ signedIn: false });
    await renderApp(relay);
    await click(screen.getByRole('button', { name: 'I have an invite' }));
    const token = 'A'.repeat(43);
    type(screen.getByTestId('invite-link'), `http://relay.example:3000/invite/${token}`);
    type(screen.getByTestId('invite-password'), 'short');
    expect(screen.getByText(/At least 10 characters \(5 so far\)/)).toBeTruthy();
    type(screen.getByTestId('invite-password'), 'a long enough one');
    type(screen.getByTestId('invite-password-repeat'), 'a long enough one');
    await click(screen.getByTestId('invite-submit'));
    expect(relay.callsOf('redeemInvite')).toEqual([
      { serverUrl: 'http://relay.example:3000', token, password: 'a long enough one' },
    ]);
    expect(screen.getByTestId('channel-list')).toBeTruthy();
  });
});
