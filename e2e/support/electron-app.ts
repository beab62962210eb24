/**
 * The Electron target: the built desktop app (out/, electron-vite) through Playwright's
 * `_electron.launch`, its user data in RELAY_USER_DATA and its server in RELAY_SERVER_URL. The OS
 * notification and the badge are stubbed in main, so specs can read and click them.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from '@playwright/test';
import type { AppInstance, AppUser, ShownNotification } from './app';
import { APP_ROOT } from './target';

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
    readonly user: AppUser,
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
