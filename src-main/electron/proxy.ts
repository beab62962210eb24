/**
 * The system proxy (and PAC script) for main's own connections. Chromium already applies it to the
 * window; Node's sockets know nothing of it, so the socket.io connection gets an agent that asks
 * Electron's `session.resolveProxy` for each connection and tunnels through what it names (HTTP
 * CONNECT, which carries both the WebSocket and long-polling), or goes direct. No electron import:
 * `resolveProxy` is passed in, so the rules are tested with a real proxy on loopback.
 */
import type { ClientRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';

export type ResolveProxy = (url: string) => Promise<string>;

/**
 * The first usable entry of a PAC answer ("PROXY a:1; HTTPS b:2; DIRECT") as a proxy URL, or null for
 * DIRECT. SOCKS entries are skipped (with `warn`): no SOCKS client here, and skipping one falls through
 * to the next entry the PAC offered, as a browser would.
 */
export function proxyFromPac(answer: string, warn: (message: string) => void = () => {}): string | null {
  for (const entry of answer
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [kind, hostPort] = entry.split(/\s+/);
    const type = kind?.toUpperCase();
    if (type === 'DIRECT') return null;
    if ((type === 'PROXY' || type === 'HTTP') && hostPort) return `http://${hostPort}`;
    if (type === 'HTTPS' && hostPort) return `https://${hostPort}`;
    warn(`proxy: "${entry}" is not supported, trying the next entry`);
  }
  return null;
}

/** An agent for socket.io-client (its `agent` option) that follows the system proxy per connection. */
export class SystemProxyAgent extends Agent {
  private readonly tunnels = new Map<string, HttpsProxyAgent<string>>();

  constructor(
    private readonly resolveProxy: ResolveProxy,
    private readonly warn: (message: string) => void = () => {},
  ) {
    super({ keepAlive: false });
  }

  async connect(req: ClientRequest, options: AgentConnectOpts) {
    const scheme = options.secureEndpoint ? 'https' : 'http';
    const target = `${scheme}://${req.host}${options.port ? `:${options.port}` : ''}${req.path}`;
    const proxy = proxyFromPac(await this.resolveProxy(target), this.warn);
    if (!proxy) return options.secureEndpoint ? tlsConnect(options) : netConnect(options);
    let tunnel = this.tunnels.get(proxy);
    if (!tunnel) {
      tunnel = new HttpsProxyAgent(proxy);
      this.tunnels.set(proxy, tunnel);
    }
    return tunnel;
  }
}
