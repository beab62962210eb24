/**
 * Figure 16 (issue 17): time to the first thumbnail. For each of N distinct images (noise PNGs of a few
 * MB, made with sharp beforehand): alice uploads it (`POST /api/files`) and sends it (`message:send` with
 * `fileIds`); the clock stops once bob has the `message:new` and the thumbnail's bytes
 * (`GET /api/files/:id/thumbnail`, made on that first request). Baseline, same run and same sockets: a
 * plain message's send → receive plus sharp's in-process resize of that image with the server's settings.
 * Target (config.ts, THUMBNAIL_TARGET_RATIO): p50 ≤ 2× the baseline: the upload is a local copy of a
 * few MB, and the thumbnail is made once, so what is left is a send, a resize and two HTTP round trips.
 * A floor row says what that upload costs by itself: after each measured round, the same image PUT to a
 * bare Node sink (figure 10's, no auth, no hash, no database), plain and syncing before it answers. The
 * resize starts once the bytes have arrived, so the value's own floor is the plain PUT + send→receive +
 * resize; the sync runs beside the resize.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { io, type Socket } from 'socket.io-client';
import { thumbnailOf } from '../../src-server/files/thumbnails';
import { THUMBNAIL_TARGET_RATIO } from '../config';
import { makeRow, type Row } from '../lib/result';
import { percentile } from '../lib/stats';
import { type Bench, provision, type Subject } from './context';
import { timedUpload } from './fig10-upload';

/** A noise PNG of about `megabytes` MB (noise does not compress): each one distinct, so none is cached. */
export function noisePng(megabytes: number): Promise<Buffer> {
  const side = Math.round(Math.sqrt((megabytes * 1e6) / 3));
  return sharp({
    create: {
      width: side,
      height: side,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/**
 * The server's thumbnail recipe (src-server/files/thumbnails.ts, the same function), in this process, with
 * its one libvips thread (set before the first resize; this process makes no other sharp work meanwhile
 * but the PNGs).
 */
async function resizeMs(image: Buffer): Promise<number> {
  const start = performance.now();
  await thumbnailOf(sharp, image);
  return performance.now() - start;
}

type Ack = { ok: boolean; code?: string };

function connect(url: string, identity: { userId: string; token: string }): Promise<Socket> {
  const socket = io(url, { auth: identity, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Resolves with the next `message:new` bob gets whose content is `content`. */
function arrival(socket: Socket, content: string): Promise<{ files?: { id: string }[] }> {
  return new Promise((resolve) => {
    const seen = (message: { content: string; files?: { id: string }[] }) => {
      if (message.content !== content) return;
      socket.off('message:new', seen);
      resolve(message);
    };
    socket.on('message:new', seen);
  });
}

export async function figure16(bench: Bench): Promise<Row[]> {
  const { images, megabytes } = bench.options.scale.thumbnail;
  bench.log(`figure 16: time to the first thumbnail, ${images} images of ~${megabytes} MB`);
  const subject = await bench.subject('real');
  const bare: Subject = await bench.subject('bare-upload');
  const durableBare: Subject = await bench.subject('bare-upload', { env: { BARE_UPLOAD_FSYNC: '1' } });
  const putMs = (sink: Subject, image: Buffer) =>
    timedUpload(`${sink.url}/upload`, { method: 'PUT', body: new Uint8Array(image) });
  const { users, channelIds } = await provision(subject, { users: 2, channels: [[0, 1]] });
  const [alice, bob] = [users[0]!, users[1]!];
  const channelId = channelIds[0]!;
  const sockets = [await connect(subject.url, alice), await connect(subject.url, bob)] as const;
  const send = (content: string, fileIds?: string[]) =>
    new Promise<Ack>((resolve) =>
      sockets[0].emit(
        'message:send',
        { channelId, content, clientMessageId: randomUUID(), fileIds },
        resolve,
      ),
    );
  const pngs: Buffer[] = [];
  for (let i = 0; i <= images; i++) pngs.push(await noisePng(megabytes));
  sharp.concurrency(1);
  const thumbnailMs: number[] = [];
  const baselineMs: number[] = [];
  const resize: number[] = [];
  // Where the value's time goes: the upload's answer, the send until bob has it, the thumbnail's GET.
  const steps = { upload: [] as number[], shown: [] as number[], thumbnail: [] as number[] };
  const barePut: number[] = [];
  const durablePut: number[] = [];
  try {
    // The first image (index 0) warms up, unmeasured: sharp's loading in the server, the blob folders.
    for (let i = 0; i <= images; i++) {
      const plain = `plain ${i}`;
      let start = performance.now();
      const received = arrival(sockets[1], plain);
      if (!(await send(plain)).ok) throw new Error('a plain send was refused');
      await received;
      const sendReceive = performance.now() - start;
      const resizing = await resizeMs(pngs[i]!);

      const content = `image ${i}`;
      start = performance.now();
      const upload = await fetch(`${subject.url}/api/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}`, 'x-file-name': `image-${i}.png` },
        body: new Uint8Array(pngs[i]!),
      });
      if (upload.status !== 201) throw new Error(`upload answered ${upload.status}`);
      const { id } = (await upload.json()) as { id: string };
      const uploaded = performance.now();
      const shown = arrival(sockets[1], content);
      const ack = await send(content, [id]);
      if (!ack.ok) throw new Error(`the image's send was refused: ${ack.code}`);
      const message = await shown;
      const arrived = performance.now();
      const thumbnail = await fetch(`${subject.url}/api/files/${message.files![0]!.id}/thumbnail`, {
        headers: { authorization: `Bearer ${bob.token}` },
      });
      const bytes = await thumbnail.arrayBuffer();
      if (thumbnail.status !== 200 || bytes.byteLength === 0)
        throw new Error(`thumbnail answered ${thumbnail.status}`);
      const total = performance.now() - start;
      const plainPut = await putMs(bare, pngs[i]!);
      const syncedPut = await putMs(durableBare, pngs[i]!);
      if (i === 0) continue;
      barePut.push(plainPut);
      durablePut.push(syncedPut);
      steps.upload.push(uploaded - start);
      steps.shown.push(arrived - uploaded);
      steps.thumbnail.push(start + total - arrived);
      thumbnailMs.push(total);
      baselineMs.push(sendReceive);
      resize.push(resizing);
    }
  } finally {
    for (const socket of sockets) socket.close();
    await Promise.all([subject.child.stop(), bare.child.stop(), durableBare.child.stop()]);
  }
  // Per image, what the value cannot go below: the bytes' own trip, then the send and the resize.
  const floorMs = barePut.map((put, i) => put + baselineMs[i]! + resize[i]!);
  const rows = (['p50', 'p99'] as const).map((q) => {
    const p = q === 'p50' ? 50 : 99;
    const parts = { sendReceive: percentile(baselineMs, p), resize: percentile(resize, p) };
    return makeRow({
      name: `16. first thumbnail ${q} (${images} images of ~${megabytes} MB)`,
      value: percentile(thumbnailMs, p),
      unit: 'ms',
      baseline: parts.sendReceive + parts.resize,
      baselineName: 'send→receive + sharp resize, same run',
      checks: [{ op: '<=', limit: THUMBNAIL_TARGET_RATIO, of: 'ratio' }],
      note:
        `send→receive ${parts.sendReceive.toFixed(1)} ms + resize ${parts.resize.toFixed(1)} ms (in-process); ` +
        `value's steps at this percentile: upload ${percentile(steps.upload, p).toFixed(1)} ms, send → bob has it ` +
        `${percentile(steps.shown, p).toFixed(1)} ms, thumbnail GET ${percentile(steps.thumbnail, p).toFixed(1)} ms`,
    });
  });
  rows.push(
    makeRow({
      name: `16. floor: first thumbnail p50 against a bare PUT of the image + send→receive + resize (${images} images)`,
      value: percentile(thumbnailMs, 50),
      unit: 'ms',
      baseline: percentile(floorMs, 50),
      baselineName: 'bare PUT sink + send→receive + sharp resize, same run',
      checks: [],
      note:
        `bare PUT of the image p50 ${percentile(barePut, 50).toFixed(1)} ms, syncing before it answers ` +
        `${percentile(durablePut, 50).toFixed(1)} ms: what the upload costs by itself, not a target`,
    }),
  );
  return rows;
}
