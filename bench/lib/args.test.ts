import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLine } from './args';

describe('commandLine', () => {
  const cl = commandLine(['--sends', '500', '--dir', '/dev/shm', '--why', '--baseline', 'base', 'out']);

  it('reads an option as the word after its name, a flag as its name alone', () => {
    expect(cl.number('--sends', 20)).toBe(500);
    expect(cl.text('--dir', '/tmp')).toBe('/dev/shm');
    expect(cl.value('--dir')).toBe('/dev/shm');
    expect(cl.flag('--why')).toBe(true);
    expect(cl.flag('--store-only')).toBe(false);
    expect(cl.path('--baseline')).toBe(resolve('base'));
  });

  it('gives the fallback, or undefined, for an option not given', () => {
    expect(cl.number('--rounds', 20)).toBe(20);
    expect(cl.text('--ids', 'v7')).toBe('v7');
    expect(cl.value('--profile')).toBeUndefined();
    expect(cl.path('--heap')).toBeUndefined();
  });

  it('refuses an option without its value, and a number option given a word', () => {
    expect(() => commandLine(['--rounds']).number('--rounds', 5)).toThrow('--rounds needs a value');
    expect(() => commandLine(['--dir']).text('--dir', '/tmp')).toThrow('--dir needs a value');
    expect(() => commandLine(['--sends', 'many']).number('--sends', 5)).toThrow(
      '--sends wants a number, not "many"',
    );
  });
});
