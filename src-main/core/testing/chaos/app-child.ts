/**
 * One chaos app: a core in a child process (so kill -9 is real), driven through its bridge handlers
 * by JSON lines on stdin, one answer line per request on stdout. Restores the session on USER_DATA
 * (or signs USERNAME in), prints `{"ready":true}` once general and random are listed.
 *
 * Usage: node --import tsx src-main/core/testing/chaos/app-child.ts USER_DATA SERVER_URL USERNAME
 */
import { createInterface } from 'node:readline';
import { BridgeFailure, type MessageView } from '../../../../src-shared/bridge';
import { channelIds, startChildCore } from '../child-start';
import type { AppRequest, AppResponse } from './protocol';

const [userData, serverUrl, username] = process.argv.slice(2);
if (!userData || !serverUrl || !username) throw new Error('usage: USER_DATA SERVER_URL USERNAME');

const core = await startChildCore(userData, serverUrl, username);
const [general, random] = (await channelIds(core, ['general', 'random'])) as [string, string];
const channelIdOf = (name: string) => (name === 'general' ? general : random);

async function messages(channel: string): Promise<MessageView[]> {
  return (await core.handlers.listMessages({ channelId: channelIdOf(channel), limit: 500 })).messages;
}

/**
 * Our own messages' key is their clientMessageId. Another user's carries no clientMessageId here, so
 * it is found by its current content (every content in a chaos run is unique).
 */
async function keyOf(
  channel: string,
  ref: string,
  own: boolean,
  content: string,
): Promise<string | undefined> {
  if (own) return ref;
  return (await messages(channel)).find((m) => !m.deleted && m.content === content)?.key;
}

async function handle(req: AppRequest): Promise<AppResponse> {
  if (req.op === 'view')
    return { id: req.id, view: { general: await messages('general'), random: await messages('random') } };
  const channelId = channelIdOf(req.channel);
  if (req.op === 'send') {
    const sent = await core.handlers.sendMessage({ channelId, content: req.content });
    return { id: req.id, clientMessageId: sent.key };
  }
  const key = await keyOf(req.channel, req.ref, req.own, req.current);
  if (!key) return { id: req.id, skipped: true };
  try {
    if (req.op === 'edit') await core.handlers.editMessage({ channelId, key, content: req.content });
    else if (req.op === 'delete') await core.handlers.deleteMessage({ channelId, key });
    else if (req.op === 'react') await core.handlers.addReaction({ channelId, key, emoji: req.emoji });
    else await core.handlers.removeReaction({ channelId, key, emoji: req.emoji });
  } catch (error) {
    // Another user's message, deleted by its author while this app looked it up (the two apps run at
    // once): the app refuses the change (NOT_FOUND), as a user would be told; not this run's fault.
    if (!req.own && error instanceof BridgeFailure && error.code === 'NOT_FOUND')
      return { id: req.id, skipped: true };
    throw error;
  }
  return { id: req.id };
}

// One request at a time, in arrival order: the parent's order of calls is the order of intents.
let chain = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line) as AppRequest;
  chain = chain.then(async () => {
    const res = await handle(req).catch((e: unknown) => ({ id: req.id, error: String(e) }));
    process.stdout.write(`${JSON.stringify(res)}\n`);
  });
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
