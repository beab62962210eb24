/**
 * One app instance for one user, on either target, behind one interface so every spec runs on both:
 * browser-app.ts (a browser host child process and a Chromium page on it) and electron-app.ts (the
 * built desktop app through Playwright's `_electron.launch`).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { Target } from './target';

export type DemoUser = 'alice' | 'bob' | 'carol';
/** Whoever the app is for: a demo user, or someone added during the test (an invited person). */
export type AppUser = DemoUser | `invited-${string}`;

export type ShownNotification = { title: string; body: string };

export interface AppInstance {
  readonly target: Target;
  readonly user: AppUser;
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

export async function makeUserData(user: AppUser): Promise<string> {
  return mkdtemp(join(tmpdir(), `relay-e2e-${user}-`));
}

/** "(3) Relay" → 3: the renderer puts the unread total in the title in both targets. */
export async function titleBadge(page: Page): Promise<number> {
  const match = /^\((\d+)\) /.exec(await page.title());
  return match ? Number(match[1]) : 0;
}
