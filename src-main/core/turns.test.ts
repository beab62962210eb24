import { expect, test } from 'vitest';
import { Turns } from './turns';

/** Counts turns of the event loop: one setImmediate each turn, re-queued from itself. */
function turnCounter(): { now(): number; stop(): void } {
  let turn = 0;
  let timer: NodeJS.Immediate = setImmediate(function tick() {
    turn++;
    timer = setImmediate(tick);
  });
  return { now: () => turn, stop: () => clearImmediate(timer) };
}

test('pieces of jobs running at once get one turn of the event loop each, in the order asked', async () => {
  const turns = new Turns();
  const counter = turnCounter();
  const ran: { job: string; turn: number }[] = [];
  const job = async (name: string) => {
    for (let piece = 0; piece < 3; piece++) {
      await turns.next();
      ran.push({ job: name, turn: counter.now() });
    }
  };
  await Promise.all(['a', 'b', 'c', 'd'].map(job));
  counter.stop();
  expect(ran).toHaveLength(12);
  // Every piece on a turn of its own: four jobs each awaiting their own setImmediate ran four pieces
  // in one turn.
  const perTurn = new Map<number, number>();
  for (const r of ran) perTurn.set(r.turn, (perTurn.get(r.turn) ?? 0) + 1);
  expect([...perTurn.values()].every((n) => n === 1)).toBe(true);
  // Round robin: first asked, first let go.
  expect(ran.slice(0, 4).map((r) => r.job)).toEqual(['a', 'b', 'c', 'd']);
});
