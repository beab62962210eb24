/** The line protocol between the chaos runner and an app child (app-child.ts). */
import type { MessageView } from '../../../../src-shared/bridge';

export type Channel = 'general' | 'random';

/** `ref` is the target message's clientMessageId, `current` its content as meant; `own` whether the app sent it. */
export type ChangeRequest =
  | { op: 'edit'; content: string }
  | { op: 'delete' }
  | { op: 'react' | 'unreact'; emoji: string };

export type AppRequest = { id: number } & (
  | { op: 'view' }
  | { op: 'send'; channel: Channel; content: string }
  | ({ channel: Channel; ref: string; own: boolean; current: string } & ChangeRequest)
);

export interface AppResponse {
  id: number;
  clientMessageId?: string;
  /** The target is not held by this app yet (another user's message not received): nothing queued. */
  skipped?: boolean;
  view?: Record<Channel, MessageView[]>;
  error?: string;
}
