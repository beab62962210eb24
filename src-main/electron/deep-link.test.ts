import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { electronEvent } from './testing/electron-mock';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { deepLinkInArgv, deepLinkTarget, parseDeepLink, registerDeepLinks } = await import('./deep-link');

const channelId = randomUUID();
const messageId = randomUUID();

describe('deep links', () => {
  it('reads relay://channel/ID and relay://message/ID, and nothing else', () => {
    expect(parseDeepLink(`relay://channel/${channelId}`)).toEqual({ kind: 'channel', id: channelId });
    expect(parseDeepLink(`relay://message/${messageId}/`)).toEqual({ kind: 'message', id: messageId });
    expect(parseDeepLink(`relay://user/${channelId}`)).toBeNull();
    expect(parseDeepLink('relay://channel/not-an-id')).toBeNull();
    expect(parseDeepLink(`https://channel/${channelId}`)).toBeNull();
    expect(parseDeepLink('relay://channel/../../etc')).toBeNull();
    expect(parseDeepLink('::')).toBeNull();
    expect(deepLinkInArgv(['/opt/relay', '--hidden', `relay://channel/${channelId}`])).toEqual({
      kind: 'channel',
      id: channelId,
    });
    expect(deepLinkInArgv(['/opt/relay'])).toBeNull();
  });

  it("registers the scheme with the OS and takes macOS's open-url, keeping the default action off", () => {
    const opened: unknown[] = [];
    registerDeepLinks((link) => opened.push(link));
    expect(electron.app.setAsDefaultProtocolClient.mock.calls[0]?.[0]).toBe('relay');
    const event = electronEvent();
    electron.app.emit('open-url', event, `relay://channel/${channelId}`);
    electron.app.emit('open-url', electronEvent(), 'relay://nonsense');
    expect(event.defaultPrevented).toBe(true);
    expect(opened).toEqual([{ kind: 'channel', id: channelId }]);
  });

  it('leads a message link to the channel holding it, and an unknown message nowhere', async () => {
    const other = randomUUID();
    const pages: Record<string, string[]> = { [other]: [randomUUID()], [channelId]: [messageId] };
    const handlers = {
      listChannels: async () => [{ id: other }, { id: channelId }] as never,
      listMessages: async ({ channelId: id }: { channelId: string }) =>
        ({ messages: (pages[id] ?? []).map((m) => ({ id: m })), hasMore: false }) as never,
    };
    expect(await deepLinkTarget({ kind: 'channel', id: channelId }, handlers)).toEqual({ channelId });
    expect(await deepLinkTarget({ kind: 'message', id: messageId }, handlers)).toEqual({
      channelId,
      messageId,
    });
    expect(await deepLinkTarget({ kind: 'message', id: randomUUID() }, handlers)).toBeNull();
  });
});
