import { describe, expect, it } from 'vitest';
import { connectPlan } from './fig15-scale-out';

describe('connectPlan', () => {
  it('splits the sockets into one block per instance, socket 0 (the sender) on the first', () => {
    expect(connectPlan(2, ['a', 'b'])).toEqual([
      { url: 'a', from: 0, to: 1 },
      { url: 'b', from: 1, to: 2 },
    ]);
    expect(connectPlan(5, ['a', 'b'])).toEqual([
      { url: 'a', from: 0, to: 3 },
      { url: 'b', from: 3, to: 5 },
    ]);
  });

  it('connects everyone in one step to one instance, and skips an instance with no socket', () => {
    expect(connectPlan(40, ['a'])).toEqual([{ url: 'a', from: 0, to: 40 }]);
    expect(connectPlan(1, ['a', 'b'])).toEqual([{ url: 'a', from: 0, to: 1 }]);
  });
});
