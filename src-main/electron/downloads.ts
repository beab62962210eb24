/**
 * Downloads in the desktop app (issue 17): a message file of our own origin (app://relay/files/:id,
 * served from main's cache) is saved to the Downloads folder under a safe name, never over another
 * file and never opened; after "Save as…" (the context menu) Electron's save dialog asks where, starting
 * there. Every other download (a page, a link elsewhere) is refused, as before.
 */
import { existsSync } from 'node:fs';
import { join, parse } from 'node:path';
import type { DownloadItem } from 'electron';
import { isFilePath } from '../web/file-route';
import { APP_HOST, APP_SCHEME } from './identity';

export type DownloadItemLike = Pick<
  DownloadItem,
  'getURL' | 'getFilename' | 'setSavePath' | 'setSaveDialogOptions'
>;

/** A message file on our own origin (the original or its thumbnail). */
export function isOwnFileUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && isFilePath(url.pathname);
}

/** Names Windows keeps for devices, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * A file name that stays in the folder it is saved to: no separators (so no `..` path), no control
 * characters or characters Windows refuses, no leading dots (hidden, or `.`/`..`), not a device name,
 * at most 200 characters with the extension kept.
 */
export function safeFileName(raw: string): string {
  let name = raw
    .replace(/[\\/]/g, '_')
    .replace(/[\p{Cc}<>:"|?*]/gu, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (RESERVED.test(parse(name).name)) name = `_${name}`;
  if (name.length > 200) {
    const { name: stem, ext } = parse(name);
    name = ext.length < 20 ? stem.slice(0, 200 - ext.length) + ext : name.slice(0, 200);
  }
  return name || 'download';
}

/** `name`, or `name (2).ext`, `name (3).ext`… : the first that is free in `dir`. */
export function freePath(dir: string, name: string, exists: (path: string) => boolean = existsSync): string {
  const { name: stem, ext } = parse(name);
  let path = join(dir, name);
  for (let n = 2; exists(path); n++) path = join(dir, `${stem} (${n})${ext}`);
  return path;
}

export class Downloads {
  /** Files the user chose "Save as…" for: their next download asks where. */
  private readonly askWhere = new Set<string>();

  constructor(
    private readonly downloadsDir: () => string,
    private readonly exists: (path: string) => boolean = existsSync,
  ) {}

  /** "Save as…" on a message file: the download that follows shows the save dialog. */
  saveAs(url: string): void {
    if (isOwnFileUrl(url)) this.askWhere.add(url);
  }

  /** The session's will-download: our own files are saved, anything else is refused. */
  willDownload(event: { preventDefault(): void }, item: DownloadItemLike): void {
    const url = item.getURL();
    if (!isOwnFileUrl(url)) {
      event.preventDefault();
      return;
    }
    const name = safeFileName(item.getFilename());
    if (this.askWhere.delete(url)) {
      // No save path set: Electron shows its save dialog, starting in Downloads with this name.
      item.setSaveDialogOptions({ title: 'Save as', defaultPath: join(this.downloadsDir(), name) });
      return;
    }
    item.setSavePath(freePath(this.downloadsDir(), name, this.exists));
  }
}
