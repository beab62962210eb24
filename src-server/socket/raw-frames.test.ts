/**
 * Garbage below socket.io-client: raw Engine.IO / Socket.IO frames over a plain WebSocket. Whatever
 * arrives, the server carries on: at worst that one connection is closed, and nobody else notices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MessageEvent, SendAck, WorkspaceEvent } from '../../src-shared/protocol';
import { type ClientSocket, demoServer, emitWithAck, flush, login, recordEvents } from '../testing';

// No rate limit: every case ends with a send to prove the server still works.
const demo = demoServer({ messageRateLimit: 0 });
let token: string;
let observer: ClientSocket;

beforeAll(async () => {
  await demo.start();
  ({ token } = await login(demo.server.url, 'carol'));
  observer = (await demo.as('bob')).socket;
});
afterAll(() => demo.stop());

/** A raw connection that has completed the Engine.IO open and the Socket.IO CONNECT as carol. */
async function rawConnection(): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<void> }> {
  const ws = new WebSocket(`${demo.server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const connected = new Promise<void>((resolve, reject) => {
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? '<binary>' : data.toString();
      frames.push(frame);
      if (frame === '2') ws.send('3'); // answer pings
      if (frame.startsWith('0{')) ws.send(`40${JSON.stringify({ token })}`);
      if (frame.startsWith('40{')) resolve();
      if (frame.startsWith('44')) reject(new Error(frame));
    });
    ws.once('error', reject);
  });
  await connected;
  return { ws, frames, closed };
}

const send = () => ({ content: 'raw', channelId: demo.general.id });

/** [name, frame, whether it is a well-formed send that may store one message] */
const garbage: [string, () => string | Buffer, boolean?][] = [
  ['an empty frame', () => ''],
  ['an unknown engine packet type', () => '9'],
  ['an unknown socket packet type', () => '4z'],
  ['plain text', () => 'hello there'],
  ['a truncated event', () => '42["message:send",{"content":'],
  ['an event without a name', () => '42[]'],
  ['an event whose name is a number', () => '42[123,{}]'],
  ['an event that is an object', () => '42{"event":"message:send"}'],
  ['the reserved "disconnect" event', () => '42["disconnect"]'],
  ['the reserved "connect" event', () => '42["connect",{}]'],
  ['an ack for a request never made', () => '43999[{"ok":true}]'],
  [
    'extra arguments after the payload',
    () => `42${JSON.stringify(['message:send', send(), 'extra', 1, null])}`,
    true,
  ],
  [
    'a binary placeholder with no attachment',
    () => `451-${JSON.stringify(['message:send', { _placeholder: true, num: 0 }])}`,
  ],
  ['a random binary frame', () => Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff])],
  [
    'prototype pollution',
    () => `42["message:send",{"__proto__":{"polluted":true},"content":"x","channelId":"${demo.general.id}"}]`,
    true,
  ],
  ['deep nesting', () => `42["message:send",${'['.repeat(5000)}${']'.repeat(5000)}]`],
  ['a connect to an unknown namespace', () => '40/admin,{}'],
  ['a namespace disconnect, then an event', () => '41'],
];

describe('raw frames', () => {
  it.each(garbage)('survives %s', async (_name, frame, mayStore = false) => {
    const seen = recordEvents(observer);
    const before = (await demo.server.store.listMessages(demo.general.id, 'x', { limit: 500 })).messages
      .length;
    const { ws, frames, closed } = await rawConnection();
    ws.send(frame());
    // A round trip on the same connection (if it is still open) makes sure the frame was handled.
    if (ws.readyState === WebSocket.OPEN)
      ws.send(`4212${JSON.stringify(['room:leave', { channelId: demo.general.id }])}`);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 300))]);
    ws.close();

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Whatever came back was an answer in the protocol, never a crash report.
    for (const f of frames) expect(f).not.toMatch(/Error:|stack/);
    await flush(observer);
    // Carol's raw connection itself may tell bob she is online: that is her arrival, not the frame.
    const noticed = (e: { event: string }) =>
      e.event !== MessageEvent.NEW && e.event !== WorkspaceEvent.PRESENCE_UPDATE;
    expect(seen.filter(noticed)).toEqual([]);
    const after = (await demo.server.store.listMessages(demo.general.id, 'x', { limit: 500 })).messages
      .length;
    expect(after - before).toBeLessThanOrEqual(mayStore ? 1 : 0);
    const ack = SendAck.parse(
      await emitWithAck(observer, MessageEvent.SEND, { content: 'still fine', channelId: demo.general.id }),
    );
    expect(ack.ok).toBe(true);
    observer.offAny();
  });
});
