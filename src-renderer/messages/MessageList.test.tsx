// @vitest-environment happy-dom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppStore } from '../store/app-store';
import { AppProvider } from '../store/context';
import { alice, bob, FakeRelay } from '../testing/fake-relay';
import { layoutInEachTest, ROW_HEIGHT } from '../testing/layout';
import { renderMessageList, settle } from '../testing/render-app';
import { MessageList } from './MessageList';
import { loadMarkdown } from './markdown-loader';

// What the first frame of a list holds once marked and DOMPurify are in (MessageContent.test.tsx has
// the frames before).
beforeAll(() => loadMarkdown());

layoutInEachTest();

/** A store already holding the newest `count` messages of one channel, and the list rendered over it. */
async function renderList(count: number, hasMore = false, inCore = count) {
  const relay = new FakeRelay();
  const channel = relay.channels[0]!;
  const messages = relay.seed(channel.id, inCore).slice(-count);
  const { store } = await renderMessageList(relay, messages, hasMore);
  return { relay, store, channel, messages, scroller: screen.getByTestId('message-list') };
}

/** The key text of the row under a scroll offset (rows are positioned with translateY). */
function rowAt(scroller: HTMLElement, offset: number): string | null {
  for (const row of scroller.querySelectorAll<HTMLElement>('[data-index]')) {
    const start = Number.parseFloat(/translateY\(([-\d.]+)px\)/.exec(row.style.transform)?.[1] ?? 'NaN');
    if (start <= offset && offset < start + 40) return row.textContent;
  }
  return null;
}

function scrollTo(scroller: HTMLElement, top: number) {
  act(() => {
    scroller.scrollTop = top;
    fireEvent.scroll(scroller);
  });
}

describe('the message list', () => {
  it('virtualizes: 5,000 messages mount far fewer than 100 rows, the newest among them', async () => {
    const { messages } = await renderList(5_000);
    const mounted = screen.getAllByTestId('message');
    expect(mounted.length).toBeGreaterThan(5);
    expect(mounted.length).toBeLessThan(100);
    const ids = mounted.map((m) => m.getAttribute('data-message-id'));
    expect(ids).toContain(messages.at(-1)!.id);
    expect(ids).not.toContain(messages[0]!.id);
  });

  it('asks for the previous page when scrolled to the top, and only then', async () => {
    const { relay, scroller } = await renderList(300, true);
    expect(relay.callsOf('listMessages')).toEqual([]);
    scrollTo(scroller, 0);
    await settle();
    expect(relay.callsOf('listMessages')).toHaveLength(1);
    expect(relay.callsOf('listMessages')[0]).toMatchObject({ before: 1 });
  });

  it('keeps the message at the top of the view in place while an older page is prepended', async () => {
    const { relay, store, channel, scroller } = await renderList(100, true, 400);
    scrollTo(scroller, 200);
    const topBefore = rowAt(scroller, scroller.scrollTop);
    expect(topBefore).toMatch(/message \d+/);
    await settle();
    expect(relay.callsOf('listMessages')).toHaveLength(1);
    expect(store.getState().histories[channel.id]!.messages).toHaveLength(150);
    expect(scroller.scrollTop).toBeGreaterThan(200);
    expect(rowAt(scroller, scroller.scrollTop)).toBe(topBefore);
  });

  it('offers "jump to newest" away from the bottom, and jumps there', async () => {
    const { scroller } = await renderList(300);
    expect(screen.queryByRole('button', { name: /Jump to newest/ })).toBeNull();
    scrollTo(scroller, 1_000);
    await settle(2);
    fireEvent.click(screen.getByRole('button', { name: /Jump to newest/ }));
    await settle(2);
    expect(scroller.scrollTop).toBeGreaterThan(1_000);
  });

  it('opens at the newest rows: the oldest of the page are never mounted on the way (figure 7)', async () => {
    const relay = new FakeRelay();
    const channel = relay.channels[0]!;
    const messages = relay.seed(channel.id, 50);
    const store = createAppStore(relay.api, 'electron');
    store.setState({ channels: relay.channels, activeChannelId: channel.id });
    // Every message row that is ever put in the document, in order.
    const mounted: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (!(node instanceof HTMLElement)) continue;
          const rows = [node, ...node.querySelectorAll<HTMLElement>('[data-testid="message"]')];
          for (const row of rows) if (row.dataset.testid === 'message') mounted.push(row.dataset.messageId!);
        }
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
    // Mounted while the page loads, as when a channel is clicked; then the page arrives.
    render(
      <AppProvider store={store} relay={relay.api}>
        <MessageList channel={channel} />
      </AppProvider>,
    );
    await settle();
    act(() => {
      store.setState({
        histories: { [channel.id]: { messages, hasMore: true, status: 'ready', loadingOlder: false } },
      });
    });
    await settle(3);
    observer.disconnect();
    expect(mounted).toContain(messages.at(-1)!.id);
    expect(mounted).not.toContain(messages[0]!.id);
    // The first frame guesses the view is the window's height (an upper bound), so a few more than a
    // 600 px screenful of 40 px rows: still fewer than the page's 50.
    expect(new Set(mounted).size).toBeLessThan(messages.length);
  });

  it('makes its first frame without hover toolbars and off-screen Markdown, and adds them right after (figure 7)', async () => {
    const relay = new FakeRelay();
    const channel = relay.channels[0]!;
    // Own messages, "Sent": the newest shows its status mark at rest, the others only on hover.
    const messages = relay.seed(channel.id, 50, (i) => ({
      content: `**bold** ${i}`,
      own: true,
      author: alice,
      status: 'Sent' as const,
    }));
    const store = createAppStore(relay.api, 'electron');
    store.setState({
      channels: relay.channels,
      activeChannelId: channel.id,
      histories: { [channel.id]: { messages, hasMore: false, status: 'ready', loadingOlder: false } },
    });
    render(
      <AppProvider store={store} relay={relay.api}>
        <MessageList channel={channel} />
      </AppProvider>,
    );
    const rows = () => screen.getAllByTestId('message');
    const newest = () => rows().find((r) => r.dataset.messageId === messages.at(-1)!.id)!;
    const plain = () => rows().filter((r) => r.querySelector('.message-content.plain'));
    // The first frame: no toolbar anywhere, the status of the newest own message only, and the rows
    // above the view, if any, as plain text (no HTML), those in it rendered. (Which rows are plain
    // before measuring, and that measuring turns none back: the next test.)
    expect(screen.queryAllByRole('toolbar')).toEqual([]);
    expect(screen.getAllByTestId('message-status')).toHaveLength(1);
    expect(newest().querySelector('[data-testid="message-status"]')).not.toBeNull();
    for (const row of plain()) {
      expect(row.querySelector('strong')).toBeNull();
      expect(row.querySelector('[data-testid="message-content"]')!.textContent).toMatch(/^\*\*bold\*\* \d+$/);
    }
    expect(newest().querySelector('[data-testid="message-content"] strong')!.textContent).toBe('bold');
    // Right after it, every row has all of it.
    await settle();
    expect(rows().length).toBeGreaterThan(5);
    expect(plain()).toEqual([]);
    for (const row of rows()) {
      expect(row.querySelector('[role="toolbar"] [data-testid="reply-button"]')).not.toBeNull();
      expect(row.querySelector('[data-testid="message-status"]')).not.toBeNull();
      expect(row.querySelector('[data-testid="message-content"] strong')!.textContent).toBe('bold');
    }
  });

  it('does not turn a row it rendered in full back into plain text while the channel opens (one render less)', async () => {
    const relay = new FakeRelay();
    const channel = relay.channels[0]!;
    // Not grouped (a new author each time): estimated 52 px, measured 40 here, so measuring moves rows.
    const messages = relay.seed(channel.id, 50, (i) => ({
      content: `**bold** ${i}`,
      author: i % 2 ? alice : bob,
      createdAt: new Date(Date.now() - (50 - i) * 10 * 60_000).toISOString(),
    }));
    const store = createAppStore(relay.api, 'electron');
    store.setState({
      channels: relay.channels,
      activeChannelId: channel.id,
      histories: { [channel.id]: { messages, hasMore: false, status: 'ready', loadingOlder: false } },
    });
    const full = new Set<string>();
    const plain = new Set<string>();
    const downgraded = new Set<string>();
    const look = () => {
      for (const row of document.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
        const id = row.dataset.messageId!;
        if (row.querySelector('[data-testid="message-content"] strong')) full.add(id);
        else if (row.querySelector('.message-content.plain')) {
          plain.add(id);
          if (full.has(id)) downgraded.add(id);
        }
      }
    };
    const observer = new MutationObserver(look);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    render(
      <AppProvider store={store} relay={relay.api}>
        <MessageList channel={channel} />
      </AppProvider>,
    );
    await settle();
    observer.disconnect();
    look();
    // Rows off screen were plain text at first, those on it in full, and none went back to plain.
    expect(plain.size).toBeGreaterThan(0);
    expect(full.size).toBeGreaterThan(5);
    expect([...downgraded]).toEqual([]);
  });

  it('mounts a batch that arrives at the bottom at the end in its own render, none it scrolls past, toolbars after its frame (figure 13)', async () => {
    const { relay, store, channel, scroller, messages } = await renderList(50, false, 50);
    const seen = new Set(screen.getAllByTestId('message').map((m) => m.dataset.messageId));
    const batch = relay.seed(channel.id, 75).slice(50);
    const mounted: string[] = [];
    const observer = new MutationObserver(() => {});
    observer.observe(scroller, { childList: true, subtree: true });
    act(() => store.getState().onMessages(batch));
    // What this one render put in the document (no scroll event has been read back yet).
    for (const record of observer.takeRecords()) {
      for (const node of record.addedNodes) {
        if (!(node instanceof HTMLElement)) continue;
        for (const row of node.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
          mounted.push(row.dataset.messageId!);
        }
      }
    }
    const ids = batch.map((m) => m.id!);
    // The newest is there at once, before the follow's scroll. (Which new rows that render mounts
    // follows the rows' estimate, which matches Chromium's layout, not this test's 40 px rows:
    // bench/renderer/catch-up-batches.ts counts them in Chromium.)
    expect(mounted).toContain(ids.at(-1));
    // The rows on screen before stay mounted in that render: nothing goes blank if the view stays.
    for (const id of seen) expect(scroller.querySelector(`[data-message-id="${id}"]`)).not.toBeNull();
    // Without their hover toolbars in that frame; with them right after, and at the newest end.
    const newest = () => scroller.querySelector(`[data-message-id="${ids.at(-1)}"]`)!;
    expect(newest().querySelector('[data-testid="reply-button"]')).toBeNull();
    observer.observe(scroller, { childList: true, subtree: true });
    // The follow's own render, from its scroll event inside the next frame, mounts and unmounts no
    // row: the overscan above the new view and the rows scrolled past wait for a render after that
    // frame (figure 13: that render was the frame's longest part).
    const rowsIn = (records: MutationRecord[], key: 'addedNodes' | 'removedNodes') =>
      records.flatMap((record) =>
        [...record[key]].filter((node) => node instanceof HTMLElement && node.matches('.virtual-row')),
      );
    const inScroll: MutationRecord[] = [];
    const before = () => void observer.takeRecords();
    const after = () => inScroll.push(...observer.takeRecords());
    document.addEventListener('scroll', before, { capture: true });
    scroller.addEventListener('scroll', after);
    await settle();
    document.removeEventListener('scroll', before, { capture: true });
    scroller.removeEventListener('scroll', after);
    expect(rowsIn(inScroll, 'addedNodes')).toEqual([]);
    expect(rowsIn(inScroll, 'removedNodes')).toEqual([]);
    // After that frame, the usual range: the view at the end and its overscan above, no row mounted
    // a second time (each a new one).
    for (const record of observer.takeRecords()) {
      for (const node of record.addedNodes) {
        if (!(node instanceof HTMLElement)) continue;
        for (const row of node.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
          expect(mounted).not.toContain(row.dataset.messageId);
        }
      }
    }
    observer.disconnect();
    const tops = [...scroller.querySelectorAll<HTMLElement>('[data-index]')].map((row) =>
      Number.parseFloat(/translateY\(([-\d.]+)px\)/.exec(row.style.transform)?.[1] ?? 'NaN'),
    );
    expect(tops.filter((top) => top + ROW_HEIGHT <= scroller.scrollTop)).toHaveLength(6);
    expect(newest().querySelector('[data-testid="reply-button"]')).not.toBeNull();
    expect(scroller.scrollTop).toBe(scroller.scrollHeight - scroller.clientHeight);
    expect(store.getState().histories[channel.id]!.messages).toHaveLength(messages.length + batch.length);
  });

  it('keeps a reader scrolled up where they are when a batch arrives, and mounts nothing at the end', async () => {
    const { relay, store, channel, scroller } = await renderList(50, false, 50);
    scrollTo(scroller, 400);
    await settle(2);
    const top = rowAt(scroller, scroller.scrollTop);
    const batch = relay.seed(channel.id, 75).slice(50);
    act(() => store.getState().onMessages(batch));
    await settle();
    expect(scroller.scrollTop).toBe(400);
    expect(rowAt(scroller, scroller.scrollTop)).toBe(top);
    expect(scroller.querySelector(`[data-message-id="${batch.at(-1)!.id}"]`)).toBeNull();
    expect(screen.getByRole('button', { name: /Jump to newest/ })).toBeTruthy();
  });

  it('puts a separator before each day', async () => {
    const relay = new FakeRelay();
    const channel = relay.channels[0]!;
    const day = 24 * 60 * 60 * 1000;
    const messages = relay.seed(channel.id, 3, (i) => ({
      createdAt: new Date(Date.now() - (2 - i) * day).toISOString(),
    }));
    await renderMessageList(relay, messages);
    expect(screen.getByText('Today')).toBeTruthy();
    expect(screen.getByText('Yesterday')).toBeTruthy();
  });
});
