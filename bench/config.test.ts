import { describe, expect, it } from 'vitest';
import { applySet, FULL, parseArgs, QUICK } from './config';

describe('parseArgs', () => {
  it('runs every figure at full scale by default', () => {
    const options = parseArgs([]);
    expect(options.figures).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '16']);
    expect(options.scale).toEqual(FULL);
  });

  it('takes --quick, --only and --set, the last applied on top of the chosen scale', () => {
    const options = parseArgs(['--quick', '--only', '1,5', '--set', 'connections.count=300']);
    expect(options.figures).toEqual(['1', '5']);
    expect(options.scale.connections.count).toBe(300);
    expect(options.scale.load).toEqual(QUICK.load);
  });

  it('refuses unknown figures, arguments and scale keys', () => {
    expect(() => parseArgs(['--only', '99'])).toThrow(/no figure 99/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument/);
    expect(() => applySet(structuredClone(FULL), 'load.client=1')).toThrow(/bad --set/);
  });
});
