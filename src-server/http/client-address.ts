/**
 * The client's address: the socket's peer, unless that peer is a proxy named in TRUSTED_PROXIES; then
 * the X-Forwarded-For entry the nearest untrusted hop added. Anyone else's X-Forwarded-For is ignored,
 * or a client could pick a fresh address for every guess.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../errors';

export type TrustedProxies = BlockList | undefined;

/** Addresses (`10.0.0.7`) and ranges (`10.0.0.0/8`, `fd00::/8`); throws ConfigError on anything else. */
export function parseTrustedProxies(entries: readonly string[] | undefined): TrustedProxies {
  if (!entries || entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || (prefix !== undefined && !/^\d+$/.test(prefix))) {
      throw new ConfigError(`TRUSTED_PROXIES: "${entry}" is not an address or a range`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** `::ffff:1.2.3.4` (an IPv4 peer of a dual-stack socket) is 1.2.3.4. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function isTrusted(proxies: TrustedProxies, address: string): boolean {
  const family = isIP(address);
  return proxies !== undefined && family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

export function clientAddress(req: IncomingMessage, proxies: TrustedProxies): string {
  let address = normalizeAddress(req.socket.remoteAddress);
  if (!isTrusted(proxies, address)) return address;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => normalizeAddress(hop.trim()))
    .filter((hop) => isIP(hop) !== 0);
  // From the nearest hop back: each trusted proxy vouches for the one before it.
  while (hops.length > 0 && isTrusted(proxies, address)) address = hops.pop()!;
  return address;
}
