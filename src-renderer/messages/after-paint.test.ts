// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { afterNextPaint, paintWorkDone } from './after-paint';

describe('afterNextPaint', () => {
  it('runs the work waiting for one frame together, later, and not what was cancelled', async () => {
    const ran: string[] = [];
    afterNextPaint(() => ran.push('a'));
    const cancel = afterNextPaint(() => ran.push('b'));
    afterNextPaint(() => ran.push('c'));
    cancel();
    expect(ran).toEqual([]);
    await paintWorkDone();
    expect(ran).toEqual(['a', 'c']);
    // A new request waits for a frame of its own.
    afterNextPaint(() => ran.push('d'));
    expect(ran).toEqual(['a', 'c']);
    await paintWorkDone();
    expect(ran).toEqual(['a', 'c', 'd']);
  });

  it('runs work for the task after the frame apart from the idle work, and waits for both', async () => {
    const ran: string[] = [];
    afterNextPaint(() => ran.push('idle'));
    afterNextPaint(() => ran.push('task'), 'task');
    expect(ran).toEqual([]);
    await paintWorkDone();
    expect(ran.sort()).toEqual(['idle', 'task']);
    afterNextPaint(() => ran.push('task only'), 'task');
    await paintWorkDone();
    expect(ran).toContain('task only');
  });

  it('has nothing to wait for when nothing waits', async () => {
    await expect(paintWorkDone()).resolves.toBeUndefined();
  });
});
