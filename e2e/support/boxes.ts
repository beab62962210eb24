import { expect, type Locator } from '@playwright/test';

export type Box = { x: number; y: number; width: number; height: number };

export async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not on screen');
  return b;
}

/** Two boxes that must not overlap (a button over text, a panel over a control). */
export function expectApart(a: Box, b: Box, what: string): void {
  const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  expect(overlap, `${what}: ${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`).toBe(false);
}
