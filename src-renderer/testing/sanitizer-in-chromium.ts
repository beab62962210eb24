/**
 * The message renderer (messages/sanitize.ts: marked, the Markdown bounds, DOMPurify) bundled by vite
 * and run in real Chromium, for suites that must measure or inspect what a browser does with it:
 * jsdom is a safe DOM to check sanitizing against, but far slower than a browser, so its timings say
 * nothing about a user's.
 */
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from '@playwright/test';
import { build, type Rollup } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { ALLOWED_TAGS, SAFE_URL } from '../messages/safe-html';

const ENTRY = fileURLToPath(new URL('../messages/sanitize.ts', import.meta.url));

export type RenderedInPage = {
  /** Parse, sanitize, insert into the page and lay out, in milliseconds (the fastest of the tries). */
  ms: number;
  /** What is wrong with the DOM it made (a tag or attribute outside the allow-list); empty when safe. */
  problems: string[];
  text: string;
};

export type SanitizerPage = {
  render(content: string, tries?: number): Promise<RenderedInPage>;
  close(): Promise<void>;
};

export async function openSanitizerPage(): Promise<SanitizerPage> {
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: ENTRY, formats: ['iife'], name: 'RelaySanitize' },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunk = (Array.isArray(output) ? output[0]! : output).output[0];
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page: Page = await browser.newPage();
  await page.setContent('<!doctype html><html><body><div class="message-content"></div></body></html>');
  await page.addScriptTag({ content: chunk.code });
  return {
    render: (content, tries = 1) =>
      page.evaluate(
        ({ content, tries, allowed, safeUrl }) => {
          const render = (
            globalThis as unknown as { RelaySanitize: { renderMessageHtml(c: string): string } }
          ).RelaySanitize.renderMessageHtml;
          const container = document.querySelector('.message-content') as HTMLElement;
          let ms = Number.POSITIVE_INFINITY;
          for (let i = 0; i < tries; i++) {
            container.replaceChildren();
            const start = performance.now();
            container.innerHTML = render(content);
            container.getBoundingClientRect(); // forces layout
            ms = Math.min(ms, performance.now() - start);
          }
          const problems: string[] = [];
          const url = new RegExp(safeUrl, 'i');
          for (const element of container.querySelectorAll('*')) {
            const tag = element.tagName.toLowerCase();
            if (!allowed.includes(tag)) problems.push(`tag <${tag}>`);
            for (const attribute of Array.from(element.attributes)) {
              if (attribute.name !== 'href') problems.push(`attribute ${attribute.name} on <${tag}>`);
              else if (!url.test(attribute.value.trim())) problems.push(`href ${attribute.value}`);
            }
          }
          return { ms, problems, text: container.textContent ?? '' };
        },
        { content, tries, allowed: ALLOWED_TAGS, safeUrl: SAFE_URL.source },
      ),
    close: () => browser.close(),
  };
}
