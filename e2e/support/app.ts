/**
 * One app instance for one user, on either target, behind one interface so every spec runs on both:
 * - browser: a browser host child process (`scripts/web.mjs`, the core in it) with its own user-data
 *   folder and port, and a Chromium page on it. The host owns the core, so "kill -9 the app" is kill -9
 *   of that process; the window goes with it, as a desktop app's would.
 * - electron: the built desktop app through Playwright's `_electron.launch`, its user data in
 *   RELAY_USER_DATA.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  _electron,
  type Browser,
  type BrowserContext,
  type ElectronApplication,
  type Page,
} from '@playwright/test';
import { APP_ROOT, type Target } from './target';

export type DemoUser = 'alice' | 'bob' | 'carol';

export type ShownNotification = { title: string; body: string };

export interface AppInstance {
  readonly target: Target;
  readonly user: DemoUser;
  readonly userData: string;
  /** The app's window (a new one after each start()). */
  readonly page: Page;
  /** Starts the app on its user-data folder (again, after kill()). */
  start(): Promise<Page>;
  /** kill -9 of the process that owns the core; the window dies with it. */
  kill(): Promise<void>;
  /** The OS-level notifications the app has shown, oldest first. */
  notifications(): Promise<ShownNotification[]>;
  /** Clicks the last notification, as the user would in the OS. */
  clickLastNotification(): Promise<void>;
  /** The number on the dock/launcher badge, or on the tab's title in the browser. */
  badgeCount(): Promise<number>;
  /** What the process wrote to stderr (attached to a failing test's report). */
  output(): string;
  close(): Promise<void>;
}

export async function makeUserData(user: DemoUser): Promise<string> {
  return mkdtemp(join(tmpdir(), `relay-e2e-${user}-`));
}

/** "(3) Relay" → 3: the renderer puts the unread total in the title in both targets. */
export async function titleBadge(page: Page): Promise<number> {
  const match = /^\((\d+)\) /.exec(await page.title());
  return match ? Number(match[1]) : 0;
}

// ---------------------------------------------------------------------------------------------
// Browser target
// ---------------------------------------------------------------------------------------------

const WEB_SCRIPT = join(APP_ROOT, 'scripts', 'web.mjs');

export class BrowserApp implements AppInstance {
  readonly target = 'browser';
  private child: ChildProcess | null = null;
  private context: BrowserContext | null = null;
  private currentPage: Page | null = null;
  private port = 0;
  private stderr = '';

  constructor(
    readonly user: DemoUser,
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
    const args = [WEB_SCRIPT, '--no-build', '--port', String(this.port), '--server', this.serverUrl];
    const child = spawn(process.execPath, [...args, '--user-data', this.userData], {
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

// ---------------------------------------------------------------------------------------------
// Electron target
// ---------------------------------------------------------------------------------------------

/** Installed in main after each launch: records notifications and badge counts instead of the OS. */
async function stubDesktopShell(app: ElectronApplication): Promise<void> {
  await app.evaluate(({ app: electronApp, Notification }) => {
    const record = globalThis as unknown as {
      __e2eNotifications: InstanceType<typeof Notification>[];
      __e2eBadge: number | undefined;
    };
    record.__e2eNotifications = [];
    record.__e2eBadge = undefined;
    // A CI box may lack libnotify: the app must still believe it can notify.
    Object.defineProperty(Notification, 'isSupported', { value: () => true, configurable: true });
    Object.defineProperty(Notification.prototype, 'show', {
      configurable: true,
      value(this: InstanceType<typeof Notification>) {
        record.__e2eNotifications.push(this);
      },
    });
    const setBadgeCount = electronApp.setBadgeCount.bind(electronApp);
    electronApp.setBadgeCount = (count?: number) => {
      record.__e2eBadge = count ?? 0;
      return setBadgeCount(count);
    };
  });
}

export class ElectronApp implements AppInstance {
  readonly target = 'electron';
  private app: ElectronApplication | null = null;
  private currentPage: Page | null = null;
  private stderr = '';

  constructor(
    readonly user: DemoUser,
    readonly userData: string,
    private readonly serverUrl: string,
    private readonly executablePath: string,
  ) {}

  get page(): Page {
    if (!this.currentPage) throw new Error(`${this.user}'s app is not running`);
    return this.currentPage;
  }

  async start(): Promise<Page> {
    if (this.app) throw new Error(`${this.user}'s app is already running`);
    if (!existsSync(join(APP_ROOT, 'out', 'main', 'index.js')))
      throw new Error('the desktop app is not built: run `npm run test:e2e` (it runs electron-vite build)');
    // Chromium's OS sandbox refuses to start as root (containers, CI); the renderer sandbox stays on.
    const args = process.getuid?.() === 0 ? [APP_ROOT, '--no-sandbox'] : [APP_ROOT];
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    delete env.ELECTRON_RUN_AS_NODE;
    this.app = await _electron.launch({
      executablePath: this.executablePath,
      args,
      cwd: APP_ROOT,
      env: { ...env, RELAY_USER_DATA: this.userData, RELAY_SERVER_URL: this.serverUrl },
    });
    this.app.process().stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    await stubDesktopShell(this.app);
    this.currentPage = await this.app.firstWindow();
    return this.currentPage;
  }

  async kill(): Promise<void> {
    const app = this.app;
    this.app = null;
    this.currentPage = null;
    if (!app) return;
    const child = app.process();
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
  }

  private running(): ElectronApplication {
    if (!this.app) throw new Error(`${this.user}'s app is not running`);
    return this.app;
  }

  notifications(): Promise<ShownNotification[]> {
    return this.running().evaluate(() =>
      (
        globalThis as unknown as { __e2eNotifications: { title: string; body: string }[] }
      ).__e2eNotifications.map((n) => ({ title: n.title, body: n.body })),
    );
  }

  async clickLastNotification(): Promise<void> {
    await this.running().evaluate(() => {
      const shown = (globalThis as unknown as { __e2eNotifications: { emit(e: string): void }[] })
        .__e2eNotifications;
      const last = shown[shown.length - 1];
      if (!last) throw new Error('no notification to click');
      last.emit('click');
    });
  }

  async badgeCount(): Promise<number> {
    return this.running().evaluate(
      ({ app }) => (globalThis as unknown as { __e2eBadge?: number }).__e2eBadge ?? app.getBadgeCount(),
    );
  }

  output(): string {
    return this.stderr;
  }

  async close(): Promise<void> {
    const app = this.app;
    this.app = null;
    this.currentPage = null;
    await app?.close().catch(() => undefined);
    await rm(this.userData, { recursive: true, force: true });
  }
}
