/**
 * Markdown renders; hostile bodies render inert on the receiving side. The payloads go straight
 * over the protocol from a raw socket (a hostile client need not be our app), and bob's app must
 * show each as a message without running anything or letting markup out of the message body.
 */
import { ALLOWED_ATTR, ALLOWED_TAGS, SAFE_URL } from '../../src-renderer/messages/sanitize';
import { expect, test } from '../support/fixtures';
import { sendRaw } from '../support/seed';
import { message, messageBodies, openChannel, send, signIn } from '../support/ui';

test("markdown from alice renders as formatting on bob's side", async ({ signedIn }) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });

  await send(alice.page, '**bold** and _slanted_ and `code` and [the docs](https://example.com/docs)');
  const body = message(bob.page, 'bold').getByTestId('message-content');
  await expect(body.locator('strong')).toHaveText('bold');
  await expect(body.locator('em')).toHaveText('slanted');
  await expect(body.locator('code')).toHaveText('code');
  await expect(body.getByRole('link', { name: 'the docs' })).toHaveAttribute(
    'href',
    'https://example.com/docs',
  );
});

const PAYLOADS = [
  '<script>window.__xss = "script"</script>',
  '<img src=x onerror="window.__xss = \'img\'">',
  '<svg onload="window.__xss = \'svg\'"></svg>',
  '<iframe srcdoc="<script>parent.__xss = \'iframe\'</script>"></iframe>',
  '<details open ontoggle="window.__xss = \'details\'">x</details>',
  '<a href="javascript:window.__xss=\'href\'">click me</a>',
  "[md link](javascript:window.__xss='md')",
  "![md image](javascript:window.__xss='image')",
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=\'mxss\'">',
  '<form action="javascript:window.__xss=\'form\'"><button>go</button></form>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
  '<div style="position:fixed;inset:0;background:red" data-testid="channel-list">overlay</div>',
  '"><img src=x onerror=window.__xss=1>',
];

test.describe('hostile bodies', () => {
  // More payloads than the default burst allows: this test is about rendering, not the rate limit.
  test.use({ serverOptions: { env: { MESSAGE_RATE_LIMIT: '0' } } });

  test('XSS payloads from a hostile client arrive as inert messages', async ({ server, app }) => {
    const bob = await app('bob');
    const dialogs: string[] = [];
    bob.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(bob.page, server.url, 'bob');
    await openChannel(bob.page, 'general');

    await sendRaw(server.url, 'alice', PAYLOADS);

    await expect(messageBodies(bob.page)).toHaveCount(PAYLOADS.length);
    // Raw HTML is shown as the text that was typed.
    await expect(messageBodies(bob.page).first()).toHaveText(PAYLOADS[0]!);

    // Checked against the sanitizer's own allow-list: the page may show nothing it would not keep.
    const allowed = {
      tags: ALLOWED_TAGS,
      attrs: ALLOWED_ATTR,
      url: { source: SAFE_URL.source, flags: SAFE_URL.flags },
    };
    const found = await bob.page.getByTestId('message-list').evaluate((list, { tags, attrs, url }) => {
      const safeUrl = new RegExp(url.source, url.flags);
      const bodies = [...list.querySelectorAll('[data-testid="message-content"]')];
      const problems: string[] = [];
      for (const body of bodies) {
        for (const el of body.querySelectorAll('*')) {
          const tag = el.tagName.toLowerCase();
          if (!tags.includes(tag)) problems.push(`element <${tag}>`);
          for (const attr of el.getAttributeNames()) {
            if (!attrs.includes(attr)) problems.push(`attribute ${attr} on <${tag}>`);
          }
          const href = el.getAttribute('href');
          if (href !== null && !safeUrl.test(href.trim())) problems.push(`href ${href}`);
        }
      }
      return { problems, xss: (window as unknown as { __xss?: unknown }).__xss ?? null };
    }, allowed);
    expect(found.problems).toEqual([]);
    expect(found.xss).toBeNull();
    expect(dialogs).toEqual([]);
    // The app's own chrome is still the only channel list, and the page never navigated.
    await expect(bob.page.getByTestId('channel-list')).toHaveCount(1);
    await expect(bob.page.getByTestId('connection-status')).toHaveText('Connected');
  });
});
