import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

/**
 * A component whose code is fetched the first time it renders (its own chunk of the build), for the
 * panels and dialogs the first screen does not show: the cold start parses and runs less script
 * (BENCHMARKS.md, figure 7). Render it inside <Suspense>; a chunk that fails to load throws to the
 * nearest error boundary, as a render error would.
 */
export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
): LazyExoticComponent<ComponentType<P>> {
  return lazy(async () => ({ default: await load() }));
}
