/**
 * Figure 14: a long day (issue 16; Rocket.Chat.Electron #2521, an app that gets slower every day).
 * `messages` arrive over a simulated 8 hours compressed into `seconds`, sent by another member through
 * the real server (in this process, SQLite) into channels the app holds a history of; meanwhile, every
 * simulated minute (`minutes` in all), the person switches to the next channel and scrolls back
 * through its history. The app runs as in figure 13 (bench/app/app-host.ts: real core and web host in
 * a Node process, real renderer in Chromium). Before and after the day: the renderer's JS heap after a
 * forced GC (CDP), the main process's RSS after a full GC (--expose-gc), and the input latency of the
 * composer (keydown → painted, bench/renderer/key-paint.ts).
 */
import type { Page } from '@playwright/test';
import { connectSocket } from '../../src-server/testing';
import { MessageEvent } from '../../src-shared/protocol';
import { channelsOf, launchChromium, openWindow, spawnApp, startWorld } from '../app/open-app';
import { insertMessages, perChannel, prepareUserData } from '../app/seed';
import { TARGETS_13_TO_15 } from '../config';
import { makeRow, type Row } from '../lib/result';
import { median } from '../lib/stats';
import { scrollFrames, timeClickToPaint } from '../renderer/in-page';
import { recordKeyPaints, takeKeyPaints } from '../renderer/key-paint';
import { heapUsedMB, rendererBuild, run } from '../renderer/page-tools';
import type { Bench } from './context';

const CHANNELS = 10;
/** History each channel starts with, so that scrolling back has somewhere to go. */
const CACHED_PER_CHANNEL = 300;
const INPUT = '[data-testid="message-input"]';
const LIST = '[data-testid="message-list"]';
const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** keydown → painted for 20 keys typed into the composer (then cleared, never sent); median ms. */
async function inputLatency(page: Page): Promise<number> {
  await page.focus(INPUT);
  await run(page, takeKeyPaints);
  await page.keyboard.type('the quick brown fox.', { delay: 40 });
  await page.waitForTimeout(200);
  const samples = await run<number[]>(page, takeKeyPaints);
  await page.fill(INPUT, '');
  return median(samples);
}

async function openChannel(page: Page, channelId: string): Promise<void> {
  await run(page, timeClickToPaint, {
    clickSelector: `[data-testid="channel-item"][data-channel-id="${channelId}"]`,
    doneSelector: `${LIST} [data-testid="message"]`,
    timeoutMs: 30_000,
  });
}

export async function figure14(bench: Bench): Promise<Row[]> {
  const s = bench.options.scale.longDay;
  const targets = TARGETS_13_TO_15.longDay;
  const n = (x: number) => x.toLocaleString('en-US');
  bench.log(`figure 14: a long day, ${n(s.messages)} messages in ${s.seconds} s, ${s.minutes} looks around`);
  const rendererDir = rendererBuild(bench);
  const { server, alice, bob, channelIds } = await startWorld('day', CHANNELS);
  try {
    const history = await insertMessages(server.store, {
      channelIds,
      total: CHANNELS * CACHED_PER_CHANNEL,
      userId: bob.user.id,
      prefix: 'old ',
    });
    const userData = bench.dataDir('app');
    const channels = await channelsOf(server.url, alice.token);
    await prepareUserData(userData, { serverUrl: server.url, login: alice, channels, messages: history });
    const app = await spawnApp(bench, userData, await rendererDir);
    const sender = await connectSocket(server.url, { token: bob.token });
    const browser = await launchChromium();
    try {
      const { page } = await openWindow(browser, app, {
        watch: { prefix: 'day ', count: s.messages },
        firstChannelId: channelIds[0]!,
      });
      await openChannel(page, channelIds[0]!);
      await run(page, recordKeyPaints, { selector: INPUT });
      const before = {
        heap: await heapUsedMB(page),
        core: await app.call<{ rssMB: number }>('memory'),
        input: await inputLatency(page),
      };
      bench.log('figure 14: the day starts');

      // The day: an open-loop schedule of sends, spread over the channels in turn.
      const interval = (s.seconds * 1000) / s.messages;
      const start = performance.now();
      let sent = 0;
      const sending = (async () => {
        const shares = perChannel(s.messages, CHANNELS);
        const next = shares.map(() => 0);
        while (sent < s.messages) {
          const due = Math.min(s.messages, Math.floor((performance.now() - start) / interval) + 1);
          for (; sent < due; sent++) {
            const c = sent % CHANNELS;
            sender.emit(MessageEvent.SEND, {
              channelId: channelIds[c]!,
              content: `day ${next[c]!++}${FILLER}`,
            });
          }
          await sleep(5);
        }
        return shares;
      })();
      // Every simulated minute: the next channel, then back through its history.
      const minuteMs = (s.seconds * 1000) / s.minutes;
      let looks = 0;
      for (let minute = 0; minute < s.minutes; minute++) {
        const due = start + minute * minuteMs;
        if (performance.now() < due) await sleep(due - performance.now());
        else if (performance.now() - start > s.seconds * 1000) break;
        await openChannel(page, channelIds[(minute + 1) % CHANNELS]!);
        await run(page, scrollFrames, { selector: LIST, frames: 20, step: 120 });
        looks++;
      }
      await sending;
      const seconds = (performance.now() - start) / 1000;
      // Bounded: a core that cannot keep up is reported (raised < sent), not waited for without end.
      const waitMs = Math.max(30_000, s.seconds * 500);
      // An app whose event loop is held answers late or not at all: that is reported, not waited out.
      const arrived = await app
        .call<{ seen: number }>('result', { timeoutMs: waitMs }, waitMs + 30_000)
        .catch(() => ({ seen: Number.NaN }));
      const lagSeconds = (performance.now() - start) / 1000 - seconds;
      bench.log(
        `figure 14: ${n(arrived.seen)} of ${n(sent)} raised by the core ${lagSeconds.toFixed(1)} s after the last send`,
      );
      // The day is over: back where it started (as far as a held-up app lets it), then the same readings.
      await openChannel(page, channelIds[0]!).catch((error: Error) =>
        bench.log(`figure 14: ${error.message}`),
      );
      const after = {
        heap: await heapUsedMB(page),
        core: await app
          .call<{ rssMB: number }>('memory', undefined, 30_000)
          .catch(() => ({ rssMB: app.rssBytes() / 1024 / 1024, noGc: true })),
        input: await inputLatency(page),
      };
      const scale = `${n(s.messages)} msgs`;
      const day =
        `${n(sent)} sent in ${seconds.toFixed(0)} s, ` +
        (Number.isNaN(arrived.seen)
          ? 'the app did not answer how many it had raised (its event loop held) '
          : `${n(arrived.seen)} raised by the core `) +
        `(the last ${lagSeconds.toFixed(1)} s after the last send); ` +
        `${looks} of ${s.minutes} channel switches + scroll-backs`;
      return [
        makeRow({
          name: `14. long day: renderer heap growth (${scale})`,
          value: after.heap - before.heap,
          unit: 'MB',
          checks: [{ op: '<=', limit: targets.rendererHeapMb, of: 'value' }],
          note: `JS heap after a forced GC: ${before.heap.toFixed(1)} → ${after.heap.toFixed(1)} MB; ${day}`,
        }),
        makeRow({
          name: `14. long day: main-process RSS growth (${scale})`,
          value: after.core.rssMB - before.core.rssMB,
          unit: 'MB',
          checks: [{ op: '<=', limit: targets.coreRssMb, of: 'value' }],
          note:
            `the core + web host process after a full GC: ${before.core.rssMB.toFixed(0)} → ${after.core.rssMB.toFixed(0)} MB` +
            ('noGc' in after.core ? ' (the end read from /proc without a GC: the app did not answer)' : ''),
        }),
        makeRow({
          name: `14. long day: composer keydown → painted, end of day (${scale})`,
          value: after.input,
          unit: 'ms',
          baseline: before.input,
          baselineName: 'the same at the start of the day',
          checks: [{ op: '<=', limit: targets.inputLatencyRatio, of: 'ratio' }],
          note: 'median of 20 keys typed by Playwright, from the keydown event timestamp',
        }),
      ];
    } finally {
      sender.close();
      await browser.close();
    }
  } finally {
    await bench.stopAll();
    await server.close();
  }
}
