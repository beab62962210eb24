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
    // Bundles of the server and the admin CLI, which tests start many times (scripts/vitest-bundles.mjs).
    globalSetup: ['scripts/vitest-bundles.mjs'],
    pool: 'forks',
    // Vitest's default is one worker per core less one: a single worker here. Most files wait on
    // sockets, fsync and child processes rather than the CPU, so two side by side took the suite from
    // 645 s to 415 s on this 2-core box (all green), which keeps CI well inside its 25 minutes.
    maxWorkers: 2,
    // Renderer tests opt into a DOM with `// @vitest-environment happy-dom` at the top of the file.
    environment: 'node',
  },
});
