/**
 * The fixtures every spec uses:
 * - `server`: its own reference server (demo workspace, temporary DATA_DIR), killable and restartable;
 * - `app(user)`: starts one app instance for one user on this project's target, with its own
 *   user-data folder; everything started is closed (and its folder removed) after the test;
 * - `signedIn({ alice: 'general', bob: 'random' })`: the usual opening of a spec, through `app`:
 *   starts each user's app, then signs each in, then opens each one's channel, in that order.
 * The electron project skips, saying why, where no Electron binary exists.
 */
import { type Browser, test as base } from '@playwright/test';
import { type AppInstance, type AppUser, type DemoUser, makeUserData } from './app';
import { BrowserApp } from './browser-app';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { ElectronApp } from './electron-app';
import { type E2EServer, type ServerOptions, startE2EServer } from './server';
import { type ElectronBinary, findElectron, type Target } from './target';
import { openChannel, signIn } from './ui';

type TestFixtures = {
  target: Target;
  serverOptions: ServerOptions;
  server: E2EServer;
  app: (user: AppUser) => Promise<AppInstance>;
  /** Each user's app, signed in and looking at the channel named for that user. */
  signedIn: <U extends DemoUser>(openOn: Record<U, string>) => Promise<Record<U, AppInstance>>;
};

type WorkerFixtures = {
  electronBinary: ElectronBinary;
  /** One Chromium per worker, launched on first use (never in the electron project). */
  chromium: () => Promise<Browser>;
};

export const test = base.extend<TestFixtures, WorkerFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  electronBinary: [async ({}, use) => use(await findElectron()), { scope: 'worker' }],

  chromium: [
    async ({ playwright, headless }, use) => {
      const shared: { browser?: Promise<Browser> } = {};
      await use(() => {
        // `headless` follows Playwright's own option (`--headed` shows the windows).
        shared.browser ??= playwright.chromium.launch({
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_ARGS,
          headless,
        });
        return shared.browser;
      });
      if (shared.browser) await (await shared.browser).close();
    },
    { scope: 'worker' },
  ],

  target: [
    async ({ electronBinary }, use, testInfo) => {
      const target: Target = testInfo.project.name === 'electron' ? 'electron' : 'browser';
      // scripts/e2e.mjs says why it cannot run Electron here (no binary, no display); run directly,
      // the binary is looked up the same way.
      const skip =
        process.env.E2E_ELECTRON_SKIP ??
        (electronBinary.path === null ? `no Electron binary (${electronBinary.reason})` : undefined);
      if (target === 'electron' && skip) testInfo.skip(true, `Electron target skipped: ${skip}`);
      await use(target);
    },
    { auto: true },
  ],

  serverOptions: [{}, { option: true }],

  server: async ({ serverOptions }, use, testInfo) => {
    const server = await startE2EServer(serverOptions);
    await use(server);
    if (testInfo.status !== testInfo.expectedStatus) {
      const tail = server.log.slice(-200).map((r) => JSON.stringify(r));
      await testInfo.attach('server-log', { body: tail.join('\n'), contentType: 'text/plain' });
    }
    await server.close();
  },

  app: async ({ target, server, chromium, electronBinary }, use, testInfo) => {
    const started: AppInstance[] = [];
    await use(async (user) => {
      const userData = await makeUserData(user);
      const instance: AppInstance =
        target === 'electron' && electronBinary.path !== null
          ? new ElectronApp(user, userData, server.url, electronBinary.path)
          : new BrowserApp(user, userData, server.url, chromium);
      started.push(instance);
      await instance.start();
      return instance;
    });
    const failed = testInfo.status !== testInfo.expectedStatus;
    for (const instance of started) {
      if (failed && instance.output())
        await testInfo.attach(`${instance.user}-app-stderr`, {
          body: instance.output(),
          contentType: 'text/plain',
        });
      // Playwright screenshots the browser target's pages itself; an Electron window, we do.
      if (failed && instance.target === 'electron') {
        // (Not running any more, say after a kill: then there is no window to show.)
        const shot = await Promise.resolve()
          .then(() => instance.page.screenshot())
          .catch(() => null);
        if (shot) await testInfo.attach(`${instance.user}-window`, { body: shot, contentType: 'image/png' });
      }
      await instance.close();
    }
  },

  signedIn: async ({ app, server }, use) => {
    await use(async <U extends DemoUser>(openOn: Record<U, string>) => {
      const users = Object.keys(openOn) as U[];
      const apps = {} as Record<U, AppInstance>;
      // All apps start, then all sign in, then all open their channel: the order the specs were written against.
      for (const user of users) apps[user] = await app(user);
      for (const user of users) await signIn(apps[user].page, server.url, user);
      for (const user of users) await openChannel(apps[user].page, openOn[user]);
      return apps;
    });
  },
});

export { expect } from '@playwright/test';
