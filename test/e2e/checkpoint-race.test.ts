/**
 * Issue 22: a healthy shared database was sometimes reported damaged (db_corrupt). The file's
 * size was compared with its header's page count while another process's checkpoint grew the
 * file in between. Writers, readers, backups and imports run on one file while a process forces
 * `PRAGMA wal_checkpoint(TRUNCATE)` in a loop; nothing may call the file damaged. The test counts
 * errors; it does not depend on how much work a slow machine gets done (it only needs some).
 */
import BetterSqlite3 from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/sqlite.js';
import { writeTransactionSync } from '../../src/db/transaction.js';
import { addCompany } from '../../src/domain/companies.js';
import { addContact } from '../../src/domain/contacts.js';
import { bundleWorker, disposeWorkers, runCrm, runWorker, type Finished, type Running } from '../helpers/processes.js';
import { useTempDb } from '../helpers/run-cli.js';

const SECONDS = Number(process.env.CRM_STRESS_SECONDS ?? 4);

const t = useTempDb();
const children: Running[] = [];
beforeAll(async () => {
  await Promise.all([bundleWorker('open-worker'), bundleWorker('db-worker')]);
}, 60000);
afterAll(() => disposeWorkers());
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});

async function worker(name: string, args: string[]): Promise<Running> {
  const w = await runWorker(name, args);
  children.push(w);
  return w;
}

/**
 * Run one crm command after another until the deadline, and at least twice however slow the
 * machine is; collect what each printed on stderr.
 */
async function loop(until: number, args: (n: number) => string[]): Promise<Finished[]> {
  const done: Finished[] = [];
  for (let n = 0; n < 2 || Date.now() < until; n++) {
    const p = runCrm(['--db', t.db, ...args(n)]);
    children.push(p);
    done.push(await p.done);
  }
  return done;
}

describe('checkpoints by other processes (issue 22)', () => {
  it(
    'writers, readers, backups and imports with forced TRUNCATE checkpoints: no db_corrupt, integrity ok',
    async () => {
      // A file of a few hundred pages, so a checkpoint moves its end.
      const db = openDatabase(t.db);
      const insert = db.sqlite.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
      writeTransactionSync(db, () => {
        for (let i = 0; i < 2000; i++) insert.run(`filler-${i}`, 'x'.repeat(300));
      });
      db.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('tx-counter', '0')").run();
      // What the db-worker writers edit (as in shared-db.test.ts).
      const s = { db, now: () => new Date(), actor: 'seed', timeZone: 'UTC' };
      for (let i = 0; i < 3; i++) await addCompany(s, { name: `Counter ${i}`, customFields: { n: 0 } });
      await addContact(s, { name: 'Counter Person', email: 'counter@example.com' });
      db.close();
      const csv = join(t.dir, 'people.csv');
      const startAt = Date.now() + 2000;
      const endAt = startAt + SECONDS * 1000;
      const workers = await Promise.all([
        worker('open-worker', ['checkpoint', t.db, String(SECONDS), String(startAt)]),
        ...[0, 1].map(() => worker('open-worker', ['opener', t.db, String(SECONDS), String(startAt)])),
        ...[0, 1, 2].map((i) => worker('db-worker', ['writer', t.db, String(SECONDS), String(i), String(startAt)])),
      ]);
      await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
      const cli = await Promise.all([
        loop(endAt, () => ['contact', 'list', '--json', '--limit', '5']),
        loop(endAt, (n) => ['db', 'backup', join(t.dir, `backup-${n}.db`), '--json']),
        loop(endAt, (n) => {
          const lines = ['first_name,last_name,email'];
          for (let i = 0; i < 300; i++) lines.push(`Imp${n},Row${i},imp${n}-${i}@example.com`);
          writeFileSync(csv.replace('.csv', `-${n}.csv`), lines.join('\n') + '\n');
          return ['import', 'contacts', csv.replace('.csv', `-${n}.csv`), '--json'];
        }),
      ]);
      const results = (await Promise.all(workers.map((w) => w.done))).map((f) => {
        expect(f.code, f.stderr).toBe(0);
        return f.lines[f.lines.length - 1];
      });
      const runs = cli.flat();
      const corrupt = runs.filter((r) => r.stderr.includes('db_corrupt') || r.stderr.includes('damaged'));
      expect(corrupt.map((r) => r.stderr)).toEqual([]);
      expect(runs.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
      const openers = results.filter((r) => r.role === 'opener');
      expect(openers.flatMap((o) => o.corrupt)).toEqual([]);
      expect(openers.flatMap((o) => o.errors)).toEqual([]);
      expect(results.filter((r) => r.role === 'writer').flatMap((w) => w.errors)).toEqual([]);
      // The race really was exercised: files opened while checkpoints ran.
      expect(results.find((r) => r.role === 'checkpoint').checkpoints).toBeGreaterThan(0);
      expect(openers.reduce((a, o) => a + o.opens, 0)).toBeGreaterThan(0);
      expect(runs.length).toBeGreaterThanOrEqual(6);
      const raw = new BetterSqlite3(t.db, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
    },
    SECONDS * 1000 + 90000,
  );
});
