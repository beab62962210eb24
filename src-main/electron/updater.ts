/**
 * Auto-update policy with electron-updater: a generic provider at the URL in settings ('' = off),
 * checked on start and every 6 hours, downloaded in the background, and installed only when the user
 * says so (the "Restart to update" banner) or quits anyway. Never a forced restart. No electron
 * import: the updater and the clock are passed in, so the policy is tested with both faked.
 */
import type { Clock } from '../core/ports';

export const UPDATE_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

/** The part of electron-updater's AppUpdater this uses. */
export type Updater = {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
};

export type UpdatePolicy = {
  start(): void;
  /** Settings changed: a new URL is checked at once; '' stops checking. */
  feedChanged(): void;
  /** The user's click on the banner: the only way this ever restarts the app. */
  restartToUpdate(): boolean;
  stop(): void;
};

export function createUpdatePolicy(options: {
  updater: Updater;
  feedUrl: () => string;
  clock: Clock;
  /** An update is downloaded: show the banner. */
  onReady: (version: string) => void;
  log: (message: string) => void;
}): UpdatePolicy {
  const { updater, clock } = options;
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  let feed = '';
  let ready: string | null = null;
  let timer: unknown;

  updater.on('update-downloaded', ({ version }) => {
    ready = version;
    options.onReady(version);
  });
  // An unreachable feed or a bad file is logged and tried again at the next check; the app goes on.
  updater.on('error', (error) => options.log(`update check failed: ${error.message}`));

  const check = () => {
    const url = options.feedUrl();
    if (!url) return;
    if (url !== feed) {
      updater.setFeedURL({ provider: 'generic', url });
      feed = url;
    }
    updater.checkForUpdates().catch((error: Error) => options.log(`update check failed: ${error.message}`));
  };
  const every = () => {
    timer = clock.setTimeout(() => {
      check();
      every();
    }, UPDATE_CHECK_INTERVAL_MS);
  };

  return {
    start() {
      check();
      every();
    },
    feedChanged() {
      const url = options.feedUrl();
      if (url !== feed) {
        if (url) check();
        else feed = '';
      }
    },
    restartToUpdate() {
      if (!ready) return false;
      updater.quitAndInstall(false, true);
      return true;
    },
    stop() {
      clock.clearTimeout(timer);
    },
  };
}
