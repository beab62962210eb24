import { describe, expect, it } from 'vitest';
import { perChannel } from './seed';

describe('perChannel', () => {
  it('spreads the total over the channels, the first ones taking the remainder', () => {
    expect(perChannel(10, 3)).toEqual([4, 3, 3]);
    expect(perChannel(50_000, 20)).toEqual(Array(20).fill(2_500));
    expect(perChannel(2, 4)).toEqual([1, 1, 0, 0]);
  });
});
