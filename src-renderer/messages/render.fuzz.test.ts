/**
 * Issue 11: any content the server accepts (1 to 2,000 characters) renders, as markup or as the text
 * typed, within 50 ms, and leaves no DOM outside the allow-list. Generated content is biased toward
 * what broke or slowed the parser: long delimiter runs, deep blockquote / list nesting, and mixes of
 * Markdown, raw HTML, XSS payloads and bidi controls. Rendered in real Chromium (see
 * ../testing/sanitizer-in-chromium.ts). A sample runs in `npm test`; `npm run test:fuzz` runs 10,000.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fuzzRuns } from '../../src-shared/testing/fuzz';
import { openSanitizerPage, type RenderedInPage, type SanitizerPage } from '../testing/sanitizer-in-chromium';
import { OWASP_XSS_PAYLOADS } from './xss-payloads';

const MAX_CONTENT = 2000;
/** The bound for one message's render (parse, sanitize, insert, layout). */
const RENDER_BUDGET_MS = 50;
/**
 * A case over budget is measured again, three times, 100 ms apart, and its fastest run counts: on a box
 * shared by other jobs (a load of 19 on 2 cores while this was written) a process can be descheduled
 * for longer than the budget, while an input that is really slow is slow every time.
 */
const TRIES_WHEN_SLOW = 3;
const PAUSE_BETWEEN_TRIES_MS = 100;

async function measured(text: string): Promise<RenderedInPage> {
  let best = await page.render(text);
  for (let i = 0; i < TRIES_WHEN_SLOW && best.ms >= RENDER_BUDGET_MS; i++) {
    await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_TRIES_MS));
    const again = await page.render(text);
    if (again.ms < best.ms) best = again;
  }
  return best;
}

const DELIMITERS = [
  '>',
  '> ',
  '*',
  '_',
  '~',
  '`',
  '[',
  ']',
  '(',
  ')',
  '<',
  '!',
  '#',
  '|',
  '\\',
  '-',
  '- ',
  '1. ',
  '+ ',
  '* ',
  '**',
  '__',
  '~~',
  '```',
  '[a](',
  '![',
  '&',
  '\n',
  '  ',
  '\t',
  ':',
  '=',
  '$',
  'http://a.b/',
];
const BIDI = [
  '\u202E',
  '\u202D',
  '\u202A',
  '\u202B',
  '\u202C',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200F',
];
const CONTAINERS = ['> ', '>', '- ', '* ', '+ ', '1. ', '1) ', '  ', '    ', '\t'];

const word = fc.stringMatching(/^[A-Za-z0-9 ]{1,12}$/);
const delimiterRun = fc
  .tuple(fc.constantFrom(...DELIMITERS), fc.integer({ min: 1, max: MAX_CONTENT }))
  .map(([d, n]) => d.repeat(Math.ceil(n / d.length)));
const nesting = fc
  .tuple(
    fc.array(fc.constantFrom(...CONTAINERS), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 1, max: 700 }),
    word,
  )
  .map(([prefix, depth, text]) => `${prefix.join('').repeat(depth)}${text}`);
const nestedLines = fc
  .array(fc.tuple(fc.constantFrom(...CONTAINERS), fc.integer({ min: 0, max: 40 }), word), { maxLength: 60 })
  .map((lines) => lines.map(([c, depth, text]) => `${c.repeat(depth)}${text}`).join('\n'));
/** Many short lines or paragraphs (marked's block lexing slows with their number). */
const manyLines = fc
  .tuple(word, fc.constantFrom('\n', '\n\n', '  \n'), fc.integer({ min: 50, max: 1000 }))
  .map(([text, end, n]) => `${text}${end}`.repeat(n));
const fragment = fc.oneof(
  word,
  fc.constantFrom(...DELIMITERS),
  fc.constantFrom(...BIDI),
  fc.constantFrom(...OWASP_XSS_PAYLOADS),
  delimiterRun.map((run) => run.slice(0, 200)),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);
const mixture = fc.array(fragment, { minLength: 1, maxLength: 200 }).map((parts) => parts.join(''));

/** Content as the server accepts it: 1 to 2,000 characters, not only blanks. */
const content = fc
  .oneof(
    { weight: 3, arbitrary: delimiterRun },
    { weight: 2, arbitrary: nesting },
    { weight: 2, arbitrary: nestedLines },
    { weight: 1, arbitrary: manyLines },
    { weight: 4, arbitrary: mixture },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: MAX_CONTENT }) },
  )
  .map((text) => text.slice(0, MAX_CONTENT))
  .filter((text) => text.trim().length > 0);

let page: SanitizerPage;
beforeAll(async () => {
  page = await openSanitizerPage();
}, 120_000);
afterAll(async () => {
  await page?.close();
});

it('the worst cases found by hand render as the text typed, safely and in time', async () => {
  const worstCases = [
    '>'.repeat(2000),
    '- >'.repeat(666),
    '1. '.repeat(666),
    '*a_'.repeat(666),
    'ab\n\n'.repeat(500),
  ];
  for (const worst of worstCases) {
    const rendered = await measured(worst);
    expect(rendered.problems).toEqual([]);
    expect(rendered.text).toBe(worst.replaceAll('\n', '')); // line breaks are <br>
    expect(rendered.ms, JSON.stringify(worst.slice(0, 12))).toBeLessThan(RENDER_BUDGET_MS);
  }
});

it('any accepted content renders within 50 ms and leaves no DOM outside the allow-list', async () => {
  await fc.assert(
    fc.asyncProperty(content, async (text) => {
      const rendered = await measured(text);
      expect(rendered.problems).toEqual([]);
      expect(rendered.ms).toBeLessThan(RENDER_BUDGET_MS);
    }),
    { numRuns: fuzzRuns(200) },
  );
}, 600_000);
