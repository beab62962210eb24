// @vitest-environment happy-dom
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { alice, bob, FakeRelay } from '../testing/fake-relay';
import { layoutInEachTest } from '../testing/layout';
import { renderMessageList } from '../testing/render-app';
import { buildRows } from './rows';
import { estimateSize } from './use-chat-scroll';

layoutInEachTest();

// Not `new URL(…, import.meta.url)`: happy-dom's URL resolves it against the page, not this file.
const stylesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'styles');
const css = (name: string) => readFile(path.join(stylesDir, name), 'utf8');

/**
 * The virtual list's estimate of a row's height is what Chromium lays the row out at, with the app's
 * own CSS and the rows' own markup (React's, rendered here), for the rows a chat is mostly made of: a
 * message of one line, one of two, one under the same author (grouped), a day separator. When they
 * agree, measuring the first frame's rows moves none of them, so no row renders again before that
 * frame is painted (figure 7). A change of the CSS that changes these heights fails here.
 */
describe('the row estimate', () => {
  it('is the height Chromium gives the common rows', async () => {
    const relay = new FakeRelay();
    const channel = relay.channels[0]!;
    const start = Date.now() - 60 * 60_000;
    const contents = [
      'Lunch at noon?',
      'Deploy is green.\nRolling out to the canary fleet now.',
      'ok',
      'sure',
    ];
    const messages = relay.seed(channel.id, 8, (i) => ({
      content: contents[i % contents.length]!,
      // Two messages by each author a minute apart: the second is grouped under the first.
      author: Math.floor(i / 2) % 2 ? alice : bob,
      createdAt: new Date(start + i * 60_000).toISOString(),
    }));
    await renderMessageList(relay, messages);
    const html = screen.getByTestId('message-list').outerHTML;
    const rows = buildRows(messages, { startKnown: true });
    const kinds = new Set(rows.map((r) => (r.kind === 'message' && r.grouped ? 'grouped' : r.kind)));
    expect([...kinds].sort()).toEqual(['day', 'grouped', 'message']);

    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const style = (await css('app.css')) + (await css('workspace.css'));
      await page.setContent(
        `<!doctype html><html><head><style>${style}</style></head><body><div style="width:1000px;height:800px;display:flex;flex-direction:column">${html}</div></body></html>`,
      );
      const measured = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-index]')].map((row) => [
          Number(row.dataset.index),
          row.getBoundingClientRect().height,
        ]),
      );
      expect(measured.length).toBe(rows.length);
      for (const [index, height] of measured) {
        const row = rows[index!]!;
        const what =
          row.kind === 'message' ? `${row.grouped ? 'grouped ' : ''}"${row.message.content}"` : row.kind;
        expect
          .soft({ row: what, height: Math.round(height!) })
          .toEqual({ row: what, height: estimateSize(row) });
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
