/**
 * Baseline of figure 10: a bare Node HTTP server that takes a PUT and streams its body to a file, nothing
 * else (no auth, no hashing, no database) — what the disk and loopback allow on this machine. With
 * BARE_UPLOAD_FSYNC=1 it also fdatasyncs the file before it answers: the disk's floor of a durable upload
 * (the real server syncs each new blob before its row and its answer).
 * argv: PORT
 */
import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { diskSync } from '../../src-server/files/blob-store';
import { emitEvent, serve } from '../lib/serve';

const dir = await mkdtemp(join(tmpdir(), 'relay-bench-upload-'));
let counter = 0;

const durable = process.env.BARE_UPLOAD_FSYNC === '1';

const http = createServer((req, res) => {
  const file = join(dir, String(++counter));
  pipeline(req, createWriteStream(file, { mode: 0o600 }))
    .then(() => (durable ? diskSync.file(file) : undefined))
    .then(
      () => res.writeHead(201, { 'content-type': 'application/json' }).end('{}'),
      () => res.writeHead(500).end(),
    );
});

serve({});
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

http.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  emitEvent({ event: 'ready', url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
});
