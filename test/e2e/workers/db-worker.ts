/**
 * A child process for the multi-process tests of the shared database (test/e2e/shared-db.test.ts).
 * Bundled with esbuild by test/helpers/processes.ts; speaks one JSON object per stdout line.
 *
 *   writer DB SECONDS ID START   read-modify-write counters, add contacts and activities, batches
 *   reader DB SECONDS ID START   lists and counts, as reports do
 *   migrate DB START SLOW        open with one extra (test-only) migration
 *   import DB                    import-like batches of 200 rows, one transaction each, forever
 *   edits DB                     batches editing 40 contacts with audit rows, forever
 *   hold DB MODE                 take an exclusive lock and sleep (a stuck process)
 */
import BetterSqlite3 from 'better-sqlite3';
import { migrations } from '../../../src/db/migrations/index.js';
import { openDatabase, type Db } from '../../../src/db/sqlite.js';
import { recordAudit } from '../../../src/db/audit.js';
import { readInChunks, writeTransaction, writeTransactionSync } from '../../../src/db/transaction.js';
import { logActivity } from '../../../src/domain/activities.js';
import { editCompany, listCompanies, showCompany } from '../../../src/domain/companies.js';
import { addContact, listContacts } from '../../../src/domain/contacts.js';
import type { Session } from '../../../src/domain/session.js';
import { ConflictError } from '../../../src/errors.js';

const [mode, dbPath, ...rest] = process.argv.slice(2);
const say = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
const session = (db: Db): Session => ({ db, now: () => new Date(), actor: `worker-${process.pid}`, timeZone: 'UTC' });
const waitUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
const describe = (err: unknown) => `${(err as Error)?.name}: ${(err as Error)?.message} ${(err as { code?: string })?.code ?? ''}`;

async function writer(seconds: number, id: number, startAt: number): Promise<void> {
  const db = openDatabase(dbPath!);
  const s = session(db);
  const counters = (await listCompanies(s, { filter: ['counter'] })).rows.map((c) => c.id);
  const insertSetting = db.sqlite.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
  const out = { role: 'writer', id, increments: {} as Record<number, number>, txIncrements: 0, contacts: 0, activities: 0, batchRows: 0, conflicts: 0, errors: [] as string[] };
  await waitUntil(startAt);
  const deadline = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < deadline) {
    n++;
    const r = Math.random();
    try {
      if (r < 0.35) {
        // Optimistic read-modify-write across two steps: read, then write only if unchanged.
        const cid = counters[n % counters.length]!;
        const c = await showCompany(s, String(cid));
        const value = Number((c.customFields as { n?: number } | null)?.n ?? 0);
        try {
          await editCompany(s, String(cid), { customFields: { n: value + 1 } }, c.version);
          out.increments[cid] = (out.increments[cid] ?? 0) + 1;
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
          out.conflicts++; // someone else won; the increment is not counted (and not applied)
        }
      } else if (r < 0.5) {
        // Read-modify-write inside one IMMEDIATE transaction: cannot lose an update.
        await writeTransaction(db, async (trx) => {
          const row = await trx.selectFrom('settings').select('value').where('key', '=', 'tx-counter').executeTakeFirstOrThrow();
          await trx.updateTable('settings').set({ value: String(Number(row.value) + 1) }).where('key', '=', 'tx-counter').execute();
        });
        out.txIncrements++;
      } else if (r < 0.75) {
        await addContact(s, { name: `Writer${id} Person${n}`, email: `w${id}-${n}@example.com` });
        out.contacts++;
      } else if (r < 0.9) {
        await logActivity(s, { kind: 'call', ref: 'counter@example.com', subject: `call ${id}-${n}` });
        out.activities++;
      } else {
        writeTransactionSync(db, () => {
          for (let i = 0; i < 10; i++) insertSetting.run(`batch-${id}-${n}-${i}`, 'x');
        });
        out.batchRows += 10;
      }
    } catch (err) {
      out.errors.push(describe(err));
    }
  }
  db.close();
  say(out);
}

async function reader(seconds: number, id: number, startAt: number): Promise<void> {
  const db = openDatabase(dbPath!);
  const s = session(db);
  const out = { role: 'reader', id, reads: 0, errors: [] as string[], wentBackwards: 0 };
  await waitUntil(startAt);
  const deadline = Date.now() + seconds * 1000;
  let lastCount = 0;
  while (Date.now() < deadline) {
    try {
      const { total } = await listContacts(s, {});
      if (total < lastCount) out.wentBackwards++;
      lastCount = total;
      await listCompanies(s, {});
      let seen = 0;
      for await (const rows of readInChunks(
        (after: number | undefined, limit) => {
          let q = db.kysely.selectFrom('activities').select(['id', 'subject']).orderBy('id').limit(limit);
          if (after !== undefined) q = q.where('id', '>', after);
          return q.execute();
        },
        (r) => r.id,
        200,
      )) {
        seen += rows.length;
      }
      if (seen < 0) out.errors.push('impossible');
      out.reads++;
    } catch (err) {
      out.errors.push(describe(err));
    }
  }
  db.close();
  say(out);
}

async function migrateOnce(startAt: number, slowRows: number): Promise<void> {
  const extra = {
    version: migrations[migrations.length - 1]!.version + 1,
    name: 'test only: a slow migration recording who applied it',
    sql: `CREATE TABLE migration_runs (pid INTEGER NOT NULL);
          INSERT INTO migration_runs VALUES (${process.pid});
          CREATE TABLE migration_filler (x);
          WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${slowRows}) INSERT INTO migration_filler SELECT i FROM n;`,
  };
  await waitUntil(startAt);
  try {
    const db = openDatabase(dbPath!, { migrations: [...migrations, extra] });
    say({ ok: true, version: db.sqlite.pragma('user_version', { simple: true }) });
    db.close();
  } catch (err) {
    say({ ok: false, error: describe(err) });
  }
}

function importBatches(): void {
  const db = openDatabase(dbPath!);
  const insert = db.sqlite.prepare(
    "INSERT INTO contacts (first_name, last_name, email, email_norm, external_id, search_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', ?, ?)",
  );
  const audit = db.sqlite.prepare("INSERT INTO audit_log (entity, entity_id, action, changes, actor, at) VALUES ('contact', ?, 'create', NULL, 'import', ?)");
  const start = Number(db.sqlite.prepare("SELECT count(*) FROM contacts WHERE external_id LIKE 'unit-%'").pluck().get()) / 200;
  say({ ready: true });
  for (let unit = start; ; unit++) {
    say({ begin: unit }); // stdout to a pipe is synchronous on Linux: the parent sees it before the kill
    writeTransactionSync(db, () => {
      const at = new Date().toISOString();
      for (let i = 0; i < 200; i++) {
        const email = `u${unit}-${i}@import.example`;
        const r = insert.run(`Unit${unit}`, `Row${i}`, email, email, `unit-${unit}-${i}`, at, at);
        audit.run(r.lastInsertRowid, at);
      }
    });
    say({ committed: unit });
  }
}

async function editBatches(): Promise<void> {
  const db = openDatabase(dbPath!);
  const ids = db.sqlite.prepare("SELECT id FROM contacts WHERE external_id LIKE 'edit-%' ORDER BY id").pluck().all() as number[];
  let batch = Number(db.sqlite.prepare("SELECT coalesce(max(CAST(substr(notes, 7) AS INTEGER)), 0) FROM contacts WHERE notes LIKE 'batch-%'").pluck().get());
  say({ ready: true });
  for (;;) {
    batch++;
    const b = batch;
    say({ begin: b });
    await writeTransaction(db, async (trx) => {
      const at = new Date().toISOString();
      for (const id of ids) {
        const before = await trx.selectFrom('contacts').select(['notes', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
        await trx.updateTable('contacts').set({ notes: `batch-${b}`, version: before.version + 1, updated_at: at }).where('id', '=', id).where('version', '=', before.version).execute();
        await recordAudit(trx, { entity: 'contact', entityId: id, action: 'update', changes: { notes: [before.notes, `batch-${b}`] }, actor: 'editor', at });
      }
    });
    say({ committed: b });
  }
}

function hold(journal: string): void {
  const raw = new BetterSqlite3(dbPath!);
  raw.pragma(`journal_mode = ${journal}`);
  raw.exec('BEGIN EXCLUSIVE');
  raw.prepare("INSERT INTO settings (key, value) VALUES ('held', 'never committed')").run();
  say({ locked: true });
  // Stuck until killed; the timer keeps a reference so the connection is never collected (and closed).
  setInterval(() => raw.inTransaction, 1000);
}

switch (mode) {
  case 'writer':
    await writer(Number(rest[0]), Number(rest[1]), Number(rest[2]));
    break;
  case 'reader':
    await reader(Number(rest[0]), Number(rest[1]), Number(rest[2]));
    break;
  case 'migrate':
    await migrateOnce(Number(rest[0]), Number(rest[1] ?? 0));
    break;
  case 'import':
    importBatches();
    break;
  case 'edits':
    await editBatches();
    break;
  case 'hold':
    hold(rest[0] ?? 'wal');
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
