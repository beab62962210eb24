import { expect, it } from 'vitest';
import { guard, guardedClock } from './guard';
import { createManualClock } from './testing/manual-clock';

it('reports a throwing timer or listener instead of letting it escape', () => {
  const faults: string[] = [];
  const report = (where: string, error: unknown) => faults.push(`${where}: ${(error as Error).message}`);
  const clock = createManualClock();
  guardedClock(clock, report).setTimeout(() => {
    throw new Error('disk gone');
  }, 10);
  expect(() => clock.advance(10)).not.toThrow();
  expect(() =>
    guard(report, 'handling message:new', () => {
      throw new Error('bad row');
    })(),
  ).not.toThrow();
  expect(faults).toEqual(['a scheduled task: disk gone', 'handling message:new: bad row']);
});
