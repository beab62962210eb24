/**
 * A core in a child process, for the kill -9 tests of the operation queue: restores the session on
 * USER_DATA (or signs USERNAME in), goes offline, runs SCRIPT (a JSON list of operations in general),
 * prints `{"queued":N}` and goes online to flush, until it is killed.
 *
 * An operation names its message by `ref`: one sent earlier in the script, or else the newest held
 * message whose content is `ref`.
 *
 * Usage: node --import tsx src-main/core/testing/child-ops.ts USER_DATA SERVER_URL USERNAME SCRIPT
 */
import { readFile } from 'node:fs/promises';
import { attachFile } from './attach-file';
import { channelIds, startChildCore } from './child-start';

export type ScriptOp =
  | { op: 'send'; ref: string; content: string }
  | { op: 'edit'; ref: string; content: string }
  | { op: 'delete'; ref: string }
  | { op: 'react' | 'unreact'; ref: string; emoji: string }
  | { op: 'attach'; ref: string; content: string; files: { name: string; mime: string; path: string }[] }
  /** Cancels the upload of the file named `file` on the message `ref` (not uploaded yet: offline). */
  | { op: 'cancel'; ref: string; file: string };

const [userData, serverUrl, username, script] = process.argv.slice(2);
if (!userData || !serverUrl || !username || !script)
  throw new Error('usage: USER_DATA SERVER_URL USERNAME SCRIPT');

const core = await startChildCore(userData, serverUrl, username);
const [channelId] = (await channelIds(core, ['general'])) as [string];

core.networkChanged(false);
const { messages } = await core.handlers.listMessages({ channelId, limit: 500 });
const keys = new Map<string, string>();
const keyOf = (ref: string) => keys.get(ref) ?? messages.findLast((m) => m.content === ref)?.key ?? ref;
const ops = JSON.parse(script) as ScriptOp[];
for (const op of ops) {
  if (op.op === 'attach') {
    const attachmentIds: string[] = [];
    for (const f of op.files)
      attachmentIds.push(
        await attachFile(core.handlers, {
          name: f.name,
          mime: f.mime,
          bytes: await readFile(f.path),
        }),
      );
    keys.set(
      op.ref,
      (await core.handlers.sendMessage({ channelId, content: op.content, attachmentIds })).key,
    );
  } else if (op.op === 'cancel') {
    const shown = (await core.handlers.listMessages({ channelId, limit: 500 })).messages;
    const upload = shown.find((m) => m.key === keyOf(op.ref))?.uploads?.find((u) => u.name === op.file);
    if (!upload) throw new Error(`no upload of ${op.file} on ${op.ref}`);
    await core.handlers.cancelUpload({ opId: upload.opId });
  } else if (op.op === 'send') {
    keys.set(op.ref, (await core.handlers.sendMessage({ channelId, content: op.content })).key);
  } else if (op.op === 'edit') {
    await core.handlers.editMessage({ channelId, key: keyOf(op.ref), content: op.content });
  } else if (op.op === 'delete') {
    await core.handlers.deleteMessage({ channelId, key: keyOf(op.ref) });
  } else {
    const call = op.op === 'react' ? core.handlers.addReaction : core.handlers.removeReaction;
    await call({ channelId, key: keyOf(op.ref), emoji: op.emoji });
  }
}
process.stdout.write(`${JSON.stringify({ queued: ops.length })}\n`);
core.networkChanged(true);
// Keeps flushing until the parent kills this process.
setInterval(() => {}, 60_000);
