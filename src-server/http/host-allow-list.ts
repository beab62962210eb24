/**
 * DNS rebinding: a web page on evil.example whose name is made to resolve to 127.0.0.1 can reach a
 * server bound to loopback from the victim's browser, same-origin as far as the browser knows. Its
 * requests carry `Host: evil.example`, so a loopback-bound server answers only Hosts that name this
 * machine. Bound to another address, the Host is the operator's proxy's business.
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** For a server bound to `boundHost`: whether a request's Host header may be answered. */
export function hostAllowList(boundHost: string): (req: IncomingMessage) => boolean {
  if (!isLoopback(boundHost)) return () => true;
  const allowed = new Set([...LOOPBACK_NAMES, boundHost.includes(':') ? `[${boundHost}]` : boundHost]);
  return (req) => {
    const header = req.headers.host ?? '';
    const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!;
    return allowed.has(name.toLowerCase());
  };
}
