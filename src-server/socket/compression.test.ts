/**
 * PER_MESSAGE_DEFLATE: off by default (BENCHMARKS.md, Compression); on, the server negotiates
 * permessage-deflate without context takeover, which is what makes ws honour the 1 KiB threshold.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../testing';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The extensions the server accepted for a raw WebSocket that offers permessage-deflate. */
async function negotiated(): Promise<string> {
  const ws = new WebSocket(`${server!.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, {
    perMessageDeflate: true,
  });
  const extensions = await new Promise<string>((resolve, reject) => {
    ws.once('upgrade', (res) => resolve(String(res.headers['sec-websocket-extensions'] ?? '')));
    ws.once('error', reject);
  });
  ws.close();
  return extensions;
}

describe('WebSocket compression', () => {
  it('is off by default', async () => {
    server = await startTestServer();
    expect(await negotiated()).toBe('');
  });

  it('with PER_MESSAGE_DEFLATE, is negotiated without context takeover', async () => {
    server = await startTestServer({ perMessageDeflate: true });
    const extensions = await negotiated();
    expect(extensions).toContain('permessage-deflate');
    expect(extensions).toContain('server_no_context_takeover');
    expect(extensions).toContain('client_no_context_takeover');
  });
});
