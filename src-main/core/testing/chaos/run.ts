/**
 * The chaos runner (issue 14): two app cores in child processes, each behind its own TCP proxy to
 * one server child (SQLite in a temp DATA_DIR). Per cycle, a seeded schedule of sends, edits,
 * deletions and reactions from both apps in general and random, and one fault: kill -9 of an app
 * (restarted on its user-data folder), of the server (restarted on its DATA_DIR and port), or a
 * cut of an app's connections. Then everything drains and the end state is checked (intent.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  login,
  makeTempDir,
  type SpawnedServer,
  spawnServer,
} from '../../../../src-server/testing';
import { ChannelList, type LoginResponse } from '../../../../src-shared/protocol';
import { serverMessages } from '../harness';
import { startProxy, type TestProxy } from '../proxy';
import { type AppChild, spawnApp } from './app-client';
import { checkLocal, checkServer, Intent } from './intent';
import { createRng, type Rng } from './prng';
import type { Channel } from './protocol';

export const FAULTS = ['kill-alice', 'kill-bob', 'kill-server', 'cut'] as const;
export type Fault = (typeof FAULTS)[number];
const OPS = ['send', 'edit', 'delete', 'react', 'unreact', 'skipped'] as const;
const USERS = ['alice', 'bob'] as const;
const CHANNELS: Channel[] = ['general', 'random'];
const EMOJI = ['👍', '🎉', '❤️'];

export interface ChaosOptions {
  cycles: number;
  seed: number;
  /** Stop starting cycles after this long (the long mode's time budget). */
  budgetMs?: number;
  /** How long the end state may take to drain before the run fails (default 60 s). */
  drainMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  cycles: number;
  faults: Record<Fault, number>;
  ops: Record<(typeof OPS)[number], number>;
  messages: number;
  durationMs: number;
}

interface App {
  name: string;
  userData: string;
  proxy: TestProxy;
  child: AppChild;
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => {});
  const rng = createRng(opts.seed);
  const started = Date.now();
  const report: ChaosReport = {
    seed: opts.seed,
    cycles: 0,
    faults: { 'kill-alice': 0, 'kill-bob': 0, 'kill-server': 0, cut: 0 },
    ops: { send: 0, edit: 0, delete: 0, react: 0, unreact: 0, skipped: 0 },
    messages: 0,
    durationMs: 0,
  };
  const dataDir = await makeTempDir('relay-chaos-server-');
  const port = await freePort();
  // A generous start timeout: on the loaded box a restart once took over the default 20 s.
  const startServer = () =>
    spawnServer({ dataDir, port, args: ['--message-rate-limit', '0'], timeoutMs: 90_000 });
  let server: SpawnedServer = await startServer();
  log(`server started in ${Date.now() - started} ms`);
  const apps: App[] = [];
  const intent = new Intent();
  let counter = 0;
  try {
    // Both apps start at once: a start is mostly the child's module loading, on a core of its own.
    apps.push(
      ...(await Promise.all(
        USERS.map(async (name) => {
          const userData = await mkdtemp(join(tmpdir(), `relay-chaos-${name}-`));
          const proxy = await startProxy(port);
          return { name, userData, proxy, child: await spawnApp(userData, proxy.url, name) };
        }),
      )),
    );
    log(`apps started in ${Date.now() - started} ms from the beginning`);
    const drive = async (app: App, count: number) => {
      for (let i = 0; i < count; i++) {
        const op = await oneOp(app, rng, intent, () => `${app.name}-${++counter}`);
        report.ops[op]++;
      }
    };
    for (let cycle = 0; cycle < opts.cycles; cycle++) {
      const cycleStart = Date.now();
      if (opts.budgetMs !== undefined && Date.now() - started > opts.budgetMs) break;
      const fault = rng.pick(FAULTS);
      const delayMs = rng.int(150);
      const counts = apps.map(() => 1 + rng.int(4));
      const ops = Promise.all(apps.map((app, i) => drive(app, counts[i] as number)));
      if (fault === 'kill-server' || fault === 'cut') {
        await sleep(delayMs); // while the apps are queueing and flushing
        if (fault === 'cut') (rng.pick(apps) as App).proxy.cut();
        else {
          await server.kill();
          server = await startServer();
        }
        await ops;
      } else {
        await ops;
        await sleep(delayMs); // mid-flush
        const app = apps.find((a) => `kill-${a.name}` === fault) as App;
        await app.child.kill();
        app.child = await spawnApp(app.userData, app.proxy.url, app.name);
      }
      report.faults[fault]++;
      report.cycles++;
      log(`cycle ${cycle + 1}: ${fault}, ops ${counts.join('+')}, ${Date.now() - cycleStart} ms`);
    }
    const drainStart = Date.now();
    await drained(server.url, apps, intent, opts.drainMs ?? 60_000);
    log(`drained in ${Date.now() - drainStart} ms`);
    report.messages = intent.messages.size;
    report.durationMs = Date.now() - started;
    return report;
  } finally {
    await Promise.all(
      apps.map(async (a) => {
        await a.child.kill();
        await a.proxy.close();
        await rm(a.userData, { recursive: true, force: true });
      }),
    );
    await server.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** One seeded operation from `app`; its intent is recorded once the app has answered. */
async function oneOp(
  app: App,
  rng: Rng,
  intent: Intent,
  nextContent: () => string,
): Promise<(typeof OPS)[number]> {
  const own = intent.live((m) => m.author === app.name);
  const any = intent.live();
  const roll = rng.next();
  const kind =
    roll < 0.4 || any.length === 0
      ? 'send'
      : roll < 0.6 && own.length > 0
        ? 'edit'
        : roll < 0.7 && own.length > 0
          ? 'delete'
          : 'reaction';
  if (kind === 'send') {
    const channel = rng.pick(CHANNELS);
    const content = nextContent();
    const res = await answered(app, { op: 'send', channel, content });
    intent.sent(app.name, channel, res.clientMessageId as string, content);
    return 'send';
  }
  const target = rng.pick(kind === 'reaction' ? any : own);
  const ref = {
    channel: target.channel,
    ref: target.clientMessageId,
    own: target.author === app.name,
    current: target.content,
  };
  if (kind === 'edit') {
    const content = nextContent();
    await answered(app, { ...ref, op: 'edit', content });
    target.content = content;
    return 'edit';
  }
  if (kind === 'delete') {
    await answered(app, { ...ref, op: 'delete' });
    target.deleted = true;
    return 'delete';
  }
  const emoji = rng.pick(EMOJI);
  const mine = `${app.name} ${emoji}`;
  const op = target.reactions.has(mine) ? 'unreact' : 'react';
  const res = await answered(app, { ...ref, op, emoji });
  if (res.skipped) return 'skipped';
  if (op === 'react') target.reactions.add(mine);
  else target.reactions.delete(mine);
  return op;
}

async function answered(app: App, req: Parameters<AppChild['call']>[0]) {
  const res = await app.child.call(req);
  if (res.error) throw new Error(`${app.name} ${req.op}: ${res.error}`);
  return res;
}

/** Waits until the server holds every intent and both apps' views equal it; else fails with why. */
async function drained(url: string, apps: App[], intent: Intent, drainMs: number): Promise<void> {
  const deadline = Date.now() + drainMs;
  // Signed in once (no fault is injected while draining): a login is a scrypt hash on the server,
  // and polling with two of them each round slowed the very drain it waits for.
  const sessions = await Promise.all(USERS.map((u) => login(url, u)));
  for (;;) {
    const problems = await endStateProblems(url, sessions, apps, intent);
    if (problems.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`not drained after ${drainMs} ms:\n${problems.slice(0, 20).join('\n')}`);
    await sleep(250);
  }
}

async function endStateProblems(
  url: string,
  sessions: LoginResponse[],
  apps: App[],
  intent: Intent,
): Promise<string[]> {
  const usernames = new Map(sessions.map((s, i) => [s.user.id, USERS[i] as string]));
  const token = (sessions[0] as { token: string }).token;
  const res = await fetch(`${url}/api/channels`, { headers: { authorization: `Bearer ${token}` } });
  const channels = ChannelList.parse(await res.json());
  const idOf = (name: Channel) => channels.find((c) => c.name === name)?.id as string;
  const server = {
    general: await serverMessages(url, token, idOf('general')),
    random: await serverMessages(url, token, idOf('random')),
  };
  const problems = checkServer(intent, server, usernames);
  for (const app of apps) {
    const { view } = await app.child.call({ op: 'view' });
    if (view) problems.push(...checkLocal(app.name, view, server));
  }
  return problems;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
