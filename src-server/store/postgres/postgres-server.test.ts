/**
 * DATABASE_URL end to end: the real server on a PostgreSQL cluster started for this file, driven through
 * HTTP and Socket.IO like a client would; then a second server on the same database finds it all.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type Channel,
  MessageEvent,
  type MessagesPage,
  ReceiptEvent,
  SendAck,
} from '../../../src-shared/protocol';
import {
  type ClientSocket,
  connectAs,
  emitWithAck,
  flush,
  makeTempDir,
  nextEvent,
  recordEvents,
  startTestServer,
  type TestServer,
} from '../../testing';
import { DATABASE_FILE } from '../sqlite/sqlite-store';
import { describeOnPostgres } from './testing/describe-on-postgres';

describeOnPostgres('the server on DATABASE_URL', 'postgres-server.test.ts', (createDatabase) => {
  let databaseUrl: string;
  const jwtSecret = randomUUID() + randomUUID();
  const servers: TestServer[] = [];
  const sockets: ClientSocket[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    databaseUrl = await createDatabase();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const server of servers) await server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** A server on the shared database, with its own (otherwise unused) DATA_DIR. */
  async function start(): Promise<TestServer> {
    const dataDir = await makeTempDir();
    dirs.push(dataDir);
    const server = await startTestServer({ dataDir, databaseUrl, jwtSecret });
    servers.push(server);
    return server;
  }

  async function as(server: TestServer, username: string) {
    const session = await connectAs(server.url, username);
    sockets.push(session.socket);
    return session;
  }

  async function get<T>(server: TestServer, path: string, token: string): Promise<T> {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  it('logs in, sends, dedupes a replay, records receipts and serves history; a restart keeps it all', async () => {
    const first = await start();
    const alice = await as(first, 'alice');
    const bob = await as(first, 'bob');
    const general = (await get<Channel[]>(first, '/api/channels', alice.token)).find(
      (c) => c.name === 'general',
    )!;
    const bobSees = recordEvents(bob.socket);

    const clientMessageId = randomUUID();
    const send = { channelId: general.id, content: 'hello from postgres', clientMessageId };
    const arrived = nextEvent(bob.socket, MessageEvent.NEW);
    const ack = SendAck.parse(await emitWithAck(alice.socket, MessageEvent.SEND, send));
    expect(ack).toMatchObject({ ok: true, seq: 1, clientMessageId });
    if (!ack.ok) return;
    expect(await arrived).toMatchObject({ id: ack.messageId, seq: 1, content: send.content });

    const replay = SendAck.parse(await emitWithAck(alice.socket, MessageEvent.SEND, send));
    expect(replay).toEqual(ack);
    await flush(bob.socket);
    expect(bobSees.filter((e) => e.event === MessageEvent.NEW)).toHaveLength(1);

    const read = nextEvent(alice.socket, MessageEvent.READ);
    await emitWithAck(bob.socket, MessageEvent.READ, { messageId: ack.messageId, channelId: general.id });
    expect(ReceiptEvent.parse(await read)).toMatchObject({ messageId: ack.messageId, userId: bob.user.id });

    const historyPath = `/api/channels/${general.id}/messages`;
    const before = await get<MessagesPage>(first, historyPath, alice.token);
    expect(before.messages.map((m) => [m.seq, m.content, m.deliveryStatus])).toEqual([
      [1, send.content, 'READ'],
    ]);
    expect(before.messages[0]?.receipts).toEqual([expect.objectContaining({ userId: bob.user.id })]);
    // Everything went to PostgreSQL: no SQLite file was made.
    expect(existsSync(join(first.dataDir, DATABASE_FILE))).toBe(false);

    alice.socket.close();
    bob.socket.close();
    await first.close();

    const second = await start();
    const again = await as(second, 'alice');
    expect(again.user.id).toBe(alice.user.id);
    expect(await get<MessagesPage>(second, historyPath, again.token)).toEqual(before);
    const bobsChannels = await get<Channel[]>(second, '/api/channels', bob.token);
    expect(bobsChannels.find((c) => c.id === general.id)).toMatchObject({ lastSeq: 1, lastReadSeq: 1 });
    expect(SendAck.parse(await emitWithAck(again.socket, MessageEvent.SEND, send))).toEqual(ack);
    const next = SendAck.parse(
      await emitWithAck(again.socket, MessageEvent.SEND, { channelId: general.id, content: 'after restart' }),
    );
    expect(next).toMatchObject({ ok: true, seq: 2 });
  });
});
