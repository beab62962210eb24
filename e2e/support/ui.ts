/**
 * What a user does and sees, through the data-testids interface.md keeps stable for QA. Every
 * wait is one of Playwright's auto-waiting expectations; nothing sleeps.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { login } from '../../src-server/testing';
import type { DemoUser } from './app';

export const PASSWORD = 'password';

/** After the server returns, the app reconnects on its own backoff (capped at 30 s, with jitter): a bound, not an expectation. */
export const RECONNECT = { timeout: 60_000 };

/** Signs in through the form and waits for the workspace, connected. */
export async function signIn(page: Page, serverUrl: string, user: DemoUser): Promise<void> {
  await page.getByTestId('login-server').fill(serverUrl);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('channel-list')).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveText('Connected');
}

/** The channel's entry in the sidebar (its accessible name starts with the channel's name). */
export function channelItem(page: Page, name: string): Locator {
  return page.getByTestId('channel-list').getByRole('button', { name: new RegExp(`^${name}(,|$)`) });
}

export async function openChannel(page: Page, name: string): Promise<void> {
  await channelItem(page, name).click();
  await expect(channelItem(page, name)).toHaveAttribute('aria-current', 'page');
}

/** Types into the channel's composer (not a thread's) and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const input = page.getByRole('main').getByTestId('message-input');
  await input.fill(text);
  await input.press('Enter');
  await expect(input).toHaveValue('');
}

/** The messages of the open channel (the thread pane has its own). */
export function channelMessages(page: Page): Locator {
  return page.getByTestId('message-list').getByTestId('message');
}

/** The one message of the open channel whose body contains `text`. */
export function message(page: Page, text: string): Locator {
  return channelMessages(page).filter({ has: page.getByTestId('message-content').filter({ hasText: text }) });
}

/** Bodies of the open channel's messages, in the order shown. */
export function messageBodies(page: Page): Locator {
  return page.getByTestId('message-list').getByTestId('message-content');
}

/** The id of a channel the token's user is in, as the server lists it over HTTP. */
export async function channelId(serverUrl: string, token: string, name: string): Promise<string> {
  const res = await fetch(`${serverUrl}/api/channels`, { headers: { authorization: `Bearer ${token}` } });
  const channels = (await res.json()) as { id: string; name: string }[];
  const channel = channels.find((c) => c.name === name);
  if (!channel) throw new Error(`not a member of #${name}`);
  return channel.id;
}

/** The server's own record of a channel, as a member sees it over HTTP. */
export async function serverHistory(
  serverUrl: string,
  user: DemoUser,
  channelName: string,
): Promise<{ content: string; seq: number; clientMessageId?: string | null }[]> {
  const { token } = await login(serverUrl, user);
  const id = await channelId(serverUrl, token, channelName);
  const page = (await (
    await fetch(`${serverUrl}/api/channels/${id}/messages?limit=500`, {
      headers: { authorization: `Bearer ${token}` },
    })
  ).json()) as { messages: { content: string; seq: number; clientMessageId?: string | null }[] };
  return page.messages;
}

/** A text no other test or run produces, so a match is this test's message and nothing else. */
export function unique(label: string): string {
  return `${label} ${Math.random().toString(36).slice(2, 8)}`;
}
