// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterNextPaint, paintWorkDone } from '../messages/after-paint';
import { OnFirstCommit } from './first-commit';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

afterEach(() => vi.restoreAllMocks());

describe('OnFirstCommit', () => {
  it('asks for the frame after the tree is on the page, once, however often the tree renders again', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    // What the page holds each time a frame is asked for.
    const framesAskedWith: string[] = [];
    const raf = window.requestAnimationFrame.bind(window);
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => {
      framesAskedWith.push(container.textContent ?? '');
      return raf(callback);
    });
    const ran: string[] = [];
    const then = () => afterNextPaint(() => ran.push('after paint'));
    const root = createRoot(container);
    await act(async () => {
      root.render(
        <>
          <p>rows</p>
          <OnFirstCommit then={then} />
        </>,
      );
    });
    await act(async () => {
      root.render(
        <>
          <p>rows again</p>
          <OnFirstCommit then={then} />
        </>,
      );
    });
    expect(framesAskedWith[0]).toBe('rows');
    await paintWorkDone();
    expect(ran).toEqual(['after paint']);
    act(() => root.unmount());
    container.remove();
  });
});
