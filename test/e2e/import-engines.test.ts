/**
 * `crm import` on both engines (issue #15, items 2 and 5): the same CSV files — excerpts of the
 * shared datasets in test/fixtures/import — imported by bin/crm into a SQLite file and into a
 * PostgreSQL database give the same per-row outcomes, the same `export` of every entity and the
 * same report JSON; a dry run writes nothing; undo restores the previous state exactly; a bad
 * row gives the same rejects file. (Run `node scripts/build.mjs` first: bin/crm runs dist/.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ENGINES, freshDatabase, type CrmResult, type EngineDb, type EngineName } from '../helpers/engines.js';
import { crmBin } from '../helpers/processes.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/import/', import.meta.url));
const MAVEN = join(FIXTURES, 'maven/');
const DEAL_MAP = 'opportunity_id=external-id,product=title,account=company,sales_agent=owner,deal_stage=stage,engage_date=created,close_date=closed,close_value=amount';
const dealsArgs = (file: string) => ['import', 'deals', file, '--currency', 'USD', '--map-stage', 'Engaging=Qualification', '--map', DEAL_MAP];

/** The load, in order: users, companies, deals, activities (linked to the deals), contacts, tickets. */
const LOAD: string[][] = [
  ['import', 'users', MAVEN + 'sales_teams.csv', '--map', 'sales_agent=name,regional_office=team,manager='],
  ['import', 'companies', MAVEN + 'accounts.csv', '--map', 'account=name,sector=industry'],
  dealsArgs(MAVEN + 'sales_pipeline-300.csv'),
  ['import', 'activities', MAVEN + 'activities.csv', '--rep-column', 'Rep'],
  ['import', 'contacts', FIXTURES + 'roundcube_gmail_contacts.csv'],
  ['import', 'tickets', FIXTURES + 'kaggle-tickets-no-status.csv'],
];
const ENTITIES = ['users', 'companies', 'contacts', 'deals', 'activities', 'tickets'];
const REPORTS = [
  ['win-rate', '--from', '2016-01-01', '--to', '2017-12-31'],
  ['cycle', '--from', '2016-01-01', '--to', '2017-12-31'],
  ['forecast'],
  ['pipeline'],
  ['pipeline', '--as-of', '2017-03-15'],
  ['activity', '--as-of', '2017-06-30'],
];

const dir = mkdtempSync(join(tmpdir(), 'crm-import-engines-'));
const dbs = {} as Record<EngineName, EngineDb>;
const loaded = {} as Record<EngineName, CrmResult[]>;

/**
 * bin/crm once against the engine's database, as crmOn does (frozen clock, clean environment),
 * but without blocking: a long run of spawnSync starves vitest's worker of its event loop.
 */
function on(engine: EngineName, args: string[]): Promise<CrmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [crmBin, ...args], {
      // CRM_PG_IMPORT_COPY_ALL_ROWS=0: every PostgreSQL import copies only the rows its file can match.
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), TZ: 'UTC', CRM_NOW: '2026-11-20T17:55:00Z', NO_COLOR: '1', CRM_DB: dbs[engine].url, CRM_PG_IMPORT_COPY_ALL_ROWS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The same command on both engines, at once: [sqlite, postgres]. */
const onBoth = (args: string[]) => Promise.all(ENGINES.map((engine) => on(engine, args)));

/** Every entity as `crm export … --format csv`, one string per entity. */
async function exportAll(engine: EngineName): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const runs = await Promise.all(ENTITIES.map((e) => on(engine, ['export', e, '--format', 'csv'])));
  for (const [i, r] of runs.entries()) {
    expect(r.code, r.stderr).toBe(0);
    out[ENTITIES[i]!] = r.stdout;
  }
  return out;
}

async function expectSameExports(): Promise<Record<string, string>> {
  const [a, b] = await Promise.all([exportAll('sqlite'), exportAll('postgres')]);
  expect(b).toEqual(a);
  return a;
}

async function expectSameHistory(): Promise<void> {
  const [a, b] = await onBoth(['import', 'history', '--json']);
  expect(b!.stdout).toBe(a!.stdout);
}

/** The deals file with three amounts changed and two new deals: an import that updates and creates. */
function changedDeals(): string {
  const lines = readFileSync(MAVEN + 'sales_pipeline-300.csv', 'utf8').trimEnd().split('\n');
  const changed = lines.slice(0, 51).map((line, i) => (i >= 1 && i <= 3 ? line.replace(/,(\d+)$/, (_m, v: string) => `,${Number(v) + 100}`) : line));
  changed.push('NEWDEAL1,Moses Frase,GTX Basic,Cancity,Engaging,2017-05-01,,', 'NEWDEAL2,Darcel Schlecht,MG Special,Isdom,Won,2017-04-01,2017-06-01,55');
  const file = join(dir, 'deals-changed.csv');
  writeFileSync(file, changed.join('\n') + '\n');
  return file;
}

beforeAll(async () => {
  await Promise.all(
    ENGINES.map(async (engine) => {
      dbs[engine] = await freshDatabase(engine, 'imports');
      loaded[engine] = [];
      for (const args of LOAD) loaded[engine].push(await on(engine, [...args, '--json']));
    }),
  );
}, 240_000);
afterAll(() => {
  for (const engine of ENGINES) dbs[engine]?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('crm import on SQLite and PostgreSQL', () => {
  it('every import reports the same per-row outcomes on both engines', () => {
    for (const [i, args] of LOAD.entries()) {
      const [a, b] = [loaded.sqlite[i]!, loaded.postgres[i]!];
      expect(a.code, `${args.join(' ')}: ${a.stderr}`).toBe(0);
      expect({ code: b.code, stdout: b.stdout }).toEqual({ code: a.code, stdout: a.stdout });
    }
    // Real work, not two empty imports: 300 deals and 40 activities created.
    expect(JSON.parse(loaded.postgres[2]!.stdout)).toMatchObject({ rows: 300, created: 300, rejected: 0, committed: true });
    expect(JSON.parse(loaded.postgres[3]!.stdout)).toMatchObject({ rows: 40, created: 40 });
  });

  it('gives identical exports of every entity', async () => {
    const a = await expectSameExports();
    expect(a.deals!.split('\n').length).toBeGreaterThan(300);
  }, 60_000);

  it.each(REPORTS)('gives identical `report %s … --json`', async (...args) => {
    const [a, b] = await onBoth(['report', ...args, '--json']);
    expect(a!.code, a!.stderr).toBe(0);
    expect(a!.stdout.length).toBeGreaterThan(100);
    expect({ code: b!.code, stdout: b!.stdout }).toEqual({ code: a!.code, stdout: a!.stdout });
  });

  it('a second import of the same file changes nothing, on both engines', async () => {
    for (const r of await onBoth([...dealsArgs(MAVEN + 'sales_pipeline-300.csv'), '--json'])) {
      expect(JSON.parse(r.stdout)).toMatchObject({ rows: 300, created: 0, updated: 0, unchanged: 300 });
    }
  }, 60_000);

  it('a dry run reports the same outcomes and writes nothing', async () => {
    const file = changedDeals();
    const before = await expectSameExports();
    const [historyA] = await onBoth(['import', 'history', '--json']);
    const [a, b] = await onBoth([...dealsArgs(file), '--dry-run', '--json']);
    expect(a!.code, a!.stderr).toBe(0);
    expect(JSON.parse(a!.stdout)).toMatchObject({ dryRun: true, created: 2, updated: 3, unchanged: 47 });
    expect(b!.stdout).toBe(a!.stdout);
    expect(await expectSameExports()).toEqual(before);
    const [historyB] = await onBoth(['import', 'history', '--json']);
    expect(historyB!.stdout).toBe(historyA!.stdout);
    await expectSameHistory();
  }, 120_000);

  it('undo of an import that updated and created restores the previous state exactly', async () => {
    const file = changedDeals();
    const before = await expectSameExports();
    const runs = await onBoth([...dealsArgs(file), '--json']);
    for (const r of runs) expect(JSON.parse(r.stdout)).toMatchObject({ created: 2, updated: 3, committed: true });
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect((await expectSameExports()).deals).not.toBe(before.deals);
    const runId = String(JSON.parse(runs[1]!.stdout).runId);
    const undone = await onBoth(['import', 'undo', runId, '--yes', '--json']);
    expect(undone[0]!.code, undone[0]!.stderr).toBe(0);
    expect(JSON.parse(undone[1]!.stdout)).toMatchObject({ deleted: 2, restored: 3, run: { status: 'undone' } });
    expect(undone[1]!.stdout).toBe(undone[0]!.stdout);
    expect(await expectSameExports()).toEqual(before);
    // History agrees too (the run is marked undone), and the same run cannot be undone twice.
    await expectSameHistory();
    const again = await onBoth(['import', 'undo', runId, '--yes']);
    expect(again[0]!.code).toBe(1);
    expect(again[0]!.stderr).toContain('already undone');
    expect(again[1]).toEqual(again[0]);
    // The ids the undo freed are given again, as on SQLite: a re-import lines up on both engines.
    const redo = await onBoth([...dealsArgs(file), '--json']);
    expect(redo[1]!.stdout).toBe(redo[0]!.stdout);
    await expectSameExports();
  }, 180_000);

  it('a bad row: the whole file is refused the same way, and --skip-invalid writes the same rejects file', async () => {
    const file = join(dir, 'contacts-bad.csv');
    writeFileSync(file, 'name,email,phone\nAna Lima,ana@example.com,+1 555 0100\nBad Row,not-an-email,\nKenji Sato,kenji@example.com,\n');
    const refused = await onBoth(['import', 'contacts', file]);
    expect(refused[0]!.code).toBe(1);
    expect(refused[0]!.stderr).toContain('not-an-email');
    expect(refused[1]).toEqual(refused[0]);
    for (const r of await onBoth(['contact', 'list', 'ana@example.com', '--json'])) expect(r.stdout.trim()).toBe('[]');
    const rejects: string[] = [];
    for (const engine of ENGINES) {
      const out = join(dir, `rejects-${engine}.csv`);
      const r = await on(engine, ['import', 'contacts', file, '--skip-invalid', '--rejects', out, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ created: 2, rejected: 1, committed: true });
      rejects.push(readFileSync(out, 'utf8'));
    }
    expect(rejects[0]).toContain('not-an-email');
    expect(rejects[1]).toBe(rejects[0]);
    await expectSameHistory();
    await expectSameExports();
  }, 120_000);

  it('undo of the tickets import deletes its tickets, their events and the requesters it created, alike on both engines', async () => {
    const run = JSON.parse(loaded.postgres[5]!.stdout);
    expect(run.createdReferences.contacts).toBeGreaterThan(0); // requesters created on the side
    const undone = await onBoth(['import', 'undo', String(run.runId), '--yes', '--json']);
    expect(undone[0]!.code, undone[0]!.stderr).toBe(0);
    expect(undone[1]!.stdout).toBe(undone[0]!.stdout);
    const after = await expectSameExports();
    expect(after.tickets!.trim().split('\n')).toHaveLength(1); // the header only
  }, 120_000);

  it('undo refuses, the same way, when records the run created are now used by others', async () => {
    const companies = join(dir, 'fk-companies.csv');
    writeFileSync(companies, 'name,domain\nFk One Ltd,fk1.test\nFk Two Ltd,fk2.test\n');
    const contacts = join(dir, 'fk-contacts.csv');
    writeFileSync(contacts, 'name,email,company\nUma Fk,uma@fk1.test,Fk One Ltd\n');
    const runs = await onBoth(['import', 'companies', companies, '--json']);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    for (const r of await onBoth(['import', 'contacts', contacts])) expect(r.code, r.stderr).toBe(0);
    const refused = await onBoth(['import', 'undo', String(JSON.parse(runs[0]!.stdout).runId), '--yes']);
    expect(refused[0]!.code).toBe(1);
    expect(refused[0]!.stderr).toContain('are now used by other records');
    expect(refused[1]).toEqual(refused[0]);
    await expectSameExports();
  }, 120_000);

  it('two imports at once on PostgreSQL: one waits for the other, both land whole, and each undoes alone', async () => {
    const files = [0, 1].map((n) => {
      const f = join(dir, `at-once-${n}.csv`);
      writeFileSync(f, 'name,email\n' + Array.from({ length: 200 }, (_v, i) => `Person ${n}-${i},p${n}-${i}@at-once.test`).join('\n') + '\n');
      return f;
    });
    const runs = await Promise.all(files.map((f) => on('postgres', ['import', 'contacts', f, '--json'])));
    for (const r of runs) expect(JSON.parse(r.stdout), r.stderr).toMatchObject({ created: 200, committed: true });
    const emails = async () => ((JSON.parse((await on('postgres', ['export', 'contacts', '--format', 'json'])).stdout) as { email: string }[]).map((c) => c.email).filter((e) => e?.endsWith('@at-once.test')));
    expect(await emails()).toHaveLength(400);
    // The runs' id ranges do not overlap: undoing the first leaves every contact of the second.
    const undo = await on('postgres', ['import', 'undo', String(JSON.parse(runs[0]!.stdout).runId), '--yes', '--json']);
    expect(JSON.parse(undo.stdout), undo.stderr).toMatchObject({ deleted: 200 });
    const left = await emails();
    expect(left).toHaveLength(200);
    expect(left.every((e) => e.startsWith('p1-'))).toBe(true);
  }, 120_000);
});
