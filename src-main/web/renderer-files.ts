/**
 * Reads the built renderer (out/renderer) for a request path, for both hosts. Only files inside the
 * renderer folder can be read: the path is normalised and checked, so `..` or an encoded escape
 * gets nothing. A path without a file extension is the app itself (index.html).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export type RendererFile = {
  path: string;
  body: Buffer;
  contentType: string;
  isIndex: boolean;
  /** What a browser may keep (the browser host's header; Electron's app:// has no HTTP cache). */
  cacheControl: string;
};

/**
 * `relative`: the file's path in the build. The page carries a launch's secret: never kept. Vite's
 * assets have hashed names, new with each content: kept for good. Public files (warm-intl.js, the icon)
 * keep their names across versions: asked again each time, or an upgrade would run the old copy.
 */
export function rendererCacheControl(relative: string): string {
  if (relative === 'index.html') return 'no-store';
  return relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

export async function readRendererFile(rendererDir: string, urlPath: string): Promise<RendererFile | null> {
  const root = resolve(rendererDir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' || extname(decoded) === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const path = resolve(join(root, relative));
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    if (!(await stat(path)).isFile()) return null;
    const contentType = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    return {
      path,
      body: await readFile(path),
      contentType,
      isIndex: relative === 'index.html',
      cacheControl: rendererCacheControl(relative),
    };
  } catch {
    return null;
  }
}
