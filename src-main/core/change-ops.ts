/**
 * The wire side of a queued change (edit, delete, react, unreact): which event it is, and its payload
 * with the message's server id looked up now, at flush time (a change queued while its message's send
 * was still pending knew only the local key). The operation queue (outbox.ts) sends it.
 */
import {
  ChangeEvent,
  DeleteMessagePayload,
  EditMessagePayload,
  ReactionPayload,
} from '../../src-shared/protocol';
import type { LocalStore, OperationRow } from '../store/store';

type ChangeEmit =
  | typeof ChangeEvent.EDIT
  | typeof ChangeEvent.DELETE
  | typeof ChangeEvent.REACTION_ADD
  | typeof ChangeEvent.REACTION_REMOVE;

export type ChangeWire =
  | { ok: true; event: ChangeEmit; payload: unknown }
  | { ok: false; code: string; message: string };

const EVENTS = {
  edit: ChangeEvent.EDIT,
  delete: ChangeEvent.DELETE,
  react: ChangeEvent.REACTION_ADD,
  unreact: ChangeEvent.REACTION_REMOVE,
} as const;

export function changeWire(store: LocalStore, op: OperationRow): ChangeWire {
  if (op.kind === 'send' || op.kind === 'upload') throw new Error(`${op.kind} is not a change`);
  const messageId = store.messageByKey(op.message_key)?.id;
  // In queue order its send went first and was acknowledged; without an id the message is gone here.
  if (!messageId) return { ok: false, code: 'NOT_FOUND', message: 'The message is not on the server' };
  const parsed =
    op.kind === 'edit'
      ? EditMessagePayload.safeParse({ messageId, content: op.content, opId: op.op_id })
      : op.kind === 'delete'
        ? DeleteMessagePayload.safeParse({ messageId, opId: op.op_id })
        : ReactionPayload.safeParse({ messageId, emoji: op.emoji, opId: op.op_id });
  if (!parsed.success)
    return { ok: false, code: 'VALIDATION', message: parsed.error.issues[0]?.message ?? 'Invalid change' };
  return { ok: true, event: EVENTS[op.kind], payload: parsed.data };
}
