/** The per-socket gate alone, on a fake socket and a fixed clock: allowance, refusal, disconnection. */
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { RelaySocket } from '../socket/types';
import { FLOOD_FACTOR, type GateRule, SocketGate } from './socket-gate';

const RULE: GateRule = { name: 'receipt', events: ['message:delivered'], perSocket: 5, windowSeconds: 10 };

function gate() {
  const transport = { socket: { pause: vi.fn(), terminate: vi.fn() } };
  const socket = {
    id: 's1',
    data: { userId: 'u1' },
    conn: { transport },
    emit: vi.fn(),
    disconnect: vi.fn(),
  };
  const clock = { now: 0 };
  const gate = new SocketGate([RULE], pino({ level: 'silent' }), () => clock.now);
  const send = (event = 'message:delivered') => {
    const ack = vi.fn();
    const passed = gate.admit(socket as unknown as RelaySocket, event, [{}, ack]);
    return { ack, passed };
  };
  return { socket, ws: transport.socket, send, clock };
}

describe('socketGate', () => {
  it('passes the allowance, then refuses RATE_LIMITED through the ack, with one message:error', () => {
    const { socket, send } = gate();
    for (let i = 0; i < RULE.perSocket; i++) expect(send().passed).toBe(true);
    const refused = send();
    expect(refused.passed).toBe(false);
    expect(refused.ack).toHaveBeenCalledWith(expect.objectContaining({ ok: false, code: 'RATE_LIMITED' }));
    send();
    expect(socket.emit).toHaveBeenCalledTimes(1);
    expect(socket.disconnect).not.toHaveBeenCalled();
    expect(send('message:send').passed).toBe(true); // other events are not this rule's
  });

  it('tells each refusal when the window ends (retryAfterMs), in the ack and in message:error', () => {
    const { socket, send, clock } = gate();
    for (let i = 0; i < RULE.perSocket; i++) send();
    clock.now = 4_000;
    expect(send().ack).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'RATE_LIMITED', retryAfterMs: 6_000 }),
    );
    expect(socket.emit).toHaveBeenCalledWith(
      'message:error',
      expect.objectContaining({ code: 'RATE_LIMITED', retryAfterMs: 6_000 }),
    );
    clock.now = 9_999;
    expect(send().ack).toHaveBeenCalledWith(expect.objectContaining({ retryAfterMs: 1 }));
    // The window has ended: the allowance is back.
    clock.now = 10_000;
    expect(send().passed).toBe(true);
  });

  it(`disconnects a socket that goes ${FLOOD_FACTOR}× past its allowance in one window, and only then`, () => {
    const { socket, ws, send } = gate();
    for (let i = 0; i < RULE.perSocket * FLOOD_FACTOR; i++) send();
    expect(socket.disconnect).not.toHaveBeenCalled();
    expect(ws.pause).not.toHaveBeenCalled();
    expect(send().ack).not.toHaveBeenCalled();
    expect(socket.disconnect).toHaveBeenCalledWith(true);
    // It stopped reading the connection first: what the flooder sent since is never decoded.
    expect(ws.pause).toHaveBeenCalledTimes(1);
    expect(ws.pause.mock.invocationCallOrder[0]).toBeLessThan(socket.disconnect.mock.invocationCallOrder[0]!);
  });

  it('lets nothing through once it has cut the connection, whatever the event', () => {
    const { socket, send } = gate();
    for (let i = 0; i <= RULE.perSocket * FLOOD_FACTOR; i++) send();
    expect(socket.disconnect).toHaveBeenCalledTimes(1);
    // Packets read before the cut took effect: not passed on, not answered, no second cut.
    const late = [send(), send('message:send')];
    expect(late.map((p) => p.passed)).toEqual([false, false]);
    expect(late.every((p) => p.ack.mock.calls.length === 0)).toBe(true);
    expect(socket.disconnect).toHaveBeenCalledTimes(1);
  });

  it('answers a refusal nobody asked about with nothing: only the first of a window says message:error', () => {
    const { socket } = gate();
    const shared = new SocketGate([RULE], pino({ level: 'silent' }), () => 0);
    let passed = 0;
    for (let i = 0; i < RULE.perSocket * 2; i++)
      if (shared.admit(socket as unknown as RelaySocket, 'message:delivered', [{}])) passed++;
    expect(passed).toBe(RULE.perSocket);
    expect(socket.emit).toHaveBeenCalledTimes(1);
    expect(socket.disconnect).not.toHaveBeenCalled();
  });

  it('keeps each socket its own allowance, though one gate serves them all', () => {
    const shared = new SocketGate([RULE], pino({ level: 'silent' }), () => 0);
    const [a, b] = [gate().socket, gate().socket] as unknown as RelaySocket[];
    const admitted = (socket: RelaySocket) => shared.admit(socket, 'message:delivered', [{}]);
    for (let i = 0; i < RULE.perSocket; i++) expect(admitted(a!)).toBe(true);
    expect(admitted(a!)).toBe(false);
    expect(admitted(b!)).toBe(true);
  });
});
