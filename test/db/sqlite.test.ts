import BetterSqlite3 from 'better-sqlite3';
import { closeSync, existsSync, openSync, readdirSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { latestVersion, migrations } from '../../src/db/migrations/index.js';
import { FUSE_SUPER_MAGIC, networkFilesystem, type FilesystemProbe } from '../../src/db/sqlite-fs.js';
import { migrate, openDatabase, schemaVersion } from '../../src/db/sqlite.js';
import { readInChunks, writeTransaction, writeTransactionSync } from '../../src/db/transaction.js';
import { CrmError } from '../../src/errors.js';
import { cliFor, useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();

function errorOf(fn: () => unknown): CrmError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CrmError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

const probe = (type: number, subtype?: string): FilesystemProbe => ({ statfsType: () => type, fuseSubtype: () => subtype });

describe('network file systems', () => {
  it('refuses WAL on NFS, SMB/CIFS and 9p, explaining why and what to do', () => {
    for (const [type, name] of [
      [0x6969, 'nfs'],
      [0xff534d42, 'cifs'],
      [0xfe534d42, 'smb2'],
      [0x01021997, '9p'],
    ] as const) {
      const err = errorOf(() => openDatabase(t.db, { filesystem: probe(type) }));
      expect(err.code).toBe('db_network_fs');
      expect(err.message).toContain(`network file system (${name})`);
      expect(err.message).toContain('corrupt');
      expect(err.hint).toContain('--journal delete');
      expect(err.hint).toContain('CRM_JOURNAL=delete');
    }
    expect(existsSync(t.db)).toBe(false); // refused before creating anything
  });

  it('opens with a rollback journal when the user accepts the risk', () => {
    const db = openDatabase(t.db, { filesystem: probe(0x6969), journal: 'delete' });
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
  });

  it('tells sshfs (FUSE) from local FUSE mounts by the mount type', () => {
    expect(networkFilesystem('/x', probe(FUSE_SUPER_MAGIC, 'fuse.sshfs'))).toBe('fuse.sshfs');
    expect(networkFilesystem('/x', probe(FUSE_SUPER_MAGIC, 'fuse.rclone'))).toBe('fuse.rclone');
    expect(networkFilesystem('/x', probe(FUSE_SUPER_MAGIC, 'fuse-overlayfs'))).toBeUndefined();
    expect(networkFilesystem('/x', probe(0xef53))).toBeUndefined(); // ext4
    expect(networkFilesystem(t.dir)).toBeUndefined(); // the real temp folder is local
  });

  it('is enforced on the command line too', async () => {
    // The real probe runs for CLI calls; a local temp dir passes and the journal flag is honoured.
    const crm = cliFor(t.db);
    expect((await crm(['--journal', 'delete', 'db', 'init'])).exitCode).toBe(0);
    expect((await crm(['--journal', 'delete', 'db', 'status', '--json'])).json().journalMode).toBe('delete');
    expect((await crm(['db', 'status', '--json'])).json().journalMode).toBe('wal');
  });
});

describe('connection settings', () => {
  it("uses SQLite's own 2 MB page cache, not better-sqlite3's 16 MB (a one-shot process scans faster with it)", () => {
    const db = openDatabase(t.db);
    expect(db.sqlite.pragma('cache_size', { simple: true })).toBe(-2000);
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});

describe('damaged files', () => {
  function dbWithRows(n: number): void {
    const db = openDatabase(t.db);
    const insert = db.sqlite.prepare("INSERT INTO settings (key, value) VALUES (?, ?)");
    writeTransactionSync(db, () => {
      for (let i = 0; i < n; i++) insert.run(`k${i}`, 'x'.repeat(200));
    });
    db.close();
  }

  it('reports garbage as not a SQLite database', async () => {
    writeFileSync(t.db, Buffer.alloc(8192, 0x41));
    const r = await cliFor(t.db)(['contact', 'list']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('is not a SQLite database');
    expect(r.stderr).not.toContain('    at ');
  });

  it('reports a truncated file as cut short, with the restore command', async () => {
    dbWithRows(2000);
    truncateSync(t.db, 64 * 1024);
    const r = await cliFor(t.db)(['contact', 'list']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/is damaged: it is 65536 bytes long but its header says \d+ \(\d+ pages\); the file was cut short/);
    expect(r.stderr).toContain('crm db restore BACKUP --yes');
    // What cannot lose data comes first: confirm, keep a copy, only then restore.
    const hint = r.stderr.slice(r.stderr.indexOf('hint:'));
    expect(hint.indexOf('crm db check')).toBeGreaterThan(-1);
    expect(hint.indexOf('crm db check')).toBeLessThan(hint.indexOf(`cp ${t.db}*`));
    expect(hint.indexOf(`cp ${t.db}*`)).toBeLessThan(hint.indexOf('crm db restore'));
    const check = await cliFor(t.db)(['db', 'check']);
    expect(check.exitCode).toBe(3);
    expect(check.stderr).toContain('the file was cut short');
    expect(check.stderr.indexOf(`cp ${t.db}*`)).toBeLessThan(check.stderr.indexOf('crm db restore'));
  });

  it('reports a file cut inside its header', async () => {
    dbWithRows(1);
    truncateSync(t.db, 50);
    const r = await cliFor(t.db)(['contact', 'list', '--json']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'db_corrupt', message: expect.stringContaining('shorter than a SQLite header') });
  });

  it('translates a damaged page met during a command into a one-line error', async () => {
    dbWithRows(2000);
    // Overwrite a page in the middle (keeping the size): only a query reaching it notices.
    const raw = new BetterSqlite3(t.db);
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    const fd = openSync(t.db, 'r+');
    writeSync(fd, Buffer.alloc(pageSize * 20, 0x5a), 0, pageSize * 20, pageSize * 30);
    closeSync(fd);
    const check = await cliFor(t.db)(['db', 'check']);
    expect(check.exitCode).toBe(3);
    expect(check.stderr).toMatch(/has \d+ problems?\./);
  });
});

describe('migrations', () => {
  // Relative to the shipped migrations, so adding one does not break these tests.
  const V = latestVersion;
  const NEXT = V + 1;
  const extra = (version: number, sql: string) => ({ version, name: `test ${version}`, sql });

  function v1WithData(): void {
    const db = openDatabase(t.db);
    db.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('marker', 'kept')").run();
    db.close();
  }

  it('a migration that fails midway leaves the previous version intact', () => {
    v1WithData();
    const list = [...migrations, extra(NEXT, "CREATE TABLE half_done (x); INSERT INTO half_done VALUES (1); UPDATE settings SET value = 'changed'; INSERT INTO no_such_table VALUES (1);")];
    const err = errorOf(() => openDatabase(t.db, { migrations: list }));
    expect(err.code).toBe('migration_failed');
    expect(err.message).toContain(`left at schema version ${V}`);
    const raw = new BetterSqlite3(t.db, { readonly: true });
    expect(schemaVersion(raw)).toBe(V);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    expect(raw.prepare("SELECT value FROM settings WHERE key = 'marker'").pluck().get()).toBe('kept');
    raw.close();
    expect(readdirSync(t.dir).filter((f) => f.endsWith('.bak'))).toEqual([]); // the failed attempt's copy is removed
  });

  it('backs up a database holding data once, before upgrading it', () => {
    v1WithData();
    const list = [...migrations, extra(NEXT, 'CREATE TABLE added_in_two (x)')];
    const db = openDatabase(t.db, { migrations: list });
    expect(schemaVersion(db.sqlite)).toBe(NEXT);
    db.close();
    const baks = readdirSync(t.dir).filter((f) => f.endsWith('.bak'));
    expect(baks).toHaveLength(1);
    expect(baks[0]).toMatch(new RegExp(`^crm\\.db\\.v${V}\\..*\\.bak$`));
    const copy = new BetterSqlite3(`${t.dir}/${baks[0]}`, { readonly: true });
    expect(schemaVersion(copy)).toBe(V);
    expect(copy.prepare("SELECT value FROM settings WHERE key = 'marker'").pluck().get()).toBe('kept');
    copy.close();
    // Opening again: nothing to do, no new copy.
    openDatabase(t.db, { migrations: list }).close();
    expect(readdirSync(t.dir).filter((f) => f.endsWith('.bak'))).toHaveLength(1);
  });

  it('re-reads the version under the lock: a second migrator finds nothing to do', () => {
    v1WithData();
    const list = [...migrations, extra(NEXT, 'CREATE TABLE added_in_two (x)')];
    const a = new BetterSqlite3(t.db);
    const b = new BetterSqlite3(t.db);
    expect(migrate(a, t.db, { migrations: list }).to).toBe(NEXT);
    // b read version V before a migrated; its migrate() must not apply NEXT again (CREATE TABLE would fail).
    expect(migrate(b, t.db, { migrations: list })).toEqual({ from: NEXT, to: NEXT });
    a.close();
    b.close();
  });

  it('refuses a database newer than this crm', () => {
    openDatabase(t.db, { migrations: [...migrations, extra(NEXT, 'CREATE TABLE future (x)')] }).close();
    const err = errorOf(() => openDatabase(t.db));
    expect(err.code).toBe('db_too_new');
  });
});

describe('write transactions under contention', () => {
  it('waits for a lock held a little longer than busy_timeout, running the work once', async () => {
    const db = openDatabase(t.db, { busyTimeoutMs: 30, retries: 6 });
    const other = new BetterSqlite3(t.db);
    other.exec('BEGIN IMMEDIATE');
    setTimeout(() => other.exec('COMMIT'), 150);
    let runs = 0;
    await writeTransaction(db, async (trx) => {
      runs++;
      await trx.insertInto('settings').values({ key: 'a', value: '1' }).execute();
    });
    expect(runs).toBe(1);
    expect(db.sqlite.prepare("SELECT value FROM settings WHERE key = 'a'").pluck().get()).toBe('1');
    other.close();
    db.close();
  });

  it('gives up after the bound with a clear error, never a bare SQLITE_BUSY, and runs nothing', async () => {
    const db = openDatabase(t.db, { busyTimeoutMs: 20, retries: 2 });
    const other = new BetterSqlite3(t.db);
    other.exec('BEGIN IMMEDIATE');
    let runs = 0;
    const err = await writeTransaction(db, async () => {
      runs++;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrmError);
    expect((err as CrmError).code).toBe('db_busy');
    expect((err as CrmError).message).toContain('locked by another process');
    expect((err as CrmError).hint).toContain('fuser');
    expect(runs).toBe(0);
    expect(() => writeTransactionSync(db, () => runs++)).toThrow(/locked by another process/);
    expect(runs).toBe(0);
    other.exec('ROLLBACK');
    expect(writeTransactionSync(db, () => ++runs)).toBe(1);
    other.close();
    db.close();
  });

  it('rolls back everything when the work fails', async () => {
    const db = openDatabase(t.db);
    await expect(
      writeTransaction(db, async (trx) => {
        await trx.insertInto('settings').values({ key: 'partial', value: '1' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(db.sqlite.prepare("SELECT count(*) FROM settings WHERE key = 'partial'").pluck().get()).toBe(0);
    expect(db.sqlite.inTransaction).toBe(false);
    db.close();
  });

  it('nests writeTransactionSync as a savepoint inside an open transaction', () => {
    const db = openDatabase(t.db);
    writeTransactionSync(db, () => {
      db.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('outer', '1')").run();
      expect(() =>
        writeTransactionSync(db, () => {
          db.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('inner', '1')").run();
          throw new Error('inner fails');
        }),
      ).toThrow('inner fails');
    });
    expect(db.sqlite.prepare('SELECT key FROM settings ORDER BY key').pluck().all()).toEqual(['outer']);
    db.close();
  });
});

describe('readInChunks', () => {
  it('reads every row in key order, one short query per chunk', async () => {
    const db = openDatabase(t.db);
    const insert = db.sqlite.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    writeTransactionSync(db, () => {
      for (let i = 0; i < 25; i++) insert.run(`k${String(i).padStart(2, '0')}`, String(i));
    });
    const pages: number[] = [];
    const keys: string[] = [];
    for await (const rows of readInChunks(
      (after: string | undefined, limit) => {
        let q = db.kysely.selectFrom('settings').select(['key']).orderBy('key').limit(limit);
        if (after !== undefined) q = q.where('key', '>', after);
        return q.execute();
      },
      (r) => r.key,
      10,
    )) {
      pages.push(rows.length);
      keys.push(...rows.map((r) => r.key));
      expect(db.sqlite.inTransaction).toBe(false);
    }
    expect(pages).toEqual([10, 10, 5]);
    expect(keys).toHaveLength(25);
    expect(new Set(keys).size).toBe(25);
    db.close();
  });
});

describe('waiting for the lock in the async path', () => {
  it('keeps the event loop turning while another process holds the lock', async () => {
    const db = openDatabase(t.db, { busyTimeoutMs: 1000, retries: 1 });
    const other = new BetterSqlite3(t.db);
    other.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    setTimeout(() => other.exec('COMMIT'), 700);
    await writeTransaction(db, async (trx) => {
      await trx.insertInto('settings').values({ key: 'after-wait', value: '1' }).execute();
    });
    clearInterval(timer);
    // A blocking 1 s busy_timeout would have let the timer fire at most once or twice.
    expect(ticks).toBeGreaterThan(5);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(1000);
    other.close();
    db.close();
  });
});

describe('closing while another process writes', () => {
  it('a read-only command does not wait out the busy timeout for PRAGMA optimize on its way out', async () => {
    const crm = cliFor(t.db);
    expect((await crm(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com'])).exitCode).toBe(0);
    const other = new BetterSqlite3(t.db);
    other.exec('BEGIN IMMEDIATE'); // holds the write lock, as a long import would
    try {
      const started = Date.now();
      // Waiting for the lock would take at least the busy timeout (5 minutes, × the retries); the
      // bound below is far from both that and from a normal run, even on a busy machine.
      const list = await crm(['contact', 'list', '--json'], { env: { CRM_BUSY_TIMEOUT: '300000' } });
      expect(list.exitCode, list.stderr).toBe(0);
      expect(list.json()).toHaveLength(1);
      // The close gave up on optimize instead of waiting.
      expect(Date.now() - started).toBeLessThan(120_000);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  }, 150_000);
});
