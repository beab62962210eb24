// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../store/app-store';
import { AppProvider } from '../store/context';
import { FakeRelay } from '../testing/fake-relay';
import { useIdleReport } from './use-idle-report';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function Probe() {
  useIdleReport(1_000);
  return null;
}

describe('idle reporting from the page', () => {
  it('says idle once after the quiet time, and back at the next input, once', async () => {
    vi.useFakeTimers();
    const relay = new FakeRelay();
    render(
      <AppProvider store={createAppStore(relay.api, 'browser')} relay={relay.api}>
        <Probe />
      </AppProvider>,
    );
    await act(async () => vi.advanceTimersByTime(900));
    fireEvent.keyDown(window, { key: 'a' });
    await act(async () => vi.advanceTimersByTime(900));
    expect(relay.callsOf('setIdle')).toEqual([]);
    await act(async () => vi.advanceTimersByTime(200));
    await act(async () => vi.advanceTimersByTime(5_000));
    expect(relay.callsOf('setIdle')).toEqual([{ idle: true }]);
    fireEvent.pointerDown(window);
    fireEvent.pointerMove(window);
    expect(relay.callsOf('setIdle')).toEqual([{ idle: true }, { idle: false }]);
  });
});
