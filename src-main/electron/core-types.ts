/** What the shells need of the core (src-main/core/create-core.ts), and nothing more. */
import type { CallHandlers } from '../../src-shared/bridge';
import type { EventSource } from '../bridge/fanout';
import type { FileSource } from '../core/file-cache';

export type ShellCore = EventSource & {
  handlers: CallHandlers;
  /** Message files for app://relay/files/… (session.ts). */
  files?: FileSource;
  start(): unknown;
  resume(): void;
  networkChanged(online: boolean): void;
  systemIdle(idle: boolean): void;
  close(): unknown;
};
