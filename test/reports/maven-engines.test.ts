/**
 * Issue #15's equality test: the Maven pipeline dataset loaded into SQLite and into PostgreSQL
 * gives identical report JSON. Both are loaded by the same Kysely loader (test/helpers/maven.ts,
 * with each deal's full stage history). The same equality through `crm import` itself (Maven
 * excerpts imported into both engines) is test/e2e/import-engines.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, tempDb, type Cli } from '../helpers/run-cli.js';
import { loadMaven } from '../helpers/maven.js';
import { openTestDb } from '../helpers/report-data.js';
import { createTestPgDatabase } from '../helpers/postgres.js';

const sqliteHome = tempDb();
let onSqlite: Cli;
let onPostgres: Cli;

beforeAll(async () => {
  const pgUrl = await createTestPgDatabase('maven');
  for (const target of [sqliteHome.db, pgUrl]) {
    const db = await openTestDb(target);
    try {
      await loadMaven(db);
    } finally {
      await db.close();
    }
  }
  onSqlite = cliFor(sqliteHome.db);
  onPostgres = cliFor(pgUrl);
  // The first login to open a database without an admin becomes its admin, said once on stderr
  // naming the database (which differs between the engines): claim both before comparing.
  for (const cli of [onSqlite, onPostgres]) expect((await cli(['user', 'list'])).stderr).toContain('are now its admin');
}, 120_000);
afterAll(() => sqliteHome.cleanup());

const ALL = ['--from', '2016-01-01', '--to', '2017-12-31'];

describe('the Maven dataset on SQLite and PostgreSQL', () => {
  it.each([
    ['win-rate', ...ALL],
    ['win-rate', '--by', 'source', ...ALL],
    ['win-rate', '--team', 'central', ...ALL],
    ['cycle', ...ALL],
    ['cycle', '--period', '2017-Q2'],
    ['forecast'],
    ['forecast', '--as-of', '2017-06-30T12:00:00Z'],
    ['pipeline'],
    ['pipeline', '--as-of', '2017-06-30T12:00:00Z'],
    ['pipeline', '--as-of', '2017-03-15'],
    ['activity', '--as-of', '2017-06-30'],
    ['activity'],
    ['quota', '--period', '2017-Q2'],
    ['lost-reasons', ...ALL],
    ['sources', ...ALL],
    ['untouched'],
    ['data-quality'],
  ])('report %s … --json is identical', async (...args) => {
    const argv = ['report', ...args, '--json'];
    const [a, b] = await Promise.all([onSqlite(argv), onPostgres(argv)]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect({ exitCode: b.exitCode, stdout: b.stdout, stderr: b.stderr }).toEqual({ exitCode: a.exitCode, stdout: a.stdout, stderr: a.stderr });
    // Real figures, not two empty reports.
    expect(a.stdout.length).toBeGreaterThan(200);
  });

  it('the figures are the dataset’s: 4,238 deals won', async () => {
    const r = (await onPostgres(['report', 'win-rate', ...ALL, '--json'])).json();
    expect(r.total.won).toBe(4238);
  });
});
