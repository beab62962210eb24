/** The CLI as a child process: configuration errors, graceful shutdown, and kill -9 mid-stream. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageEvent, MessagesPage, SendAck } from '../src-shared/protocol';
import {
  type ClientSocket,
  connectSocket,
  emitWithAck,
  login,
  makeTempDir,
  type SpawnedServer,
  spawnServer,
} from './testing';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function tempDir() {
  const dir = await makeTempDir();
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function spawned(options: Parameters<typeof spawnServer>[0]): Promise<SpawnedServer> {
  const server = await spawnServer(options);
  cleanup.push(() => server.kill());
  return server;
}

function runCli(args: string[], env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-server/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, JWT_SECRET: undefined, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr })),
  );
}

describe('cli', () => {
  it('refuses to start without JWT_SECRET unless --demo: one clear line on stderr, exit 1', async () => {
    const dir = await tempDir();
    const { code, stderr } = await runCli(['--data-dir', dir, '--port', '0'], {});
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('JWT_SECRET is required')]);
  });

  it('refuses an unknown flag and a malformed number the same way', async () => {
    for (const args of [['--nope'], ['--port', 'abc']]) {
      const { code, stderr } = await runCli(args, {});
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('lets a flag win over the environment and shuts down on SIGTERM with exit 0', async () => {
    const dir = await tempDir();
    // PORT=1 would fail (privileged); --port 0 wins. From source under tsx, as production starts it
    // (the other spawns here run vitest's bundle of the same CLI).
    const server = await spawned({
      fromSource: true,
      dataDir: dir,
      env: { PORT: '1', JWT_SECRET: 'x'.repeat(40) },
      demo: false,
      args: [],
    });
    expect(server.port).toBeGreaterThan(1);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('on SIGTERM closes connected sockets and the database (its WAL is checkpointed away), exit 0', async () => {
    const dataDir = await tempDir();
    const server = await spawned({ dataDir });
    const { token } = await login(server.url, 'bob');
    const socket = await connectSocket(server.url, { token });
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(existsSync(join(dataDir, 'relay.sqlite-wal'))).toBe(true);
    expect(await server.stop()).toBe(0);
    expect(await disconnected).toBe('transport close');
    expect(existsSync(join(dataDir, 'relay.sqlite-wal'))).toBe(false);
  });

  it('loses nothing acknowledged on kill -9 mid-stream: no seq gaps, dedupe holds after restart', async () => {
    const { acked } = await killMidStream(8, (count) => count >= 150);
    expect(acked).toBeGreaterThanOrEqual(150);
  }, 90_000);

  it('loses nothing acknowledged on kill -9 mid-burst, after the writer checkpointed the WAL by its size', async () => {
    // Group commits on the writer thread, until a checkpoint (by WAL size: the burst has not paused) has
    // copied the burst's pages into the database file: the kill lands in a burst that has checkpointed.
    const { acked, grownBy } = await killMidStream(256, (count, grown) => count >= 1_000 && grown > 0);
    expect(acked).toBeGreaterThanOrEqual(1_000);
    expect(grownBy).toBeGreaterThan(0);
  }, 180_000);
});

/**
 * A stream of sends, `inFlight` at a time, until `enough(acknowledged, bytes the database file grew by)`;
 * then kill -9 and a restart on the same data: every acknowledged message is stored as acknowledged, seqs
 * have no gap, and every send (acknowledged or not) replayed is answered with its first message, once.
 */
async function killMidStream(inFlight: number, enough: (acked: number, grownBy: number) => boolean) {
  const dataDir = await tempDir();
  const first = await spawned({ dataDir, args: ['--message-rate-limit', '0'] });
  const { token, user } = await login(first.url, 'alice');
  const channels = (await (
    await fetch(`${first.url}/api/channels`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { id: string; name: string }[];
  const channelId = channels.find((c) => c.name === 'general')!.id;
  const socket = await connectSocket(first.url, { token, userId: user.id });
  // Pages reach the database file only through checkpoints: it grows as they copy the WAL into it.
  const databaseFile = join(dataDir, 'relay.sqlite');
  const startSize = statSync(databaseFile).size;
  const grownBy = () => statSync(databaseFile).size - startSize;
  const sent: string[] = [];
  const acked = new Map<string, { messageId: string; seq: number }>();
  const sendOne = (clientMessageId: string) =>
    new Promise<void>((resolve) => {
      const gone = () => resolve();
      socket.once('disconnect', gone);
      socket.emit(
        MessageEvent.SEND,
        { content: `n${sent.length}`, channelId, clientMessageId },
        (ack: unknown) => {
          socket.off('disconnect', gone);
          const parsed = SendAck.parse(ack);
          if (parsed.ok) acked.set(clientMessageId, { messageId: parsed.messageId, seq: parsed.seq });
          resolve();
        },
      );
    });
  const sender = async () => {
    while (socket.connected) {
      const clientMessageId = randomUUID();
      sent.push(clientMessageId);
      await sendOne(clientMessageId);
    }
  };
  const senders = Promise.all(Array.from({ length: inFlight }, sender));
  while (!enough(acked.size, grownBy())) await new Promise((r) => setTimeout(r, 2));
  const grown = grownBy();
  await first.kill('SIGKILL');
  await senders;
  socket.close();

  const second = await spawned({ dataDir, args: ['--message-rate-limit', '0'] });
  // The demo secret was kept in DATA_DIR: the old token still works.
  const fetchAll = async () => {
    const messages: MessagesPage['messages'] = [];
    for (let more = true; more; ) {
      const page = MessagesPage.parse(
        await (
          await fetch(
            `${second.url}/api/channels/${channelId}/messages?after=${messages.at(-1)?.seq ?? 0}&limit=500`,
            { headers: { authorization: `Bearer ${token}` } },
          )
        ).json(),
      );
      messages.push(...page.messages);
      more = page.hasMore;
    }
    return { messages };
  };
  const stored = await fetchAll();
  const bySeq = stored.messages.map((m) => m.seq);
  expect(bySeq).toEqual(Array.from({ length: bySeq.length }, (_, i) => i + 1));
  const byClientId = new Map(stored.messages.map((m) => [m.clientMessageId, m]));
  for (const [clientMessageId, ack] of acked) {
    expect(byClientId.get(clientMessageId)).toMatchObject({ id: ack.messageId, seq: ack.seq });
  }

  // Every send replayed (acknowledged or not): each old one answers with its first message.
  const again: ClientSocket = await connectSocket(second.url, { token, userId: user.id });
  cleanup.push(async () => again.close());
  const replays = await Promise.all(
    sent.map((clientMessageId) =>
      emitWithAck(again, MessageEvent.SEND, { content: 'retry', channelId, clientMessageId }).then((ack) => ({
        clientMessageId,
        ack: SendAck.parse(ack),
      })),
    ),
  );
  for (const { clientMessageId, ack } of replays) {
    expect(ack.ok).toBe(true);
    const before = byClientId.get(clientMessageId);
    if (before && ack.ok) expect(ack.messageId).toBe(before.id);
  }
  const after = await fetchAll();
  expect(after.messages).toHaveLength(sent.length);
  expect(after.messages.map((m) => m.seq)).toEqual(Array.from({ length: sent.length }, (_, i) => i + 1));
  expect(new Set(after.messages.map((m) => m.clientMessageId)).size).toBe(sent.length);
  return { acked: acked.size, grownBy: grown };
}
