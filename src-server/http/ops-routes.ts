/** GET /metrics (Prometheus text, METRICS=1, optional METRICS_TOKEN) and GET /readyz (see ops/readiness.ts). */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { HttpError, sendJson, unauthorized } from './respond';

export async function metrics(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { operations } = ctx;
  // Off: as if the route did not exist.
  if (!operations.metricsEnabled) throw new HttpError(404, ErrorCode.NOT_FOUND, 'Not found');
  if (operations.metricsToken !== undefined && !bearerMatches(req, operations.metricsToken)) {
    throw unauthorized('Missing or wrong metrics token');
  }
  const text = await ctx.metrics.registry.metrics();
  res.writeHead(200, {
    'content-type': ctx.metrics.registry.contentType,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export async function readiness(ctx: ServerContext, res: ServerResponse): Promise<void> {
  const { ready, checks } = await ctx.operations.readiness();
  sendJson(res, ready ? 200 : 503, { ok: ready, checks });
}

/** Compared in constant time: the token is a secret. */
function bearerMatches(req: IncomingMessage, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (given === undefined) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}
