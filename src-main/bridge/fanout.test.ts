import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEventFanout } from './fanout';
import { createFakeCore } from './testing/fake-core';

describe('event fan-out', () => {
  it('delivers each core event to every sink, and stops after disconnect and close', () => {
    const core = createFakeCore();
    const fanout = createEventFanout(core, () => {});
    const a: unknown[] = [];
    const b: unknown[] = [];
    fanout.connect((event, payload) => a.push([event, payload]));
    const disconnectB = fanout.connect((event, payload) => b.push([event, payload]));
    const typing = { channelId: randomUUID(), typists: [] };
    core.emit('typing', typing);
    disconnectB();
    core.emit('outbox', { sending: 1, failed: 0 });
    expect(a).toEqual([
      ['typing', typing],
      ['outbox', { sending: 1, failed: 0 }],
    ]);
    expect(b).toEqual([['typing', typing]]);
    fanout.close();
    expect(core.listenerCount()).toBe(0);
  });

  it('drops (and logs) an event outside the contract, and isolates a throwing sink', () => {
    const core = createFakeCore();
    const logged: string[] = [];
    const fanout = createEventFanout(core, (message) => logged.push(message));
    const got: unknown[] = [];
    fanout.connect(() => {
      throw new Error('broken page');
    });
    fanout.connect((event) => got.push(event));
    core.emit('outbox', { sending: -1, failed: 0 });
    fanout.emit('error', { code: 'X', message: 'y' });
    expect(got).toEqual(['error']);
    expect(logged).toEqual(['bridge: event outside the contract dropped', 'bridge: event sink failed']);
  });
});
