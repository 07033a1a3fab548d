/**
 * `crm report untouched` over more contacts than one batch (issue #15, reports at scale): the
 * listing is read while it is printed (rows taken as they arrive on PostgreSQL, the statement's iterator on SQLite),
 * and what is printed is what the in-memory builder gives — the same contacts in the same order
 * (owner by owner, never touched by id, longest untouched first, one day's contacts by id), the same
 * pretty JSON bytes, on both engines alike; NDJSON, CSV, text and --output too. A closed pipe
 * (`| head -1`) ends it quietly.
 * (Run `node scripts/build.mjs` first: bin/crm runs dist/.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUntouched, untouchedCutoff } from '../../src/reports/untouched/build.js';
import type { UntouchedRow } from '../../src/reports/untouched/query.js';
import { BATCH_ROWS } from '../../src/db/snapshot.js';
import { crmAsync, crmSeries, ENGINES, execSql, querySql, useEngineDb } from '../helpers/engines.js';
import { crmBin } from '../helpers/processes.js';

const CONTACTS = 2 * BATCH_ROWS + 1234;
const NOW = '2026-11-20T17:55:00.000Z';
const dir = mkdtempSync(join(tmpdir(), 'crm-untouched-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Contacts whose ids do not follow their last touch: several a day with times out of id order,
 * some never touched, some touched recently (not listed), archived and inactive ones, no owner or
 * one of three; names JSON must escape.
 */
function seedSql(owners: number[]): string {
  const names = ['Plain', 'Quote "q"', 'Back\\slash', 'Line\u2028sep', 'Émile 😀', "O'Neil"];
  const rows = Array.from({ length: CONTACTS }, (_v, i) => {
    const n = i + 1;
    const owner = n % 5 === 0 ? 'NULL' : String(owners[n % owners.length]);
    // ~6 contacts a day over 2024-2026, the time of day scrambled against the id
    const day = Math.floor((n * 7919) % 1100);
    const ms = Date.UTC(2024, 0, 1) + day * 86_400_000 + ((n * 104729) % 86_400_000);
    const touched = n % 9 === 0 ? 'NULL' : `'${new Date(ms).toISOString()}'`;
    const lifecycle = n % 97 === 0 ? 'inactive' : 'lead';
    const archived = n % 89 === 0 ? `'2026-01-01T00:00:00.000Z'` : 'NULL';
    const first = names[n % names.length]!.replace(/'/g, "''");
    return `('${first}', 'P${n}', ${n % 4 === 0 ? 'NULL' : `'c${n}@example.com'`}, ${owner}, ${touched}, '${lifecycle}', ${archived}, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`;
  });
  return `INSERT INTO contacts (first_name, last_name, email, owner_id, last_touched_at, lifecycle, archived_at, created_at, updated_at) VALUES ${rows.join(', ')};`;
}

/** What the in-memory builder prints for the same rows (JSON's escapes for line separators, as crm writes them). */
async function expected(db: string, days: number) {
  const rows = (await querySql(
    db,
    `SELECT c.id AS "id", c.first_name AS "firstName", c.last_name AS "lastName", c.email AS "email", co.name AS "company", c.owner_id AS "ownerId",
       u.handle AS "owner", u.name AS "ownerName", c.last_touched_at AS "lastTouchedAt", c.created_at AS "createdAt"
     FROM contacts c LEFT JOIN companies co ON co.id = c.company_id LEFT JOIN users u ON u.id = c.owner_id
     WHERE c.archived_at IS NULL AND c.lifecycle <> 'inactive' AND (c.last_touched_at IS NULL OR c.last_touched_at < '${untouchedCutoff(NOW, days)}')`,
  )) as unknown as UntouchedRow[];
  const norm = rows.map((r) => ({ ...r, id: Number(r.id), lastTouchedAt: r.lastTouchedAt === null ? null : new Date(r.lastTouchedAt as unknown as string).toISOString() }));
  const scope = { period: null as never, asOf: NOW, historical: false, timeZone: 'UTC', ownerIds: null, owners: null, team: null };
  return buildUntouched(norm, { scope, days, cutoff: untouchedCutoff(NOW, days) }).data as { contacts: Record<string, unknown>[]; byOwner: unknown[]; total: number };
}

const outputs = new Map<string, string>();

describe.each(ENGINES)(`report untouched over ${CONTACTS} contacts on %s`, (engine) => {
  const db = useEngineDb(engine, 'untouched');

  it('prints every contact, in the builder order and bytes, whatever the format', async () => {
    const setup = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['user', 'add', 'sara', '--name', 'Sara Rahimi'],
      ['user', 'add', 'tom', '--name', 'Tom Baker'],
    ]);
    for (const r of setup) expect(r.code, r.stderr).toBe(0);
    const users = await querySql(db.url, 'SELECT id FROM users ORDER BY id');
    await execSql(db.url, seedSql(users.map((u) => Number(u.id))));

    const r = await crmAsync(db.url, ['report', 'untouched', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const want = await expected(db.url, 365);
    expect(want.total).toBeGreaterThan(BATCH_ROWS);
    expect(j.total).toBe(want.total);
    expect(j.byOwner).toEqual(want.byOwner);
    expect(j.contacts).toEqual(want.contacts);
    // The document as JSON.stringify(…, null, 2) writes it, line separators escaped (safe.ts jsonEscaped).
    expect(r.stdout).toBe(JSON.stringify(j, null, 2).replace(/\u2028/g, '\\u2028') + '\n');
    outputs.set(engine, r.stdout);

    const [nd, csv, text, narrow] = await Promise.all([
      crmAsync(db.url, ['report', 'untouched', '--format', 'ndjson', '--table', 'contacts']),
      crmAsync(db.url, ['report', 'untouched', '--format', 'csv', '--table', 'contacts']),
      crmAsync(db.url, ['report', 'untouched']),
      crmAsync(db.url, ['report', 'untouched', '--days', '600', '--owner', 'sara', '--json']),
    ]);
    expect(nd.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(want.contacts);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('owner,id,name,email,company,lastTouchedAt,daysSince');
    expect(lines.slice(1).map((l) => Number(l.split(',')[1]))).toEqual(want.contacts.map((c) => c.id));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(` P${String(want.contacts.at(-1)!.id)} `);
    const sara = JSON.parse(narrow.stdout);
    expect(sara.byOwner.map((o: { owner: string }) => o.owner)).toEqual(['sara']);
    expect(sara.contacts.length).toBe(sara.total);
    expect(sara.contacts.every((c: { owner: string }) => c.owner === 'sara')).toBe(true);

    const file = join(dir, `${engine}.json`);
    const saved = await crmAsync(db.url, ['report', 'untouched', '--json', '--output', file]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(r.stdout);
  });

  it('a closed pipe (| head -1) ends it quietly', async () => {
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" "${crmBin}" report untouched --json | head -1`], {
        env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), TZ: 'UTC', CRM_NOW: NOW, NO_COLOR: '1', CRM_DB: db.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{\n');
  });
});

describe('both engines', () => {
  it('print the same bytes', () => {
    expect(outputs.get('postgres')).toBe(outputs.get('sqlite'));
  });
});
