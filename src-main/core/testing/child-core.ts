/**
 * A core in a child process, for the kill -9 test: signs in (or restores the session), queues
 * COUNT numbered messages alternating between general and random while offline, prints
 * `{"queued":COUNT}` and goes online to flush, until it is killed.
 *
 * Usage: node --import tsx src-main/core/testing/child-core.ts USER_DATA SERVER_URL COUNT PREFIX
 */
import { channelIds, startChildCore } from './child-start';

const [userData, serverUrl, countArg, prefix] = process.argv.slice(2);
if (!userData || !serverUrl || !countArg || !prefix)
  throw new Error('usage: USER_DATA SERVER_URL COUNT PREFIX');

const core = await startChildCore(userData, serverUrl, 'alice');
const ids = await channelIds(core, ['general', 'random']);

core.networkChanged(false);
// Not awaited: the whole batch is queued in one synchronous run, before any of it can flush.
for (let i = 0; i < Number(countArg); i++) {
  core.handlers.sendMessage({ channelId: ids[i % 2] as string, content: `${prefix}${i}` });
}
process.stdout.write(`${JSON.stringify({ queued: Number(countArg), general: ids[0], random: ids[1] })}\n`);
core.networkChanged(true);
// Keeps flushing until the parent kills this process.
setInterval(() => {}, 60_000);
