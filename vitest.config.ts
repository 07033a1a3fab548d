import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30000,
    hookTimeout: 30000,
    pool: 'forks',
    // One PostgreSQL server for the whole run (tests on both engines); each file makes its own database.
    globalSetup: ['test/setup/postgres.ts'],
    env: { TZ: 'UTC' },
  },
});
