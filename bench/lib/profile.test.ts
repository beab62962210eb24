import { expect, it } from 'vitest';
import { selfTimes, stepTimes } from './profile';

it('adds up each function’s own samples, heaviest first, in percent of the whole', () => {
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 9 });
  const result = selfTimes({
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('run', 'file:///x/node_modules/better-sqlite3/lib/methods/wrappers.js') },
      { id: 3, callFrame: frame('(garbage collector)') },
    ],
    samples: [2, 2, 3, 2],
    timeDeltas: [1000, 1000, 2000, 1000],
  });
  expect(result[0]).toEqual({ name: 'run ~/better-sqlite3/lib/methods/wrappers.js:10', ms: 3, percent: 60 });
  expect(result[1]).toEqual({ name: '(garbage collector)', ms: 2, percent: 40 });
  expect(result).toHaveLength(2);
});

it('splits the busy time of a window by step, the first step that holds a sample taking it', () => {
  const frame = (functionName: string) => ({ functionName, url: '', lineNumber: 0 });
  const result = stepTimes(
    {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3, 6] },
        { id: 2, callFrame: frame('ingest'), children: [4, 5] },
        { id: 3, callFrame: frame('(idle)') },
        { id: 4, callFrame: frame('commit') },
        { id: 5, callFrame: frame('(garbage collector)') },
        { id: 6, callFrame: frame('elsewhere') },
      ],
      // before the window, commit, idle, GC, elsewhere, commit, after the window
      samples: [6, 4, 3, 5, 6, 4, 6],
      timeDeltas: [1000, 1000, 1000, 2000, 1000, 1000, 1000],
    },
    'ingest',
    [
      { name: 'GC', holds: (s) => s[0]?.functionName === '(garbage collector)' },
      { name: 'commit', holds: (s) => s.some((f) => f.functionName === 'commit') },
    ],
  );
  expect(result.windowMs).toBe(6);
  expect(result.busyMs).toBe(5);
  expect(result.steps).toEqual([
    { name: 'commit', ms: 2, percent: 40 },
    { name: 'GC', ms: 2, percent: 40 },
    { name: 'idle', ms: 1, percent: 0 },
    { name: 'other', ms: 1, percent: 20 },
  ]);
});
