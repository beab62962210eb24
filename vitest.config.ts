import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src-*/**/*.test.{ts,tsx}',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
      'deploy/**/*.test.ts',
    ],
    // Integration tests start real servers and real SQLite files: give them room on a 2-core box.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Renderer tests opt into a DOM with `// @vitest-environment happy-dom` at the top of the file.
    environment: 'node',
  },
});
