/** The per-socket gate alone, on a fake socket and a fixed clock: allowance, refusal, disconnection. */
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { RelaySocket } from '../socket/types';
import { FLOOD_FACTOR, type GateRule, socketGate } from './socket-gate';

const RULE: GateRule = { name: 'receipt', events: ['message:delivered'], perSocket: 5, windowSeconds: 10 };

function gate() {
  const socket = { id: 's1', data: { userId: 'u1' }, emit: vi.fn(), disconnect: vi.fn() };
  const check = socketGate(socket as unknown as RelaySocket, [RULE], pino({ level: 'silent' }), () => 0);
  const send = (event = 'message:delivered') => {
    const ack = vi.fn();
    const next = vi.fn();
    check([event, {}, ack], next);
    return { ack, passed: next.mock.calls.length === 1 };
  };
  return { socket, send };
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

  it(`disconnects a socket that goes ${FLOOD_FACTOR}× past its allowance in one window, and only then`, () => {
    const { socket, send } = gate();
    for (let i = 0; i < RULE.perSocket * FLOOD_FACTOR; i++) send();
    expect(socket.disconnect).not.toHaveBeenCalled();
    expect(send().ack).not.toHaveBeenCalled();
    expect(socket.disconnect).toHaveBeenCalledWith(true);
  });
});
