/**
 * Figure 12: catching up changes (issue 14). N messages of a channel, each in the app's store as first
 * received, each edited on the server while the app was away; the core's catch-up pages
 * GET /api/channels/:id/changes from its cursor and applies every message (core/changes.ts). Real
 * server (in this process, SQLite), real account database. Bound: ≤ 1 s for 10,000 changes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApiClient } from '../../src-main/core/api';
import { Changes } from '../../src-main/core/changes';
import { systemClock } from '../../src-main/core/node-ports';
import { editedMessages, fixed } from '../../src-main/core/testing/edited-messages';
import { LocalStore } from '../../src-main/store/store';
import { login, startTestServer } from '../../src-server/testing';
import { makeRow, type Row } from '../lib/result';
import type { Bench } from './context';

export async function figure12(bench: Bench): Promise<Row[]> {
  const { changes: count } = bench.options.scale.catchUp;
  bench.log(`figure 12: catch-up of ${count} changes made while the app was away`);
  const server = await startTestServer({ messageRateLimit: 0 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'relay-bench-catch-up-'));
  const { token, user } = await login(server.url, 'alice');
  const bob = await login(server.url, 'bob');
  const store = LocalStore.open({ file: path.join(dir, 'db.sqlite'), selfId: user.id });
  try {
    const channels = (await (
      await fetch(`${server.url}/api/channels`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { id: string; name: string }[];
    const channelId = channels.find((c) => c.name === 'general')!.id;

    // Set-up: bob's N messages, as alice's app first received them, then an edit of each on the server.
    const received = await editedMessages(server, channelId, bob.user.id, count);
    store.transaction(() => {
      for (const m of received) store.upsertServerMessage(m);
    });
    store.changes.setCursor(
      channelId,
      received.reduce((max, m) => Math.max(max, m.changeSeq), 0),
    );

    let emitted = 0;
    const changes = new Changes({
      store,
      user: user,
      clock: systemClock,
      api: createApiClient(fetch, 30_000),
      emitMessage: () => {
        emitted++;
      },
      unreadChanged: () => {},
      queueChanged: () => {},
      error: (code, message) => bench.log(`figure 12: ${code} ${message}`),
    });
    const t0 = performance.now();
    await changes.catchUp(channelId, { serverUrl: server.url, token });
    const ms = performance.now() - t0;

    const edited = received.filter((m) => store.messageById(m.id)?.content === fixed(m)).length;
    const problems = [
      edited !== count ? `${count - edited} edits not applied` : '',
      emitted !== count ? `${emitted} messages emitted for ${count} changes` : '',
    ].filter(Boolean);
    return [
      makeRow({
        name: `12. catch-up of ${count} changes`,
        value: ms,
        unit: 'ms',
        checks: [{ op: '<=', limit: 1_000, of: 'value' }],
        note: problems.length > 0 ? problems.join('; ') : `every edit applied once (${edited})`,
      }),
    ];
  } finally {
    store.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
