/**
 * Issue #14's property layer, import part (fast-check): random stored contacts, then random
 * sparse and ragged CSVs that update them, imported with the default --empty keep.
 * - No stored non-empty value becomes empty unless a row matching that contact (by email) gave a
 *   non-empty cell in a column feeding that field (a new name "Pat" has no last name).
 * - A run that fails changes nothing, and every failure is exit 1 or 2 with one error line (and
 *   its hint), never a stack.
 * - PostgreSQL (its own write path, src/db/postgres/import.ts) gives the same outcome, messages,
 *   rejects file and stored contacts as SQLite for the same files: the rules above hold there too.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createTestPgDatabase } from '../helpers/postgres.js';
import { runCli, tempDb } from '../helpers/run-cli.js';

const COLUMNS = ['name', 'first_name', 'last_name', 'email', 'phone', 'mobile', 'title', 'company', 'source', 'notes', 'tags', 'lifecycle', 'owner', 'external_id'] as const;
type Column = (typeof COLUMNS)[number];

/** The exported field → the file columns that may set it. */
const FEEDS: Record<string, Column[]> = {
  firstName: ['name', 'first_name'],
  lastName: ['name', 'last_name'],
  phone: ['phone'],
  mobile: ['mobile'],
  title: ['title'],
  company: ['company'],
  source: ['source'],
  notes: ['notes'],
  tags: ['tags'],
  lifecycle: ['lifecycle'],
  owner: ['owner'],
  externalId: ['external_id'],
};

const word = fc.constantFrom('Ana', 'Bo', 'Chen', 'Lima', 'Müller', 'Ωmega', 'رحيمي', '李', "O'Neil", 'x"y', 'a,b', 'Dr. Who', '=1+1', '-5', ' ', '?', 'none');
const cellValue = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')) },
  { weight: 1, arbitrary: fc.constantFrom('+1 555 0100', '030 1234 567', 'lead', 'customer', 'vip, eu', 'sara', 'Acme', 'multi\nline', '  padded  ', 'X-0', 'X-1', 'X-9') },
);

interface Stored {
  name: string;
  email: string;
  phone: string;
  title: string;
  company: string;
  source: string;
  notes: string;
  tags: string;
}

const storedContact = (i: number) =>
  fc.record({
    name: fc.constantFrom('Pat One', 'Ana Lima', 'Bo Chen Wu', 'Zoë Ångström', 'رحيمي سارا'),
    phone: fc.constantFrom('+1 555 0101', '+49 30 1234', ''),
    title: fc.constantFrom('CTO', 'Buyer', ''),
    company: fc.constantFrom('Acme', 'Globex', ''),
    source: fc.constantFrom('web', 'fair', ''),
    notes: fc.constantFrom('likes tea', 'line one\nline two', ''),
    tags: fc.constantFrom('vip', 'vip,eu', ''),
  }).map((c): Stored => ({ ...c, email: `p${i}@x.test` }));

const scenario = fc.record({
  stored: fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_v, i) => storedContact(i)))),
  header: fc.subarray([...COLUMNS], { minLength: 1 }).map((cols) => (cols.includes('email') ? cols : ['email' as Column, ...cols])),
  rows: fc.array(
    fc.record({
      target: fc.nat(5), // ≥ the stored count: an email no one has (a new contact)
      emailCase: fc.boolean(),
      cells: fc.array(cellValue, { minLength: COLUMNS.length, maxLength: COLUMNS.length }),
      ragged: fc.constantFrom(0, 0, 0, 0, -1, 1, 2),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  skipInvalid: fc.boolean(),
});

async function exported(db: string): Promise<Record<string, any>[]> {
  const r = await runCli(['export', 'contacts', '--json'], { db });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.json();
}

const blank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

describe('property: a sparse or ragged update import never empties a stored value it was not given', () => {
  it('holds for random stored contacts and random sparse, ragged CSVs (default --empty keep)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const tmp = tempDb();
        try {
          expect((await runCli(['db', 'init'], { db: tmp.db })).exitCode).toBe(0);
          const seed = join(tmp.dir, 'seed.csv');
          writeFileSync(seed, stringify([['name', 'email', 'phone', 'title', 'company', 'source', 'notes', 'tags', 'external_id'], ...sc.stored.map((c, i) => [c.name, c.email, c.phone, c.title, c.company, c.source, c.notes, c.tags, i % 2 ? '' : `X-${i}`])]));
          const seeded = await runCli(['import', 'contacts', seed, '--create-missing', 'users'], { db: tmp.db });
          expect(seeded.exitCode, seeded.stderr).toBe(0);
          await runCli(['user', 'add', 'sara', '--name', 'Sara Rep'], { db: tmp.db });
          const before = await exported(tmp.db);

          const header = sc.header;
          const lines: string[][] = [header];
          for (const row of sc.rows) {
            const email = `p${row.target}@x.test`;
            const cells = header.map((col, i) => (col === 'email' ? (row.emailCase ? email.toUpperCase() : email) : row.cells[COLUMNS.indexOf(col)] ?? row.cells[i]!));
            if (row.ragged < 0) cells.pop();
            for (let k = 0; k < row.ragged; k++) cells.push(`extra ${k}`);
            lines.push(cells);
          }
          const f = join(tmp.dir, 'sparse.csv');
          writeFileSync(f, stringify(lines));
          const args = ['import', 'contacts', f];
          if (sc.skipInvalid) args.push('--skip-invalid', '--rejects', join(tmp.dir, 'rejects.csv'));
          const r = await runCli(args, { db: tmp.db });

          expect([0, 1, 2]).toContain(r.exitCode);
          expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
          if (r.exitCode !== 0) {
            // One error line (and its hint) after the rows it lists and any warnings.
            const errorAt = r.stderr.indexOf('error: ');
            expect(errorAt, r.stderr).toBeGreaterThanOrEqual(0);
            expect(r.stderr.slice(errorAt)).toMatch(/^error: [^\n]+\n(hint: [^\n]+\n)?$/);
            for (const line of r.stderr.slice(0, errorAt).split('\n').filter(Boolean)) expect(line).toMatch(/^(warning: |  row \d+|  … and \d+ more)/);
          }
          const after = await exported(tmp.db);
          if (r.exitCode !== 0) {
            expect(after).toEqual(before);
            return;
          }
          for (const b of before) {
            const a = after.find((x) => String(x.email).toLowerCase() === b.email)!;
            expect(a, b.email).toBeDefined();
            const matching = sc.rows.filter((row, i) => `p${row.target}@x.test` === b.email && lines[i + 1]!.length >= header.length);
            for (const [field, feeders] of Object.entries(FEEDS)) {
              if (blank(b[field]) || !blank(a[field])) continue;
              const given = matching.some((row, i) => feeders.some((col) => header.includes(col) && lines[sc.rows.indexOf(row) + 1]![header.indexOf(col)]!.trim() !== '' && i >= 0));
              expect(given, `${b.email}.${field} was "${JSON.stringify(b[field])}", is empty after importing:\n${lines.map((l) => l.join(' | ')).join('\n')}\n${r.stdout}`).toBe(true);
            }
          }
        } finally {
          tmp.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('PostgreSQL gives the same outcome, rejects and stored contacts as SQLite for the same files', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const tmp = tempDb();
        try {
          const dbs = [tmp.db, await createTestPgDatabase('sparse')];
          expect((await runCli(['db', 'init'], { db: tmp.db })).exitCode).toBe(0);
          const seed = join(tmp.dir, 'seed.csv');
          writeFileSync(seed, stringify([['name', 'email', 'phone', 'title', 'company', 'source', 'notes', 'tags', 'external_id'], ...sc.stored.map((c, i) => [c.name, c.email, c.phone, c.title, c.company, c.source, c.notes, c.tags, i % 2 ? '' : `X-${i}`])]));
          const lines: string[][] = [sc.header];
          for (const row of sc.rows) {
            const email = `p${row.target}@x.test`;
            const cells = sc.header.map((col, i) => (col === 'email' ? (row.emailCase ? email.toUpperCase() : email) : row.cells[COLUMNS.indexOf(col)] ?? row.cells[i]!));
            if (row.ragged < 0) cells.pop();
            for (let k = 0; k < row.ragged; k++) cells.push(`extra ${k}`);
            lines.push(cells);
          }
          const f = join(tmp.dir, 'sparse.csv');
          writeFileSync(f, stringify(lines));
          const seen = await Promise.all(
            dbs.map(async (db, n) => {
              const seeded = await runCli(['import', 'contacts', seed, '--create-missing', 'users'], { db });
              expect(seeded.exitCode, seeded.stderr).toBe(0);
              await runCli(['user', 'add', 'sara', '--name', 'Sara Rep'], { db });
              const rejects = join(tmp.dir, `rejects-${n}.csv`);
              const args = ['import', 'contacts', f];
              if (sc.skipInvalid) args.push('--skip-invalid', '--rejects', rejects);
              const r = await runCli(args, { db });
              const same = (text: string) => text.replaceAll(rejects, 'REJECTS');
              let rejected = '';
              try {
                rejected = readFileSync(rejects, 'utf8');
              } catch {
                // no rejected row
              }
              return { exitCode: r.exitCode, stdout: same(r.stdout), stderr: same(r.stderr), rejected, contacts: await exported(db), history: (await runCli(['import', 'history', '--json'], { db })).json().map((h: Record<string, unknown>) => ({ ...h, startedAt: null })) };
            }),
          );
          expect(seen[1]).toEqual(seen[0]);
        } finally {
          tmp.cleanup();
        }
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});
