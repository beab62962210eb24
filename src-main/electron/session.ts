/**
 * The session's policy: every permission request is refused (the app needs no camera, location,
 * notifications-from-the-page or anything else; OS notifications come from main), downloads are
 * refused but for message files of our own origin (./downloads.ts), and the renderer is served from app://relay with a strict CSP (../web/csp.ts). Message files
 * are served on the same origin, app://relay/files/:id (../web/file-route.ts: main's cache, never the
 * network), so the CSP keeps `img-src 'self'`.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { protocol, type Session } from 'electron';
import type { FileSource } from '../core/file-cache';
import { contentSecurityPolicy, securityHeaders } from '../web/csp';
import { answerFile, isFilePath } from '../web/file-route';
import { readRendererFile } from '../web/renderer-files';
import type { Downloads } from './downloads';
import { APP_HOST, APP_SCHEME } from './identity';

/**
 * Must run before app 'ready'. `codeCache`: Chromium keeps V8's compiled code only for http(s) unless a
 * custom scheme asks for it (Electron 28+, standard schemes only), so without it every launch compiles
 * the bundle again, and each function React's first render calls is compiled lazily inside that render.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** `files`: the core's file cache, once the core exists. */
export function lockDownSession(
  session: Session,
  rendererDir: string,
  files: () => FileSource | undefined = () => undefined,
  downloads?: Downloads,
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event, item) =>
    downloads ? downloads.willDownload(event, item) : event.preventDefault(),
  );

  const headers = securityHeaders(contentSecurityPolicy());
  session.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host === APP_HOST && isFilePath(url.pathname)) {
      const answer = await answerFile(files(), url.pathname);
      const body = answer.file
        ? (Readable.toWeb(createReadStream(answer.file.path)) as ReadableStream<Uint8Array>)
        : answer.text;
      return new Response(body, { status: answer.status, headers: answer.headers });
    }
    const file = url.host === APP_HOST ? await readRendererFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: { ...headers, 'content-type': file.contentType, 'cache-control': 'no-cache' },
    });
  });
}
