/**
 * The core's network ports in the desktop app: HTTP through Chromium's stack (`net.fetch`, which
 * follows the system proxy and PAC by itself and refuses a bad certificate), and the socket.io
 * connection through an agent that asks the session for the proxy of each connection.
 */
import { net, type Session } from 'electron';
import { io } from 'socket.io-client';
import type { FetchFn, SocketFactory } from '../core/ports';
import { withCertificateErrors } from './certificates';
import { SystemProxyAgent } from './proxy';

export function createNetworkPorts(
  session: Session,
  warn: (message: string) => void,
): { fetch: FetchFn; socketFactory: SocketFactory } {
  const agent = new SystemProxyAgent((url) => session.resolveProxy(url), warn);
  const socketFactory = ((uri: string, options?: Parameters<typeof io>[1]) =>
    // socket.io-client types `agent` as string | boolean; in Node it is handed to ws and the XHR shim.
    io(uri, { ...options, agent: agent as unknown as string })) as SocketFactory;
  const fetch: FetchFn = (input, init) => net.fetch(input instanceof URL ? input.href : input, init);
  return { fetch: withCertificateErrors(fetch), socketFactory };
}
