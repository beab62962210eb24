/** Outgoing typing on a manual clock: debounced start, refresh while typing, stop on idle or when told. */
import { describe, expect, it } from 'vitest';
import type { RelaySocket } from './connection';
import { resolveOptions } from './options';
import { createManualClock } from './testing/manual-clock';
import { Typing } from './typing';

const CHANNEL = '6c1b1c3e-8f0e-4c55-9d7e-0f6f4d1d2a10';

function setup() {
  const clock = createManualClock();
  const sent: string[] = [];
  // Only the emit side of the socket matters here: what would go on the wire, and when.
  const socket = { emit: (event: string) => sent.push(event) } as unknown as RelaySocket;
  const typing = new Typing(
    clock,
    resolveOptions({ typingDebounceMs: 300, typingRefreshMs: 3_000, typingIdleMs: 5_000 }),
    () => socket,
    () => undefined,
    () => {},
  );
  return { clock, sent, typing };
}

describe('outgoing typing', () => {
  it('sends start only after the debounce, once for a burst of keystrokes', () => {
    const { clock, sent, typing } = setup();
    typing.set(CHANNEL, true);
    clock.advance(100);
    typing.set(CHANNEL, true);
    expect(sent).toEqual([]);
    clock.advance(200);
    expect(sent).toEqual(['message:typing:start']);
    typing.set(CHANNEL, true);
    expect(sent).toEqual(['message:typing:start']);
  });

  it('refreshes while typing continues and stops after idle', () => {
    const { clock, sent, typing } = setup();
    typing.set(CHANNEL, true);
    clock.advance(300);
    for (let i = 0; i < 8; i++) {
      clock.advance(500);
      typing.set(CHANNEL, true);
    }
    expect(sent.filter((e) => e === 'message:typing:start')).toHaveLength(2);
    clock.advance(5_000);
    expect(sent.at(-1)).toBe('message:typing:stop');
  });

  it('stops at once when told, and says nothing if start never went out', () => {
    const { clock, sent, typing } = setup();
    typing.set(CHANNEL, true);
    typing.set(CHANNEL, false);
    clock.advance(10_000);
    expect(sent).toEqual([]);
    typing.set(CHANNEL, true);
    clock.advance(300);
    typing.stop(CHANNEL);
    expect(sent).toEqual(['message:typing:start', 'message:typing:stop']);
  });
});
