/**
 * Pages are applied in order and once, and the request of the next page is on its way before a page is
 * applied: a real loopback server and the real fetch, each apply holding the loop as a store's does.
 * Before, a page applied at once went first and the next request only after it (bench figure 12).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipelinedPages } from './pipelined-pages';

const PAGES = 6;
const seen: string[] = [];
const server = http.createServer((req, res) => {
  const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page'));
  seen.push(`request ${n}`);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ n, more: n < PAGES - 1 }));
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

type Page = { n: number; more: boolean };
const fetchPage = async (n: number) => (await (await fetch(`${base}/?page=${n}`)).json()) as Page;

it('applies every page once, in order, each after the request of the next one went out', async () => {
  const applied: number[] = [];
  await pipelinedPages(
    fetchPage(0),
    (page) => (page.more ? fetchPage(page.n + 1) : null),
    (page) => {
      seen.push(`apply ${page.n}`);
      applied.push(page.n);
    },
  );
  expect(applied).toEqual([0, 1, 2, 3, 4, 5]);
  // Page 1's request may open a second connection (the first is not back in the pool yet), which takes
  // more turns of the loop than a request on an open one; from page 1 on, each went out before the
  // apply of the page before it.
  for (let n = 1; n < PAGES - 1; n++)
    expect(seen.indexOf(`request ${n + 1}`), `request ${n + 1} before apply ${n}`).toBeLessThan(
      seen.indexOf(`apply ${n}`),
    );
});
