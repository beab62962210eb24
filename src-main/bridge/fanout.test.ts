import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { events } from '../../src-shared/bridge';
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

  it('checks nothing while no sink is connected, and checks again once one is', () => {
    const core = createFakeCore();
    const logged: string[] = [];
    const fanout = createEventFanout(core, (message) => logged.push(message));
    let checked = 0;
    const schema = events.outbox;
    const spy = vi.spyOn(schema, 'safeParse').mockImplementation((payload) => {
      checked++;
      return { success: true, data: payload } as ReturnType<typeof schema.safeParse>;
    });
    try {
      core.emit('outbox', { sending: 1, failed: 0 });
      expect(checked).toBe(0);
      const got: unknown[] = [];
      fanout.connect((event, payload) => got.push([event, payload]));
      core.emit('outbox', { sending: 2, failed: 0 });
      expect(checked).toBe(1);
      expect(got).toEqual([['outbox', { sending: 2, failed: 0 }]]);
    } finally {
      spy.mockRestore();
    }
    // And a bad one with nobody listening is not logged as dropped (nothing was to be sent).
    const lone = createEventFanout(createFakeCore(), (message) => logged.push(message));
    lone.emit('outbox', { sending: -1, failed: 0 });
    expect(logged).toEqual([]);
  });
});
