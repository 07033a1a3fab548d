/**
 * The PostgreSQL engine's foundations, in-process: migrations in step with SQLite's and applied
 * once, the same schema as SQLite's latest, rows read back exactly as SQLite gives them,
 * crm_fold() equal to src/db/fold.ts, serialization failures retried, connection errors in
 * one line without the password.
 */
import { createServer } from 'node:net';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fold } from '../../../src/db/fold.js';
import { latestVersion, migrations } from '../../../src/db/migrations/index.js';
import pg from 'pg';
import { openPostgres, timestamptzText } from '../../../src/db/postgres/connect.js';
import { pgLatestVersion, pgMigrations } from '../../../src/db/postgres/migrations/index.js';
import type { PgDb } from '../../../src/db/postgres/types.js';
import { openDatabase } from '../../../src/db/sqlite.js';
import { writeTransaction } from '../../../src/db/transaction.js';
import { UserError } from '../../../src/errors.js';
import { createTestPgDatabase, pgQuery, pgUrlFor } from '../../helpers/postgres.js';
import { runCli } from '../../helpers/run-cli.js';

let url: string;
let db: PgDb;

beforeAll(async () => {
  url = await createTestPgDatabase('engine');
  db = await openPostgres(url);
});
afterAll(() => db?.close());

describe('migrations', () => {
  it('are numbered in step with SQLite: a migration is added to both lists', () => {
    expect(pgLatestVersion).toBe(latestVersion);
    expect(pgMigrations.map((m) => m.version).every((v) => migrations.some((m) => m.version === v))).toBe(true);
  });

  it('create the same tables, columns, nullability and indexes as SQLite latest', async () => {
    const lite = openDatabase(':memory:');
    try {
      // kb_search…: each engine's own full-text index of the knowledge base (FTS5 tables here, GIN indexes there).
      const liteTables = lite.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kb\\_search%' ESCAPE '\\' ORDER BY name").pluck().all() as string[];
      const liteColumns = liteTables.flatMap((t) =>
        (lite.sqlite.prepare(`PRAGMA table_info("${t}")`).all() as { name: string; notnull: number; pk: number }[]).map((c) => `${t}.${c.name}${c.notnull || c.pk ? ' not null' : ''}`),
      );
      const liteIndexes = lite.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name").pluck().all() as string[];
      const pgColumns = await pgQuery<{ c: string }>(
        url,
        `SELECT table_name || '.' || column_name || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END AS c
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`,
      );
      const pgIndexes = await pgQuery<{ n: string }>(
        url,
        // Trigram indexes (…_trgm, pg_trgm, migration 0018) and the KB search indexes (kb_search…, each engine's own full-text index) have no SQLite counterpart.
        `SELECT indexname AS n FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key' AND indexname NOT LIKE '%\\_trgm' AND indexname NOT LIKE 'kb\\_search%'`,
      );
      expect(pgColumns.map((r) => r.c).sort()).toEqual([...liteColumns].sort());
      expect(pgIndexes.map((r) => r.n).sort()).toEqual([...liteIndexes].sort());
    } finally {
      lite.close();
    }
  });

  it('are applied once when several clients open a new database at once, and recorded', async () => {
    const fresh = await createTestPgDatabase('race');
    const opened = await Promise.all(Array.from({ length: 5 }, () => openPostgres(fresh)));
    try {
      expect(await Promise.all(opened.map((d) => d.schemaVersion()))).toEqual(Array(5).fill(latestVersion));
      expect(await pgQuery(fresh, 'SELECT version, name FROM schema_migrations')).toEqual(pgMigrations.map((m) => ({ version: m.version, name: m.name })));
      expect(await pgQuery(fresh, 'SELECT count(*)::int AS n FROM stages')).toEqual([{ n: 6 }]);
    } finally {
      await Promise.all(opened.map((d) => d.close()));
    }
  });

  it('a database newer than this crm is refused in one line', async () => {
    const fresh = await createTestPgDatabase('newer');
    await (await openPostgres(fresh)).close();
    await pgQuery(fresh, "INSERT INTO schema_migrations (version, name) VALUES (99, 'future')");
    await expect(openPostgres(fresh)).rejects.toThrow(new RegExp(`has schema version 99, newer than this crm knows \\(${latestVersion}\\)`));
  });

  it('--no-migrate opens an empty database as is', async () => {
    const fresh = await createTestPgDatabase('nomigrate');
    const d = await openPostgres(fresh, { migrate: false });
    try {
      expect(await d.schemaVersion()).toBe(0);
      expect(await d.migrate()).toEqual({ from: 0, to: latestVersion });
      expect(await d.migrate()).toEqual({ from: latestVersion, to: latestVersion });
    } finally {
      await d.close();
    }
  });
});

describe('rows read back as SQLite gives them', () => {
  it('timestamps as ISO-8601 UTC with milliseconds, ids and money as numbers, flags as 1/0, dates as text, JSON verbatim', async () => {
    const k = db.kysely;
    const at = '2026-03-01T09:05:07.120Z';
    const user = await k.insertInto('users').values({ handle: 'iso', name: 'Iso', active: 0, created_at: at, updated_at: '2026-03-01T10:05:07+01:00' }).returning('id').executeTakeFirstOrThrow();
    expect(typeof user.id).toBe('number');
    const row = await k.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ created_at: at, updated_at: '2026-03-01T09:05:07.000Z', active: 0, version: 1 });
    const changes = '{"zeta":[null,1],"alpha":[2,null],"b":{"y":1,"x":2}}';
    await k.insertInto('audit_log').values({ entity: 'x', entity_id: 9_007_199_254_740_991, action: 'a', changes, actor: 't', at }).execute();
    expect(await k.selectFrom('audit_log').select(['changes', 'entity_id']).where('entity', '=', 'x').executeTakeFirstOrThrow()).toEqual({ changes, entity_id: 9_007_199_254_740_991 });
    await k.insertInto('campaigns').values({ name: 'Spring', budget_minor: 123_456_789_012, start_date: '2026-04-01', created_at: at, updated_at: at }).execute();
    const c = await k.selectFrom('campaigns').select(['budget_minor', 'start_date']).where('name', '=', 'Spring').executeTakeFirstOrThrow();
    expect(c).toEqual({ budget_minor: 123_456_789_012, start_date: '2026-04-01' });
    const counted = await k.selectFrom('stages').select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('probability').as('total')]).executeTakeFirstOrThrow();
    expect(counted).toEqual({ n: 6, total: 260 });
    const pipeline = await k.selectFrom('pipelines').select(['is_default']).executeTakeFirstOrThrow();
    expect(pipeline.is_default).toBe(1);
  });

  it('timestamps compare as UTC whatever the server time zone (string bounds as in SQLite)', async () => {
    await pgQuery(url, `ALTER DATABASE ${new URL(url).pathname.slice(1)} SET timezone TO 'Asia/Tokyo'`);
    const d = await openPostgres(url);
    try {
      const n = await d.kysely.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('created_at', '>=', '2026-03-01T09:05:07.120Z').where('created_at', '<', '2026-03-02').executeTakeFirstOrThrow();
      expect(n).toEqual({ n: 1 });
      expect((await d.kysely.selectFrom('users').select('created_at').where('handle', '=', 'iso').executeTakeFirstOrThrow()).created_at).toBe('2026-03-01T09:05:07.120Z');
    } finally {
      await d.close();
    }
  });
});

describe('timestamps read fast and exactly as pg and Date read them', () => {
  const viaDate = (text: string) => (pg.types.getTypeParser(1184, 'text') as (s: string) => Date)(text).toISOString();

  it('every instant the server writes, with 0–6 fraction digits, any year 1–9999; other offsets and infinity too', async () => {
    // The server's own text for random instants (microseconds included), then both readers.
    const base = 1_772_355_907_000_000n; // 2026-03-01 09:05:07 UTC; the server trims trailing zeros: .1, .12 … .123456
    const micros = [...fc.sample(fc.bigInt({ min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n }), 300), ...[0n, 100000n, 120000n, 123000n, 123400n, 123450n, 123456n].map((f) => base + f)];
    const res = await sql<{ t: string }>`SELECT (to_timestamp(0) + (m || ' microseconds')::interval)::text AS t FROM unnest(${micros.map(String)}::bigint[]) m`.execute(db.kysely);
    const texts = [...res.rows.map((r) => r.t), '2026-03-01 10:05:07.5+05:30', '2026-03-01 10:05:07-08', '2026-01-05 12:34:56+00', '2026-01-05 12:34:56.9999+00'];
    expect(texts.length).toBeGreaterThan(300);
    for (const t of texts) expect(timestamptzText(t), t).toBe(viaDate(t));
    expect(timestamptzText('2026-01-05 12:34:56.123456+00')).toBe('2026-01-05T12:34:56.123Z');
  });
});

describe('crm_fold() in SQL folds as src/db/fold.ts does', () => {
  const fixed = ['Sara RAHIMI', 'ÄRZTE  Verbund ', 'ｆｕｌｌ　ｗｉｄｔｈ', 'علي رضائي', 'كتاب', 'أحمد إبراهيم آمنة', 'مُحَمَّد', 'Ünïcödé', 'ΣΟΦΙΑ', 'Straße', 'İstanbul', ' \t tabs\nand  lines '];

  it.each(fixed)('%j', async (text) => {
    const res = await sql<{ f: string }>`SELECT crm_fold(${text}) AS f`.execute(db.kysely);
    expect(res.rows[0]!.f).toBe(fold(text));
  });

  it('for any text of Latin, Greek, Cyrillic, Arabic and CJK letters and spaces', async () => {
    const alphabet = [...'aBcÄöÜßσΣςЖжيىكأإآیکاًٌ٘ـ中文ｆＦ１ 　\t'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...alphabet), { maxLength: 20 }).map((a) => a.join('')), async (text) => {
        const res = await sql<{ f: string | null }>`SELECT crm_fold(${text}) AS f`.execute(db.kysely);
        expect(res.rows[0]!.f).toBe(fold(text));
      }),
      { numRuns: 200 },
    );
  });

  it('is NULL for NULL, as the SQLite function', async () => {
    const res = await sql<{ f: string | null }>`SELECT crm_fold(NULL) AS f`.execute(db.kysely);
    expect(res.rows[0]!.f).toBeNull();
  });
});

describe('writeTransaction on PostgreSQL', () => {
  it('runs SERIALIZABLE and retries a serialization failure inside crm: both writers succeed, nothing lost', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const { id } = await db.kysely.insertInto('companies').values({ name: 'Counter', name_fold: 'counter', notes: '0', created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow();
    const other = await openPostgres(url);
    let attempts = 0;
    // Both read the counter before either writes: one of them must fail to commit and be run again.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    const increment = (d: PgDb) =>
      writeTransaction(d, async (trx) => {
        attempts++;
        const row = await trx.selectFrom('companies').select('notes').where('id', '=', id).executeTakeFirstOrThrow();
        if (++arrived === 2) release();
        await bothRead;
        await trx.updateTable('companies').set({ notes: String(Number(row.notes) + 1) }).where('id', '=', id).execute();
      });
    try {
      await Promise.all([increment(db), increment(other)]);
    } finally {
      await other.close();
    }
    expect((await db.kysely.selectFrom('companies').select('notes').where('id', '=', id).executeTakeFirstOrThrow()).notes).toBe('2');
    expect(attempts).toBe(3);
  });
});

describe('connection failures are one line, with a hint and without the password', () => {
  const freePort = () =>
    new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });

  async function failure(target: string): Promise<UserError> {
    const err = await openPostgres(target).then(
      (d) => (void d.close(), undefined),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }

  it('refused', async () => {
    const err = await failure(`postgres://crm:hunter22@127.0.0.1:${await freePort()}/crm`);
    expect(err.message).toMatch(/^Cannot connect to PostgreSQL at postgres:\/\/crm:\*\*\*@127\.0\.0\.1:\d+\/crm: connection refused\.$/);
    expect(err.hint).toMatch(/server running/);
  });

  it('wrong password', async () => {
    const wrong = new URL(pgUrlFor('postgres'));
    wrong.password = 'hunter22';
    const err = await failure(wrong.toString());
    expect(err.code).toBe('db_auth');
    expect(`${err.message} ${err.hint}`).not.toContain('hunter22');
    expect(err.message).toContain(':***@');
  });

  it('database missing', async () => {
    const missing = pgUrlFor('no_such_db');
    const err = await failure(missing);
    expect(err.code).toBe('db_missing');
    expect(err.message).toContain('database "no_such_db" does not exist');
    expect(err.message).not.toContain(new URL(missing).password);
    expect(err.hint).toMatch(/crm db migrate/);
  });
});

describe('privileges (README, "Running on PostgreSQL")', () => {
  it('the database owner migrates; a role with only SELECT, INSERT, UPDATE, DELETE on the tables works day to day', async () => {
    const ownerDb = await createTestPgDatabase('privs');
    const name = new URL(ownerDb).pathname.slice(1);
    const role = `${name}_app`;
    const owner = `${name}_owner`;
    await pgQuery(ownerDb, `CREATE ROLE ${owner} LOGIN PASSWORD 'ownerpw'`);
    await pgQuery(ownerDb, `ALTER DATABASE ${name} OWNER TO ${owner}`);
    // PostgreSQL 15+: schema public belongs to the database owner (pg_database_owner).
    const asOwner = new URL(ownerDb);
    asOwner.username = owner;
    asOwner.password = 'ownerpw';
    const migrated = await runCli(['db', 'migrate', '--json'], { db: asOwner.toString() });
    expect(migrated.exitCode).toBe(0);
    expect(migrated.json()).toEqual({ from: 0, to: latestVersion });
    await pgQuery(ownerDb, `CREATE ROLE ${role} LOGIN PASSWORD 'apppw'`);
    for (const grant of [
      `GRANT CONNECT ON DATABASE ${name} TO ${role}`,
      `GRANT USAGE ON SCHEMA public TO ${role}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    ]) {
      await pgQuery(asOwner.toString(), grant);
    }
    const asApp = new URL(ownerDb);
    asApp.username = role;
    asApp.password = 'apppw';
    const app = asApp.toString();
    for (const argv of [['user', 'add', 'sara', '--name', 'Sara Rahimi'], ['contact', 'add', 'Ana Lima', '--email', 'ana@example.com', '--company', 'Acme'], ['contact', 'edit', '1', '--add-tag', 'vip'], ['contact', 'find', 'lima'], ['history', 'contact', '1'], ['db', 'status']]) {
      const r = await runCli(argv, { db: app });
      expect({ argv, exitCode: r.exitCode, stderr: r.exitCode ? r.stderr : '' }).toEqual({ argv, exitCode: 0, stderr: '' });
    }
    // …and it cannot change the schema.
    await expect(pgQuery(app, 'CREATE TABLE x (id int)')).rejects.toThrow(/permission denied/);
  });
});
