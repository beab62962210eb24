/**
 * `npm run web`: the core in this Node process, the renderer served to a browser, the bridge over a
 * WebSocket. One host is one app instance: one user data folder, one signed-in user, like one desktop
 * app. It never starts a chat server: it talks to the one at --server.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { createCore } from '../core/create-core';
import {
  createFileSecretStore,
  createFileSettingsStore,
  DEFAULT_SETTINGS,
  systemClock,
  warmFetch,
} from '../core/node-ports';
import type { CoreOptions } from '../core/options';
import type { Logger } from '../core/ports';
import { withCertificateErrors } from '../electron/certificates';
import { loadSessionKey } from './access';
import { startWebHost, type WebHost } from './host';
import { acquireInstanceLock } from './instance-lock';
import { parseWebHostArgs } from './options';

export type RunningWebHost = { host: WebHost; userData: string; serverUrl: string; close(): Promise<void> };

export async function runWebHost(options: {
  argv: string[];
  rendererDir: string;
  logger?: Logger;
  coreOptions?: CoreOptions;
  /** Told the next address to open once a browser has used the printed one (its token is one-time). */
  onNewAddress?: (url: string) => void;
}): Promise<RunningWebHost> {
  const args = parseWebHostArgs(options.argv);
  const userData = resolve(args.userData);
  mkdirSync(userData, { recursive: true, mode: 0o700 });
  const lock = await acquireInstanceLock(userData);

  // While the host starts: not in the turn the core's socket connects in (node-ports.ts).
  const fetchLoaded = warmFetch();
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const settings = createFileSettingsStore(userData, DEFAULT_SETTINGS, undefined, (error) =>
    logger.warn({ err: String(error) }, 'settings not saved'),
  );
  // An explicit --server wins over what this instance last used; without it the stored one stays.
  if (args.server && settings.get().serverUrl !== args.server) settings.set({ serverUrl: args.server });

  const core = createCore(
    {
      // Every notification the core shows is also its `notification` event, which the bridge already
      // carries to the page (a toast, or the browser's Notification where allowed): showing it here
      // as well would show it twice. The page navigates on click itself.
      notifier: { show() {} },
      secrets: createFileSecretStore(userData),
      settings,
      clock: systemClock,
      paths: { userData },
      // A bad certificate is refused by Node and named plainly, as in the desktop app.
      fetch: withCertificateErrors((input, init) => globalThis.fetch(input, init)),
      // The page is already in a browser: it opens links itself; the host launches nothing.
      openExternal: async () => {},
      logger,
    },
    options.coreOptions,
  );

  let host: WebHost;
  try {
    host = await startWebHost({
      core,
      rendererDir: options.rendererDir,
      port: args.port,
      log: (message, details) => logger.error(details, message),
      sessionKey: loadSessionKey(userData),
      onNewAddress: options.onNewAddress,
    });
  } catch (error) {
    await core.close();
    lock.release();
    throw error;
  }
  await fetchLoaded;
  await core.start();

  return {
    host,
    userData,
    serverUrl: settings.get().serverUrl,
    async close() {
      await host.close();
      await core.close();
      // The settings' last change, written off the loop (node-ports.ts), is on disk before the lock goes
      // (a failed write was logged when it failed).
      await settings.flushed().catch(() => {});
      lock.release();
    },
  };
}
