/**
 * A feature's HTTP routes as a table (method, path pattern, handler), and the one way of answering from
 * it: the first route whose path and method match answers; a path that matches with another method is
 * refused 405, and a path no route has is left to the next feature's table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { HttpError } from './respond';

/** `param` is the path pattern's first group ('' when it has none). */
export type RouteHandler = (
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  param: string,
) => Promise<void>;

export interface Route {
  method: string;
  path: RegExp;
  handler: RouteHandler;
}

/** Answers the request when it is one of these routes; false when it is not one. */
export type Router = (
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  method: string,
) => Promise<boolean>;

export function routeTable(routes: readonly Route[]): Router {
  return async (ctx, req, res, pathname, method) => {
    let pathMatched = false;
    for (const route of routes) {
      const match = route.path.exec(pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      await route.handler(ctx, req, res, match[1] ?? '');
      return true;
    }
    if (pathMatched) throw new HttpError(405, ErrorCode.VALIDATION, `Method ${method} not allowed`);
    return false;
  };
}
