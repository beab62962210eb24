/**
 * Figure 10 (issue 17): upload throughput of one file (25 MiB at full scale) to the real server's
 * `POST /api/files` (auth, limits, sha256 while streaming, temp file + rename, MIME detection, a row)
 * beside a plain `fetch` PUT of the same bytes to a bare Node server that only writes them to disk.
 * The client is this process (fetch), the servers are children; they alternate, upload by upload, so a
 * load spike from elsewhere hits each. Target: ≥ 0.8× the bare server's MB/s. Each round uploads new
 * bytes (the server keeps bytes it already holds without writing them again, which is not what a
 * throughput figure is about). A floor row: the same bare server syncing each file before it answers,
 * as the real server syncs a new blob (the disk's cost of a durable upload).
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { makeRow, type Row } from '../lib/result';
import { type Bench, SUBJECT_NAMES, type Subject, withCpu } from './context';

const MIB = 1024 * 1024;

/** One upload's time until its answer's last byte; anything but 201 throws (figure 16's bare PUTs too). */
export async function timedUpload(url: string, init: RequestInit): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`upload answered ${res.status}`);
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function figure10(bench: Bench): Promise<Row[]> {
  const { megabytes, uploads } = bench.options.scale.upload;
  bench.log(`figure 10: ${uploads} uploads of ${megabytes} MiB, real server vs a bare Node PUT sink`);
  // Random bytes: nothing compresses or short-cuts them; the same body for both servers.
  const body = randomBytes(megabytes * MIB);
  /** The body with a new first 16 bytes: new bytes for every round, the same for every server in it. */
  const fresh = () => randomFillSync(body, 0, 16);
  const real: Subject = await bench.subject('real');
  const bare: Subject = await bench.subject('bare-upload');
  const durableBare: Subject = await bench.subject('bare-upload', { env: { BARE_UPLOAD_FSYNC: '1' } });
  const login = await fetch(`${real.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'password' }),
  });
  const { token } = (await login.json()) as { token: string };
  const toReal = () =>
    timedUpload(`${real.url}/api/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-file-name': 'bench.bin' },
      body,
    });
  const toBare = (sink: Subject) => timedUpload(`${sink.url}/upload`, { method: 'PUT', body });
  // One of each first, unmeasured: module loading, the first blob folder, TCP warm-up.
  fresh();
  await toReal();
  await toBare(bare);
  await toBare(durableBare);
  const realMs: number[] = [];
  const bareMs: number[] = [];
  const durableMs: number[] = [];
  const { cpu } = await withCpu({ server: real.child }, async () => {
    for (let i = 0; i < uploads; i++) {
      fresh();
      realMs.push(await toReal());
      bareMs.push(await toBare(bare));
      durableMs.push(await toBare(durableBare));
    }
  });
  const rate = (ms: number) => megabytes / (ms / 1000);
  return [
    makeRow({
      name: `10. upload throughput, ${megabytes} MiB file (median of ${uploads})`,
      value: rate(median(realMs)),
      unit: 'MiB/s',
      baseline: rate(median(bareMs)),
      baselineName: SUBJECT_NAMES['bare-upload'],
      checks: [{ op: '>=', limit: 0.8, of: 'ratio' }],
      cpu,
      note: `real ${median(realMs).toFixed(0)} ms, bare PUT ${median(bareMs).toFixed(0)} ms per upload (client: fetch); new bytes each round`,
    }),
    makeRow({
      name: `10. floor: the bare PUT sink syncing each file before it answers (median of ${uploads})`,
      value: rate(median(durableMs)),
      unit: 'MiB/s',
      baseline: rate(median(bareMs)),
      baselineName: SUBJECT_NAMES['bare-upload'],
      checks: [],
      note: `${median(durableMs).toFixed(0)} ms per upload: the disk's cost of a durable upload, not a target`,
    }),
  ];
}
