/**
 * A TCP proxy for tests, between the core and the server: it can cut every connection, stall
 * them (bytes held, nothing forwarded, new connections left hanging), refuse new ones, and heal;
 * and it can throttle the uplink (client to server) to a slow link's rate.
 */
import net from 'node:net';
import { Transform } from 'node:stream';

export interface ProxyOptions {
  /** Client-to-server bytes a second on every connection (a slow uplink); unlimited when absent. */
  uplinkBytesPerSecond?: number;
}

/** Passes bytes on no faster than `bytesPerSecond`, in order, in slices of about a tenth of a second. */
function throttle(bytesPerSecond: number): Transform {
  const slice = Math.max(1, Math.round(bytesPerSecond / 10));
  let freeAt = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const pieces: Buffer[] = [];
      for (let at = 0; at < chunk.length; at += slice) pieces.push(chunk.subarray(at, at + slice));
      const next = () => {
        const piece = pieces.shift();
        if (!piece) return done();
        const now = Date.now();
        freeAt = Math.max(freeAt, now) + (piece.length * 1_000) / bytesPerSecond;
        setTimeout(() => {
          this.push(piece);
          next();
        }, freeAt - now);
      };
      next();
    },
  });
}

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

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** Where the client's bytes go: the upstream socket, or the throttle in front of it. */
  uplink: NodeJS.WritableStream;
}

export async function startProxy(targetPort: number, options: ProxyOptions = {}): Promise<TestProxy> {
  const pairs = new Set<Pair>();
  let mode: 'open' | 'stalled' | 'refusing' = 'open';

  const server = net.createServer((client) => {
    if (mode === 'refusing') {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const slow = options.uplinkBytesPerSecond ? throttle(options.uplinkBytesPerSecond) : undefined;
    slow?.pipe(upstream);
    const pair: Pair = { client, upstream, uplink: slow ?? upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(pair.uplink);
    upstream.pipe(client);
    if (mode === 'stalled') pause(pair);
  });

  function pause({ client, upstream, uplink }: Pair): void {
    client.unpipe(uplink);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  }

  function resume({ client, upstream, uplink }: Pair): void {
    client.pipe(uplink);
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
