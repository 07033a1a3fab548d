import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30000,
    hookTimeout: 30000,
    pool: 'forks',
    poolOptions: {
      forks: {
        // vitest's default is one fork less than the cores: ONE on a 2-core machine, which then
        // sits mostly idle, since most files wait on bin/crm processes and the PostgreSQL server.
        // Two files at once keep both cores busy.
        maxForks: Math.max(2, availableParallelism() - 1),
        minForks: 1,
      },
    },
    // One PostgreSQL server for the whole run (tests on both engines); each file makes its own database.
    globalSetup: ['test/setup/postgres.ts'],
    env: { TZ: 'UTC' },
  },
});
