/**
 * backup while a real server (a child process) keeps storing messages; restore refused while it runs,
 * then done on the stopped server, which comes back with the backup's messages and nothing after them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageEvent, SendAck } from '../../../src-shared/protocol';
import { DATABASE_FILE } from '../../store/sqlite/sqlite-database';
import { connectAs, emitWithAck, makeTempDir, type SpawnedServer, spawnServer } from '../../testing';
import { AdminError } from '../command';
import { runAdmin } from '../run';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function admin(dataDir: string, ...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runAdmin(['--data-dir', dataDir, ...argv], {
    env: {},
    stdin: process.stdin,
    print: (l) => lines.push(l),
  });
  return lines;
}

async function start(dataDir: string): Promise<SpawnedServer> {
  const server = await spawnServer({
    dataDir,
    env: { MESSAGE_RATE_LIMIT: '0' },
    // Generous: a loaded machine can take many seconds to start a tsx child.
    timeoutMs: 90_000,
  });
  cleanups.push(() => server.kill());
  return server;
}

/** alice's messages in #general, through the HTTP API. */
async function contents(url: string): Promise<string[]> {
  const alice = await connectAs(url, 'alice');
  alice.socket.close();
  const channels = (await (
    await fetch(`${url}/api/channels`, { headers: { authorization: `Bearer ${alice.token}` } })
  ).json()) as { id: string; name: string }[];
  const general = channels.find((c) => c.name === 'general')!;
  const page = (await (
    await fetch(`${url}/api/channels/${general.id}/messages?after=0&limit=500`, {
      headers: { authorization: `Bearer ${alice.token}` },
    })
  ).json()) as { messages: { content: string }[] };
  return page.messages.map((m) => m.content);
}

describe('npm run admin -- backup / restore', () => {
  it('backs up a running server under write load, refuses to restore while it runs, restores once stopped', async () => {
    const dataDir = await makeTempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await start(dataDir);
    const alice = await connectAs(server.url, 'alice');
    cleanups.push(async () => alice.socket.close());
    const general = (await fetch(`${server.url}/api/channels`, {
      headers: { authorization: `Bearer ${alice.token}` },
    }).then((r) => r.json())) as { id: string; name: string }[];
    const channelId = general.find((c) => c.name === 'general')!.id;
    const send = async (content: string) =>
      SendAck.parse(await emitWithAck(alice.socket, MessageEvent.SEND, { channelId, content }));
    for (let i = 0; i < 20; i++) expect((await send(`before ${i}`)).ok).toBe(true);

    // Writes keep landing during the backup: it must still finish with a sound copy.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) await send(`during ${i}`);
    })();
    const file = join(dataDir, '..', `relay-backup-${randomUUID()}.sqlite`);
    cleanups.push(() => rm(file, { force: true }));
    const [line] = await admin(dataDir, 'backup', file);
    writing = false;
    await writer;
    expect(line).toMatch(/integrity ok, 3 users, \d+ messages/);
    expect(Number(/(\d+) messages/.exec(line!)![1])).toBeGreaterThanOrEqual(20);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(admin(dataDir, 'backup', file)).rejects.toThrow(/exists/);
    const atBackup = Number(/(\d+) messages/.exec(line!)![1]);

    expect((await send('after the backup')).ok).toBe(true);
    await expect(admin(dataDir, 'restore', file)).rejects.toThrow(/appears to be running/);

    alice.socket.close();
    expect(await server.stop()).toBe(0);
    const [restored] = await admin(dataDir, 'restore', file);
    expect(restored).toMatch(/^restored .* the previous database is .*before-restore-/);
    expect(readdirSync(dataDir).filter((f) => f.includes('before-restore-'))).toHaveLength(1);

    const again = await start(dataDir);
    const after = await contents(again.url);
    expect(after).toHaveLength(atBackup);
    expect(after.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `before ${i}`));
    expect(after).not.toContain('after the backup');
  }, 300_000);

  it('refuses what it cannot do, in one line', async () => {
    const dataDir = await makeTempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await expect(admin(dataDir, 'backup', join(dataDir, 'x'))).rejects.toThrow(/No database at/);
    await expect(admin(dataDir, 'backup')).rejects.toThrow(AdminError);
    await expect(
      runAdmin(['backup', 'x'], {
        env: { DATABASE_URL: 'postgres://h/db' },
        stdin: process.stdin,
        print: () => {},
      }),
    ).rejects.toThrow(/use pg_dump/);
    // A file that is not a database is refused before anything is touched.
    writeFileSync(join(dataDir, DATABASE_FILE), '');
    const junk = join(dataDir, 'junk.sqlite');
    writeFileSync(junk, 'not a database at all, just text '.repeat(100));
    await expect(admin(dataDir, 'restore', junk)).rejects.toThrow(
      /not a sound SQLite database|cannot be opened/,
    );
    expect(existsSync(join(dataDir, `${DATABASE_FILE}.restoring`))).toBe(false);
  });
});
