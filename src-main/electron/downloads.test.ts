/**
 * Downloads in the desktop app: only message files of our own origin, saved to Downloads under a safe,
 * free name (or through the save dialog after "Save as…"); every other download refused. The session's
 * will-download is wired to it; without it every download is refused as before.
 */
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { Downloads, freePath, isOwnFileUrl, safeFileName } = await import('./downloads');
const { lockDownSession } = await import('./session');

const FILE = 'app://relay/files/11111111-1111-4111-8111-111111111111';
const DOWNLOADS = '/home/alice/Downloads';

function item(url: string, filename: string) {
  return {
    getURL: () => url,
    getFilename: () => filename,
    setSavePath: vi.fn(),
    setSaveDialogOptions: vi.fn(),
  };
}
const event = () => ({ preventDefault: vi.fn() });

describe('which downloads are ours', () => {
  it('takes message files (and thumbnails) of app://relay only', () => {
    expect(isOwnFileUrl(FILE)).toBe(true);
    expect(isOwnFileUrl(`${FILE}/thumbnail`)).toBe(true);
    expect(isOwnFileUrl('app://relay/index.html')).toBe(false);
    expect(isOwnFileUrl('app://other/files/11111111-1111-4111-8111-111111111111')).toBe(false);
    expect(isOwnFileUrl('https://evil.example/files/11111111-1111-4111-8111-111111111111')).toBe(false);
    expect(isOwnFileUrl('app://relay/files/../index.html')).toBe(false);
    expect(isOwnFileUrl('not a url')).toBe(false);
  });
});

describe('safe file names', () => {
  it('never leaves the folder, whatever the server or the sender called the file', () => {
    const nasty = [
      '../../.ssh/authorized_keys',
      '..',
      '.',
      '',
      '   ',
      'C:\\Windows\\System32\\evil.dll',
      '/etc/passwd',
      'a\u0000b\u001f.txt',
      '.bashrc',
      'CON.txt',
      'report.pdf.',
      `${'x'.repeat(300)}.pdf`,
    ];
    for (const raw of nasty) {
      const name = safeFileName(raw);
      expect(dirname(join(DOWNLOADS, name)), raw).toBe(DOWNLOADS);
      expect(name, raw).not.toMatch(/^\.|[\\/\p{Cc}]/u);
      expect(name.length, raw).toBeLessThanOrEqual(200);
    }
    expect(safeFileName('../../.ssh/authorized_keys')).toBe('_.._.ssh_authorized_keys');
    expect(safeFileName('')).toBe('download');
    expect(safeFileName('CON.txt')).toBe('_CON.txt');
    expect(safeFileName(`${'x'.repeat(300)}.pdf`)).toMatch(/^x{196}\.pdf$/);
    expect(safeFileName('minutes 2026-11-30.txt')).toBe('minutes 2026-11-30.txt');
  });

  it('never overwrites: a taken name gets a number', () => {
    const taken = new Set([join(DOWNLOADS, 'a.txt'), join(DOWNLOADS, 'a (2).txt')]);
    expect(freePath(DOWNLOADS, 'a.txt', (p) => taken.has(p))).toBe(join(DOWNLOADS, 'a (3).txt'));
    expect(freePath(DOWNLOADS, 'b.txt', (p) => taken.has(p))).toBe(join(DOWNLOADS, 'b.txt'));
  });
});

describe('will-download', () => {
  it('saves a message file to Downloads under a safe name, and refuses anything else', () => {
    const downloads = new Downloads(
      () => DOWNLOADS,
      () => false,
    );
    const ours = item(FILE, '../minutes.txt');
    const ok = event();
    downloads.willDownload(ok, ours);
    expect(ok.preventDefault).not.toHaveBeenCalled();
    expect(ours.setSavePath).toHaveBeenCalledWith(join(DOWNLOADS, '_minutes.txt'));

    const foreign = item('https://evil.example/payload.exe', 'payload.exe');
    const refused = event();
    downloads.willDownload(refused, foreign);
    expect(refused.preventDefault).toHaveBeenCalled();
    expect(foreign.setSavePath).not.toHaveBeenCalled();
  });

  it('after "Save as…" lets the save dialog ask where (once), starting in Downloads', () => {
    const downloads = new Downloads(
      () => DOWNLOADS,
      () => false,
    );
    downloads.saveAs(FILE);
    const first = item(FILE, 'chart.png');
    downloads.willDownload(event(), first);
    expect(first.setSavePath).not.toHaveBeenCalled();
    expect(first.setSaveDialogOptions).toHaveBeenCalledWith({
      title: 'Save as',
      defaultPath: join(DOWNLOADS, 'chart.png'),
    });
    const again = item(FILE, 'chart.png');
    downloads.willDownload(event(), again);
    expect(again.setSavePath).toHaveBeenCalledWith(join(DOWNLOADS, 'chart.png'));
  });

  it('is what the session does on will-download; without it every download is refused', () => {
    const withDownloads = new electron.FakeSession();
    lockDownSession(
      withDownloads as never,
      '/renderer',
      undefined,
      new Downloads(
        () => DOWNLOADS,
        () => false,
      ),
    );
    const ours = item(FILE, 'notes.txt');
    withDownloads.emit('will-download', event(), ours);
    expect(ours.setSavePath).toHaveBeenCalledWith(join(DOWNLOADS, 'notes.txt'));

    const without = new electron.FakeSession();
    lockDownSession(without as never, '/renderer');
    const refused = event();
    without.emit('will-download', refused, item(FILE, 'notes.txt'));
    expect(refused.preventDefault).toHaveBeenCalled();
  });
});
