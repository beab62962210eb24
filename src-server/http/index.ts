/** The HTTP request handler: a handful of routes, CORS for the configured origins, JSON errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { routeFiles } from '../files/routes';
import { routeChanges } from './change-routes';
import { sendInvitePage } from './invite-page';
import { metrics, readiness } from './ops-routes';
import { HttpError, sendError, sendJson } from './respond';
import { listChannels, listMessages, login } from './routes';
import { routeWorkspace } from './workspace-routes';

const MESSAGES_PATH = /^\/api\/channels\/([^/]+)\/messages$/;
const INVITE_PAGE_PATH = /^\/invite\/([^/]+)$/;

export function createRequestHandler(
  ctx: ServerContext,
  corsOrigins: string[],
  hostAllowed: (req: IncomingMessage) => boolean = () => true,
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    applyCors(req, res, corsOrigins);
    const handled = hostAllowed(req)
      ? route(ctx, req, res)
      : Promise.reject(new HttpError(421, ErrorCode.FORBIDDEN, 'Unknown Host'));
    handled.catch((err: unknown) => {
      if (sendError(res, err)) {
        ctx.logger.error({ err, method: req.method, path: pathOf(req) }, 'http request failed');
      }
    });
  };
}

async function route(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === '/healthz') {
    expect(method, 'GET');
    return sendJson(res, 200, { ok: true });
  }
  if (url.pathname === '/readyz') {
    expect(method, 'GET');
    return readiness(ctx, res);
  }
  if (url.pathname === '/metrics') {
    expect(method, 'GET');
    return metrics(ctx, req, res);
  }
  if (url.pathname === '/api/login') {
    expect(method, 'POST');
    return login(ctx, req, res);
  }
  if (url.pathname === '/api/channels' && method === 'GET') {
    return listChannels(ctx, req, res, url.searchParams);
  }
  const invite = INVITE_PAGE_PATH.exec(url.pathname);
  if (invite) {
    expect(method, 'GET');
    return sendInvitePage(res, invite[1]!);
  }
  if (await routeWorkspace(ctx, req, res, url.pathname, method)) return;
  if (await routeChanges(ctx, req, res, url, method)) return;
  if (await routeFiles(ctx, req, res, url.pathname, method)) return;
  const messages = MESSAGES_PATH.exec(url.pathname);
  if (messages) {
    expect(method, 'GET');
    return listMessages(ctx, req, res, messages[1]!, url.searchParams);
  }
  throw new HttpError(404, ErrorCode.NOT_FOUND, 'Not found');
}

function expect(method: string, allowed: string): void {
  if (method !== allowed) throw new HttpError(405, ErrorCode.VALIDATION, `Method ${method} not allowed`);
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]!;
}

/** Browsers only: the desktop app talks from Node. No CORS_ORIGINS means no cross-origin access at all. */
function applyCors(req: IncomingMessage, res: ServerResponse, origins: string[]): void {
  const origin = req.headers.origin;
  if (!origin || !(origins.includes(origin) || origins.includes('*'))) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, OPTIONS');
  res.setHeader('access-control-allow-headers', 'authorization, content-type, x-file-name');
  res.setHeader('access-control-max-age', '600');
}
