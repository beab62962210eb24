import { defineConfig } from 'vitest/config';

/** The runner's pure parts only (`npx vitest run --config bench/vitest.config.ts`); never the benchmark itself. */
export default defineConfig({
  test: { include: ['bench/**/*.test.ts'], environment: 'node' },
});
