/**
 * A core in a child process that kills itself (SIGKILL) in the middle of a catch-up: while storing
 * the message whose content is KILL_AT, inside the transaction of its chunk, as a crash would land.
 *
 * Usage: node --import tsx src-main/core/testing/child-catch-up.ts USER_DATA SERVER_URL KILL_AT
 */
import type { Message } from '../../../src-shared/protocol';
import { LocalStore } from '../../store/store';
import { startChildCore } from './child-start';

const [userData, serverUrl, killAt] = process.argv.slice(2);
if (!userData || !serverUrl || !killAt) throw new Error('usage: USER_DATA SERVER_URL KILL_AT');

const upsert = LocalStore.prototype.upsertServerMessage;
LocalStore.prototype.upsertServerMessage = function (this: LocalStore, m: Message) {
  const result = upsert.call(this, m);
  if (m.content === killAt) process.kill(process.pid, 'SIGKILL');
  return result;
};

await startChildCore(userData, serverUrl, 'alice');
// Caught up without reaching KILL_AT: the parent sees a clean exit instead of the kill.
setTimeout(() => process.exit(3), 60_000);
