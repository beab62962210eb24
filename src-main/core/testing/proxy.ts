/**
 * A TCP proxy for tests, between the core and the server: it can cut every connection, stall
 * them (bytes held, nothing forwarded, new connections left hanging), refuse new ones, and heal.
 */
import net from 'node:net';

export interface TestProxy {
  url: string;
  /** Destroys every open connection (both sides see a reset). */
  cut(): void;
  /** Stops forwarding on open and new connections until `heal()`. */
  stall(): void;
  /** New connections are closed at once (the server is "unreachable"); open ones are cut. */
  refuse(): void;
  heal(): void;
  close(): Promise<void>;
  readonly connections: number;
}

export async function startProxy(targetPort: number): Promise<TestProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let mode: 'open' | 'stalled' | 'refusing' = 'open';

  const server = net.createServer((client) => {
    if (mode === 'refusing') {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
    if (mode === 'stalled') pause(pair);
  });

  function pause({ client, upstream }: { client: net.Socket; upstream: net.Socket }): void {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  }

  function resume({ client, upstream }: { client: net.Socket; upstream: net.Socket }): void {
    client.pipe(upstream);
    upstream.pipe(client);
  }

  function cutAll(): void {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return pairs.size;
    },
    cut: cutAll,
    stall() {
      mode = 'stalled';
      for (const pair of pairs) pause(pair);
    },
    refuse() {
      mode = 'refusing';
      cutAll();
    },
    heal() {
      if (mode === 'stalled') for (const pair of pairs) resume(pair);
      mode = 'open';
    },
    async close() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
