/**
 * The core's ports: everything it needs from the outside world, passed in. Electron's shell, the
 * browser host and the tests each provide their own; the core itself never imports `electron`.
 */
import type { io } from 'socket.io-client';
import type { NotificationView, Settings } from '../../src-shared/bridge';

export type { NotificationView, Settings };

export interface Notifier {
  /** Shows a system notification; `onClick` brings the app to the message. */
  show(notification: NotificationView, onClick: () => void): void;
  /** Closes what is still shown for a channel (read, here or on another device); optional. */
  close?(channelId: string): void;
}

/** Keeps the serialised session (token, user, server URL), e.g. in the OS keychain. */
export interface SecretStore {
  get(): Promise<string | null>;
  set(value: string): Promise<void>;
  clear(): Promise<void>;
}

export interface SettingsStore {
  get(): Settings;
  set(patch: Partial<Settings>): Settings;
}

export interface Clock {
  /** Wall time (epoch ms): what is stored and shown. It may step back or forward (NTP, a resume, by hand). */
  now(): number;
  /** Milliseconds from an arbitrary start that never steps: for measuring how long something took. */
  monotonic(): number;
  /** Timers run on monotonic time (as Node's do). */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Paths {
  /** The per-user data folder: the local database lives here. */
  userData: string;
}

export type SocketFactory = typeof io;
export type FetchFn = typeof globalThis.fetch;

/** Structured logging. Never pass tokens, passwords or message bodies. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CorePorts {
  notifier: Notifier;
  secrets: SecretStore;
  settings: SettingsStore;
  clock: Clock;
  paths: Paths;
  /** Defaults to socket.io-client's `io`. */
  socketFactory?: SocketFactory;
  /** Defaults to the global `fetch`. */
  fetch?: FetchFn;
  /** Opens an http(s) URL in the user's browser; the core checks the scheme before calling it. */
  openExternal(url: string): Promise<void>;
  focusWindow?(): void;
  setBadgeCount?(count: number): void;
  /**
   * Desktop: the native open dialog, several files at once; the chosen files' paths (none when the user
   * cancelled). Absent in the browser host, where the page has its own file input.
   */
  pickFiles?(): Promise<string[]>;
  /** Desktop: installs a downloaded update now; false when none is ready (the browser host has none). */
  restartToUpdate?(): boolean;
  logger?: Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
