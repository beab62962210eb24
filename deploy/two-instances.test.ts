/**
 * Two instances for real: redis-server, a throwaway PostgreSQL cluster, two server processes and Debian's
 * nginx in front, configured from deploy/nginx/relay.conf.template. Everything goes through nginx:
 * - alice on instance 1 and bob on instance 2: send, receipts, typing cross between them;
 * - the desktop app's core flushes its outbox through nginx, its instance is killed with -9 mid-flush:
 *   it reconnects through nginx to the other one, and every message is stored exactly once, in order;
 * - membership changes (add, leave) and a sign-out everywhere made through nginx reach the other
 *   instance's sockets;
 * - the killed instance restarts on its port and rejoins: a client nginx sends there talks to one on
 *   the other instance.
 * Which instance a socket reached is read from each instance's own /metrics (relay_connected_sockets).
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCore, signIn, type TestCore, waitFor } from '../src-main/core/testing/harness';
import { acceptedSoFar, flushUnderWay, verify } from '../src-main/core/testing/invariants';
import { type RedisProcess, redisUnavailable, startRedis } from '../src-server/redis-server';
import {
  type PostgresCluster,
  postgresUnavailable,
  startPostgresCluster,
} from '../src-server/store/postgres/postgres-cluster';
import {
  type ClientSocket,
  connectRefusal,
  connectSocket,
  emitWithAck,
  flush,
  login,
  makeTempDir,
  nextEvent,
  recordEvents,
  type SpawnedServer,
  spawnServer,
} from '../src-server/testing';
import { api } from '../src-server/workspace/suite';
import {
  type Channel,
  type ChannelJoinedEvent,
  MessageEvent,
  ReceiptEvent,
  SendAck,
  WorkspaceEvent,
} from '../src-shared/protocol';
import { type NginxProcess, nginxUnavailable, startNginx } from './testing/nginx';

const missing = [redisUnavailable(), postgresUnavailable(), nginxUnavailable()].filter(Boolean);
if (missing.length > 0) console.warn(`two-instances.test.ts skipped: ${missing.join('; ')}`);

const METRICS_TOKEN = randomUUID();

describe.skipIf(missing.length > 0)('two instances behind nginx', () => {
  let redis: RedisProcess;
  let cluster: PostgresCluster;
  let nginx: NginxProcess;
  const instances: SpawnedServer[] = [];
  const dirs: string[] = [];
  const sockets: ClientSocket[] = [];
  const cores: TestCore[] = [];
  let env: Record<string, string>;

  /** An instance on `port` (0: any), demo workspace, sharing PostgreSQL, Redis and the JWT secret. */
  async function startInstance(port = 0): Promise<SpawnedServer> {
    const dataDir = await makeTempDir();
    dirs.push(dataDir);
    // Generous: a loaded machine can take many seconds to start a tsx child.
    return spawnServer({ dataDir, port, env, timeoutMs: 90_000 });
  }

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startPostgresCluster();
    env = {
      DATABASE_URL: await cluster.createDatabase(),
      REDIS_URL: redis.url,
      JWT_SECRET: randomUUID() + randomUUID(),
      MESSAGE_RATE_LIMIT: '0',
      METRICS: '1',
      METRICS_TOKEN,
    };
    // One after the other: both seed the demo workspace.
    instances.push(await startInstance());
    instances.push(await startInstance());
    nginx = await startNginx([`127.0.0.1:${instances[0]!.port}`, `127.0.0.1:${instances[1]!.port}`]);
  }, 240_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const core of cores) await core.close().catch(() => {});
    await nginx?.stop();
    for (const instance of instances) await instance.kill();
    await redis?.stop();
    await cluster?.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** Sockets connected to an instance now, from its /metrics. */
  async function connectedTo(instance: SpawnedServer): Promise<number> {
    const res = await fetch(`${instance.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const line = (await res.text()).split('\n').find((l) => l.startsWith('relay_connected_sockets '));
    return Number(line?.split(' ')[1] ?? Number.NaN);
  }

  /** A socket through nginx for `username` that landed on `instance` (nginx alternates; retry until). */
  async function socketOn(instance: SpawnedServer, username: string) {
    const { token, user } = await login(nginx.url, username);
    let found: ClientSocket | undefined;
    await waitFor(async () => {
      const before = await connectedTo(instance);
      const socket = await connectSocket(nginx.url, { token, userId: user.id });
      if ((await connectedTo(instance)) > before) {
        found = socket;
        return true;
      }
      socket.close();
      return false;
    }, `a socket for ${username} on ${instance.url}`);
    sockets.push(found!);
    return { socket: found!, user, token };
  }

  async function general(token: string): Promise<Channel> {
    const res = await fetch(`${nginx.url}/api/channels`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as Channel[]).find((c) => c.name === 'general')!;
  }

  it('carries typing, a message and its read receipt from instance 1 to instance 2 through nginx', async () => {
    const alice = await socketOn(instances[0]!, 'alice');
    const bob = await socketOn(instances[1]!, 'bob');
    const channel = await general(alice.token);

    const typing = nextEvent(bob.socket, MessageEvent.TYPING_START);
    await emitWithAck(alice.socket, MessageEvent.TYPING_START, { channelId: channel.id });
    expect(await typing).toMatchObject({ userId: alice.user.id, channelId: channel.id });

    const arrived = nextEvent<{ id: string; content: string }>(bob.socket, MessageEvent.NEW);
    const ack = SendAck.parse(
      await emitWithAck(alice.socket, MessageEvent.SEND, { channelId: channel.id, content: 'through nginx' }),
    );
    if (!ack.ok) throw new Error(`send refused: ${ack.code}`);
    expect(await arrived).toMatchObject({ id: ack.messageId, content: 'through nginx' });

    const read = nextEvent(alice.socket, MessageEvent.READ);
    await emitWithAck(bob.socket, MessageEvent.READ, { messageId: ack.messageId, channelId: channel.id });
    expect(ReceiptEvent.parse(await read)).toMatchObject({ messageId: ack.messageId, userId: bob.user.id });
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('membership changes and revocation made through nginx reach the other instance’s sockets', async () => {
    const alice = await socketOn(instances[0]!, 'alice');
    const bob = await socketOn(instances[1]!, 'bob');
    const created = await api(nginx.url, alice.token, 'POST', '/api/channels', { name: 'behind-nginx' });
    expect(created.status).toBe(201);
    const channelId = (created.body as { id: string }).id;

    // alice adds bob through whichever instance nginx picks: bob's socket on instance 2 joins the room.
    const joined = nextEvent<ChannelJoinedEvent>(bob.socket, WorkspaceEvent.CHANNEL_JOINED);
    const added = await api(nginx.url, alice.token, 'POST', `/api/channels/${channelId}/members`, {
      userId: bob.user.id,
    });
    expect(added.status).toBe(200);
    expect((await joined).channel.id).toBe(channelId);
    const arrived = nextEvent<{ content: string }>(bob.socket, MessageEvent.NEW);
    await emitWithAck(alice.socket, MessageEvent.SEND, { channelId, content: 'welcome' });
    expect((await arrived).content).toBe('welcome');

    // bob leaves: nothing of that channel reaches his socket any more.
    const left = nextEvent(bob.socket, WorkspaceEvent.CHANNEL_LEFT);
    expect((await api(nginx.url, bob.token, 'POST', `/api/channels/${channelId}/leave`)).status).toBe(200);
    await left;
    const seen = recordEvents(bob.socket);
    SendAck.parse(await emitWithAck(alice.socket, MessageEvent.SEND, { channelId, content: 'gone' }));
    await flush(bob.socket);
    expect(seen.filter((e) => e.event === MessageEvent.NEW)).toEqual([]);

    // bob signs out everywhere: his open socket is dropped and his old token refused on both instances.
    const dropped = nextEvent(bob.socket, 'disconnect');
    expect((await api(nginx.url, bob.token, 'POST', '/api/logout-everywhere')).status).toBe(200);
    await dropped;
    for (const instance of instances) {
      expect((await connectRefusal(instance.url, { token: bob.token })).data).toEqual({
        reason: 'token_revoked',
      });
    }
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('kill -9 of the instance under a flushing outbox: the app reconnects through nginx, each message once', async () => {
    await waitFor(
      async () => (await connectedTo(instances[0]!)) + (await connectedTo(instances[1]!)) === 0,
      'no sockets',
    );
    const t = await createTestCore();
    cores.push(t);
    await signIn(t, nginx.url, 'alice');
    const { expected, token, base } = await flushUnderWay(t, nginx.url, 'n-', 200);
    // The core is the only client: its instance is the one with a socket.
    const victim = (await connectedTo(instances[0]!)) > 0 ? 0 : 1;
    const port = instances[victim]!.port;
    await instances[victim]!.kill('SIGKILL');
    const atKill = (await acceptedSoFar(nginx.url, token)) - base;
    console.info(`two instances: killed instance ${victim + 1} with ${atKill}/200 stored`);

    await verify(t, nginx.url, 'n-', expected);
    expect(await connectedTo(instances[1 - victim]!)).toBe(1);

    // The killed instance comes back on its port and rejoins: nginx sends it clients again, and they
    // talk to clients on the other instance through Redis.
    instances[victim] = await startInstance(port);
    const bob = await socketOn(instances[victim]!, 'bob');
    const carol = await socketOn(instances[1 - victim]!, 'carol');
    const channel = await general(bob.token);
    const arrived = nextEvent<{ content: string }>(carol.socket, MessageEvent.NEW);
    const ack = SendAck.parse(
      await emitWithAck(bob.socket, MessageEvent.SEND, { channelId: channel.id, content: 'back again' }),
    );
    expect(ack.ok).toBe(true);
    expect((await arrived).content).toBe('back again');
    // nginx did see the dead instance: a refused connect if no request was in flight at the kill, or a
    // reset / early close of the response that was (CI saw the latter, then no connect() at all).
    expect(await nginx.errors()).toMatch(/connect\(\) failed|recv\(\) failed|upstream prematurely closed/);
  }, 240_000);
});
