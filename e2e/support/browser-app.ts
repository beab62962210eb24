/**
 * The browser target: a browser host child process (web-host.ts: `npm run web`'s runWebHost, the core in it) with its own
 * user-data folder and port, and a Chromium page on it. The host owns the core, so "kill -9 the app"
 * is kill -9 of that process; the window goes with it, as a desktop app's would, and start() opens a
 * fresh browser profile on the same folder (the session lives in the host, not in the page).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { type AppInstance, type AppUser, type ShownNotification, titleBadge } from './app';
import { APP_ROOT } from './target';

// scripts/e2e.mjs bundles the host once per run (scripts/node-bundle.mjs: the same code, about half
// the CPU to load); run directly, the source under tsx.
const HOST_ENTRY = process.env.E2E_HOST_ENTRY
  ? [process.env.E2E_HOST_ENTRY]
  : ['--import', 'tsx', join(APP_ROOT, 'e2e', 'support', 'web-host.ts')];

export class BrowserApp implements AppInstance {
  readonly target = 'browser';
  private child: ChildProcess | null = null;
  private context: BrowserContext | null = null;
  private currentPage: Page | null = null;
  private port = 0;
  private stderr = '';

  constructor(
    readonly user: AppUser,
    readonly userData: string,
    private readonly serverUrl: string,
    private readonly browser: () => Promise<Browser>,
  ) {}

  get page(): Page {
    if (!this.currentPage) throw new Error(`${this.user}'s app is not running`);
    return this.currentPage;
  }

  async start(): Promise<Page> {
    if (this.child) throw new Error(`${this.user}'s app is already running`);
    const url = await this.spawnHost();
    // A fresh browser profile each time: the session lives in the host, not in the page.
    this.context = await (await this.browser()).newContext({ viewport: { width: 1280, height: 800 } });
    this.currentPage = await this.context.newPage();
    await this.currentPage.goto(url);
    return this.currentPage;
  }

  private spawnHost(): Promise<string> {
    const flags = ['--port', String(this.port), '--server', this.serverUrl, '--user-data', this.userData];
    const child = spawn(process.execPath, [...HOST_ENTRY, ...flags], {
      cwd: APP_ROOT,
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    return new Promise((resolve, reject) => {
      let stdout = '';
      const onExit = (code: number | null) =>
        reject(new Error(`${this.user}'s browser host exited (${code}) before listening:\n${this.stderr}`));
      child.once('exit', onExit);
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /Relay browser host: open (http:\/\/\S+)/.exec(stdout);
        if (!match) return;
        child.off('exit', onExit);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        const url = match[1]!;
        // Started again later on the same port, like a desktop app reopening its own window.
        this.port = Number(new URL(url).port);
        resolve(url);
      });
    });
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
    await this.context?.close();
    this.context = null;
    this.currentPage = null;
  }

  async notifications(): Promise<ShownNotification[]> {
    // The browser host's notifier hands the page a `notification` event; the page shows a toast.
    const toasts = this.page.getByRole('region', { name: 'Notifications' }).locator('.toast-notification');
    return toasts.evaluateAll((nodes) =>
      nodes.map((node) => ({
        title: node.querySelector('.toast-title')?.textContent ?? '',
        body: node.querySelector('.toast-detail')?.textContent ?? '',
      })),
    );
  }

  async clickLastNotification(): Promise<void> {
    await this.page
      .getByRole('region', { name: 'Notifications' })
      .locator('.toast-notification')
      .last()
      .locator('.toast-body')
      .click();
  }

  badgeCount(): Promise<number> {
    return titleBadge(this.page);
  }

  output(): string {
    return this.stderr;
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = null;
    await this.context?.close().catch(() => undefined);
    this.context = null;
    this.currentPage = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    await rm(this.userData, { recursive: true, force: true });
  }
}
