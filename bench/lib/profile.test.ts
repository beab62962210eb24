import { expect, it } from 'vitest';
import { selfTimes } from './profile';

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
