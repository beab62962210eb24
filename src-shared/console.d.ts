/**
 * The one global the shared code uses: every runtime it runs in (Node, the page, the preload) has a
 * console, but ES2023's lib alone does not declare it, and this layer gets neither DOM nor Node types.
 */
declare const console: { error(...data: unknown[]): void };
