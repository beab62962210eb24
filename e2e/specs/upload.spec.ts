/**
 * Files (issue 17), the upload side: alice attaches an image in the composer (the hidden file-input
 * behind the Attach button); main stages it, queues the upload with the message and sends it once the
 * file is on the server; bob sees it inline, and its bytes are alice's. A 30 MiB file is refused in
 * the composer at once, in plain words, and nothing is sent. Attached while the server is down, the
 * image shows pending at once (with its progress and a cancel), and reaches bob once it is back.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pngOf } from '../../src-server/files/suite';
import { expect, test } from '../support/fixtures';
import { message, RECONNECT, serverHistory } from '../support/ui';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('alice attaches an image; bob sees it inline, with her bytes', async ({ signedIn }) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });
  const png = await pngOf(800, 600);
  await alice.page
    .getByTestId('file-input')
    .setInputFiles({ name: 'diagram.png', mimeType: 'image/png', buffer: png });
  await expect(alice.page.getByTestId('attachment-chip')).toContainText('diagram.png');
  await alice.page.getByTestId('message-input').fill('The diagram');
  await alice.page.getByTestId('send-button').click();
  await expect(alice.page.getByTestId('attachment-chip')).toHaveCount(0);

  const file = message(bob.page, 'The diagram').locator('[data-testid="file"][data-file-id]');
  await expect(file.locator('img')).toBeVisible();
  const fileId = await file.getAttribute('data-file-id');
  // The original through bob's host (main fetches it with his token): the bytes alice attached.
  const original = await bob.page.evaluate(async (id) => {
    const response = await fetch(`/files/${id}`);
    return Array.from(new Uint8Array(await response.arrayBuffer()));
  }, fileId);
  expect(sha256(new Uint8Array(original))).toBe(sha256(png));
});

test('a 30 MiB file is refused in the composer with a clear message', async ({ signedIn }) => {
  const { alice } = await signedIn({ alice: 'general' });
  // A file on disk, not a buffer: Playwright hands a local browser the path instead of 30 MiB of bytes.
  const dir = await mkdtemp(join(tmpdir(), 'relay-upload-'));
  try {
    const path = join(dir, 'backup.zip');
    await writeFile(path, Buffer.alloc(30 * 1024 * 1024));
    await alice.page.getByTestId('file-input').setInputFiles(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await expect(alice.page.getByRole('alert')).toHaveText(
    'backup.zip is too large to send: 30.0 MB, at most 25.0 MB',
  );
  await expect(alice.page.getByTestId('attachment-chip')).toHaveCount(0);
});

test('an image attached offline appears for bob once the connection is back', async ({
  signedIn,
  server,
}) => {
  const { alice, bob } = await signedIn({ alice: 'general', bob: 'general' });
  await server.kill();
  await expect(alice.page.getByTestId('connection-status')).not.toHaveText('Connected');

  const png = await pngOf(640, 480);
  await alice.page.getByTestId('file-input').setInputFiles([
    { name: 'offline.png', mimeType: 'image/png', buffer: png },
    { name: 'not-this.txt', mimeType: 'text/plain', buffer: Buffer.from('changed my mind\n') },
  ]);
  await alice.page.getByTestId('message-input').fill('Drawn offline');
  await alice.page.getByTestId('send-button').click();
  // Pending at once, in her list: Sending, each file with its progress and a cancel.
  const mine = message(alice.page, 'Drawn offline');
  await expect(mine.getByTestId('message-status')).toHaveText('Sending');
  await expect(mine.getByRole('progressbar', { name: 'Uploading offline.png' })).toHaveAttribute(
    'aria-valuenow',
    '0',
  );
  await mine.getByRole('button', { name: 'Cancel not-this.txt' }).click();
  await expect(mine.getByRole('progressbar', { name: 'Uploading not-this.txt' })).toHaveCount(0);

  await server.start();
  const row = message(bob.page, 'Drawn offline');
  const image = row.locator('[data-testid="file"][data-file-id] img');
  await expect(image).toBeVisible(RECONNECT);
  // The thumbnail loaded (through bob's main), not just an <img> waiting.
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  // Only the image: the cancelled file never went.
  await expect(row.getByTestId('file')).toHaveCount(1);
  await expect(mine.getByRole('progressbar')).toHaveCount(0);
  await expect(mine.getByTestId('message-status')).not.toHaveText(/Sending|Failed/, RECONNECT);
  await expect(row).toHaveCount(1);
  // Exactly once on the server too.
  const history = await serverHistory(server.url, 'bob', 'general');
  expect(history.filter((m) => m.content === 'Drawn offline')).toHaveLength(1);
});
