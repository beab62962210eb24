/**
 * A cap on the connections one client address holds open at once (HTTP and Socket.IO alike): past it a
 * new connection is closed at once. A trusted proxy carries many clients and is not capped.
 */
import type { Server } from 'node:http';
import { isTrusted, normalizeAddress, type TrustedProxies } from './client-address';

export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

export function capConnectionsPerAddress(server: Server, max: number, proxies: TrustedProxies): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = normalizeAddress(socket.remoteAddress);
    if (isTrusted(proxies, address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
