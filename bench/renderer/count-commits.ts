/**
 * `npx tsx bench/renderer/count-commits.ts DIR`: figure 7's cold load and big-channel open over the stub
 * (Playwright), with a stand-in for React's DevTools hook that lists each React commit (ms from
 * navigation, and the components that rendered in it, by count): how many renders the first frame and
 * the open take, which is deterministic where the box's load makes the times swing. Read with an
 * unminified build (`vite build --minify false`) for component names. WHY=1 also lists each animation
 * frame's rAF (in order, with the frame's own timestamp) and, under each commit, the calls that flushed
 * it (a React event, the scheduler's task, a `flushSync` from a scroll listener…).
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { timeClickToPaint } from './in-page';
import { COLD_STUB, coldPage, run, script, shellPaint } from './page-tools';
import { bigMessageId } from './stub-bridge';

type Fiber = {
  type: unknown;
  alternate: Fiber | null;
  child: Fiber | null;
  sibling: Fiber | null;
  memoizedProps: unknown;
  memoizedState: unknown;
};

/** In the page, before React loads: a hook that records each commit. A fiber rendered if its props or state changed. */
function recordCommits(arg: { why?: boolean } | null): void {
  const w = window as unknown as { __commits: string[]; __REACT_DEVTOOLS_GLOBAL_HOOK__: unknown };
  w.__commits = [];
  // React's own frames, left out of the flushing calls.
  const react =
    /^(commitRoot|commitRootImpl|completeRoot|completeRootWhenReady|performWorkOnRoot|flushSyncWorkAcrossRoots_impl|flushSyncWorkOnAllRoots|performSyncWorkOnRoot|flushSpawnedWork|flushLayoutEffects|commitLayoutEffectOnFiber|recursivelyTraverseLayoutEffects|finishConcurrentRender|renderRootSync|onCommitRoot)$/;
  const why = () =>
    (new Error().stack ?? '')
      .split('\n')
      .slice(3)
      .map((l) =>
        l
          .trim()
          .replace(/^at /, '')
          .replace(/ \(.*\)$/, ''),
      )
      .filter((l) => !react.test(l))
      .slice(0, 12)
      .join(' < ');
  if (arg?.why) {
    Error.stackTraceLimit = 80;
    const frame = () =>
      requestAnimationFrame((t) => {
        w.__commits.push(`@${t.toFixed(0)} (a frame's rAF)`);
        if (w.__commits.length < 200) frame();
      });
    frame();
  }
  const seen = new WeakMap<object, [unknown, unknown]>();
  const nameOf = (type: unknown): string | null => {
    if (typeof type === 'function') return (type as { name?: string }).name || 'anonymous';
    const inner = (type as { type?: unknown } | null)?.type;
    return typeof inner === 'function' ? `memo(${(inner as { name?: string }).name || 'anonymous'})` : null;
  };
  w.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => {},
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    setStrictMode: () => {},
    onCommitFiberRoot(_id: number, root: { current: Fiber }) {
      const counts = new Map<string, number>();
      const stack: Array<Fiber | null> = [root.current.child];
      while (stack.length > 0) {
        const fiber = stack.pop();
        if (!fiber) continue;
        const key = seen.has(fiber)
          ? fiber
          : fiber.alternate && seen.has(fiber.alternate)
            ? fiber.alternate
            : fiber;
        const last = seen.get(key);
        const rendered = !last || last[0] !== fiber.memoizedProps || last[1] !== fiber.memoizedState;
        seen.set(key, [fiber.memoizedProps, fiber.memoizedState]);
        const name = rendered ? nameOf(fiber.type) : null;
        if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
        stack.push(fiber.child, fiber.sibling);
      }
      const top = [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([n, c]) => `${n}×${c}`)
        .join(' ');
      w.__commits.push(
        `@${performance.now().toFixed(0)} ${top}${arg?.why ? `\n        flushed by: ${why()}` : ''}`,
      );
    },
  };
}

const commits = (page: import('@playwright/test').Page) =>
  page.evaluate(() => (window as unknown as { __commits: string[] }).__commits.splice(0));

async function main() {
  const server = await serveStatic(path.resolve(process.argv[2]!));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const { context, page } = await coldPage(browser);
  await context.addInitScript({ content: script(recordCommits, { why: process.env.WHY === '1' }) });
  await page.goto(url);
  const shell = await shellPaint(page);
  const cold = await commits(page);
  console.log(`cold: shell mark @${shell.toFixed(0)}; React commits (those after the mark marked +):`);
  for (const c of cold) console.log(`  ${Number(c.slice(1, c.indexOf(' '))) > shell ? '+' : ' '} ${c}`);
  await page.waitForSelector('[data-testid="message"]');
  await page.waitForTimeout(1_500);
  await commits(page);
  const from = await page.evaluate(() => performance.now());
  const open = await run<number>(page, timeClickToPaint, {
    clickSelector: `[data-testid="channel-item"][data-channel-id="${COLD_STUB.bigChannelId}"]`,
    doneSelector: `[data-testid="message"][data-message-id="${bigMessageId(COLD_STUB.bigCount)}"]`,
    timeoutMs: 10_000,
  });
  await page.waitForTimeout(600);
  console.log(`open: click @${from.toFixed(0)}, painted @${(from + open).toFixed(0)}; React commits:`);
  for (const c of await commits(page)) {
    console.log(`  ${Number(c.slice(1, c.indexOf(' '))) > from + open ? '+' : ' '} ${c}`);
  }
  await browser.close();
  server.close();
}
void main();
