/**
 * The session's policy: every permission request is refused (the app needs no camera, location,
 * notifications-from-the-page or anything else; OS notifications come from main), downloads are
 * refused, and the renderer is served from app://relay with a strict CSP (../web/csp.ts).
 */
import { protocol, type Session } from 'electron';
import { contentSecurityPolicy, securityHeaders } from '../web/csp';
import { readRendererFile } from '../web/renderer-files';
import { APP_HOST, APP_SCHEME } from './identity';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function lockDownSession(session: Session, rendererDir: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());

  const headers = securityHeaders(contentSecurityPolicy());
  session.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? await readRendererFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: { ...headers, 'content-type': file.contentType, 'cache-control': 'no-cache' },
    });
  });
}
