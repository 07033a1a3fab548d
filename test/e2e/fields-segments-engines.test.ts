/**
 * The commands ported to PostgreSQL last (issue #15 item 2): `crm init`, `whoami`, custom fields
 * (`crm field add|list|edit|remove|enable`), segments (`crm segment add|list|show|remove` and
 * `segment:NAME` in lists), `crm contact merge` and `crm report kpi` give the same results on both
 * engines: one script of command lines, every step's exit code, stdout and stderr identical.
 * (`crm init` and `whoami` name the database, which differs: compared with it replaced.)
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, freshDatabase, type CrmResult } from '../helpers/engines.js';

const SCRIPT: string[][] = [
  ['init', '--currency', 'EUR', '--timezone', 'Europe/Berlin', '--week-start', 'sunday', '--json'],
  ['init', '--json'],
  ['whoami', '--json'],
  ['whoami'],
  ['user', 'add', 'sara', '--name', 'Sara Rahimi', '--role', 'rep', '--json'],
  ['--as', 'sara', 'whoami', '--json'],
  ['--as', 'sara', 'field', 'add', 'contact', 'x_sara'],
  ['field', 'add', 'contact', 'national_code', '--type', 'ir-national-id', '--json'],
  ['field', 'add', 'contact', 'size', '--type', 'choice', '--choices', 'small,large', '--json'],
  ['field', 'add', 'deal', 'budget', '--type', 'money', '--json'],
  ['field', 'add', 'deal', 'budget'],
  ['field', 'add', 'contact', 'Bad Name'],
  ['field', 'list', '--json'],
  ['field', 'list'],
  ['field', 'list', 'contact', '--format', 'csv'],
  ['field', 'edit', 'contact', 'size', '--choices', 'small,large,huge', '--label', 'Company size', '--json'],
  ['contact', 'add', 'Ann Alpha', '--email', 'ann@example.com', '--set', 'size=huge', '--tag', 'vip', '--json'],
  ['contact', 'add', 'Ann A.', '--email', 'ann.a@example.com', '--phone', '+1 412 555 0100', '--set', 'size=small', '--tag', 'event', '--json'],
  ['contact', 'add', 'Bob Beta', '--email', 'bob@example.com', '--set', 'size=tiny'],
  ['contact', 'add', 'Cleo Gamma', '--email', 'cleo@example.com', '--tag', 'vip', '--json'],
  ['deal', 'add', 'Ann deal', '--contact', 'ann.a@example.com', '--amount', '500 EUR', '--set', 'budget=700 EUR', '--json'],
  ['ticket', 'open', 'Broken login', '--contact', 'ann.a@example.com', '--json'],
  ['log', 'call', 'ann.a@example.com', 'Asked about pricing', '--json'],
  ['contact', 'list', 'size:huge', '--json'],
  ['field', 'edit', 'contact', 'size', '--required', '--json'],
  ['contact', 'add', 'Dan Delta', '--email', 'dan@example.com'],
  ['field', 'edit', 'contact', 'size', '--no-required', '--json'],
  ['field', 'enable', 'company', 'code', 'fax', '--json'],
  ['field', 'list', '--available', '--json'],
  ['field', 'remove', 'deal', 'budget', '--json'],
  ['field', 'remove', 'deal', 'nosuch'],
  ['field', 'list', 'deal', '--json'],
  ['segment', 'add', 'vips', '+vip', '--description', 'our best', '--json'],
  ['segment', 'add', 'big-open', '--for', 'deal', 'status:open amount:>100', '--json'],
  ['segment', 'add', 'broken', 'nosuchfield:x'],
  ['segment', 'list', '--json'],
  ['segment', 'list'],
  ['segment', 'show', 'vips', '--json'],
  ['contact', 'list', 'segment:vips', '--json'],
  ['deal', 'list', 'segment:big-open', '--json'],
  ['export', 'contacts', 'segment:vips', '--format', 'csv'],
  ['contact', 'merge', 'ann@example.com', 'ann.a@example.com', '--yes', '--json'],
  ['contact', 'merge', '1', '1', '--yes'],
  ['contact', 'merge', '1', '999', '--yes'],
  ['contact', 'show', '1', '--json'],
  ['contact', 'show', '2', '--json'],
  ['deal', 'show', '1', '--json'],
  ['ticket', 'show', '1', '--json'],
  ['history', 'contact', '1', '--json'],
  ['history', 'contact', '2', '--json'],
  ['segment', 'remove', 'vips', '--json'],
  ['segment', 'show', 'vips'],
  ['report', 'kpi', '--json'],
  ['report', 'kpi'],
  ['report', 'kpi', '--as-of', '2026-11-01', '--json'],
];

/** The database's name where it is printed (init, whoami), so both engines compare equal. */
function neutral(r: CrmResult, url: string): CrmResult {
  const shown = url.startsWith('postgres') ? url.replace(/:[^:@/]+@/, ':***@') : url;
  const strip = (s: string) => s.split(shown).join('DB').replace(/"mode": "\d+",\n\s*"group": null,\n\s*"warnings": \[\],\n\s*|"created": false,\n\s*|"engine": "postgres",\n\s*|\s*"journalMode": "wal",/g, '').replace(/ \((mode \d+, private to you, |PostgreSQL, )/g, ' (').replace(/, journal wal\)/g, ')');
  return { code: r.code, stdout: strip(r.stdout), stderr: strip(r.stderr) };
}

describe('init, whoami, fields, segments, contact merge and report kpi give identical results on SQLite and PostgreSQL', () => {
  const results = new Map<string, CrmResult[]>();

  it.each(ENGINES)('the script runs on %s', async (engine) => {
    const db = await freshDatabase(engine, 'fields');
    try {
      results.set(engine, SCRIPT.map((args) => neutral(crmOn(db.url, args), db.url)));
    } finally {
      db.cleanup();
    }
    const steps = results.get(engine)!;
    for (const r of steps) expect(r.stderr).not.toMatch(/internal error|does not run on PostgreSQL|at .*\.(c?js|ts):\d+/);
    const failing = SCRIPT.flatMap((args, i) => (steps[i]!.code === 0 ? [] : [`${args.filter((a) => !a.startsWith('-') && a !== 'sara').slice(0, 2).join(' ')}: ${steps[i]!.code}`]));
    expect(failing).toEqual([
      'field add: 1',
      'field add: 2',
      'contact add: 1',
      'contact add: 1',
      'field remove: 1',
      'segment add: 2',
      'contact merge: 1',
      'contact merge: 1',
      'segment show: 1',
    ]);
  }, 300_000);

  it('every step printed the same on both (exit code, stdout, stderr)', () => {
    const [sqlite, postgres] = [results.get('sqlite')!, results.get('postgres')!];
    expect(sqlite).toHaveLength(SCRIPT.length);
    expect(postgres).toHaveLength(SCRIPT.length);
    for (let i = 0; i < SCRIPT.length; i++) {
      const step = `crm ${SCRIPT[i]!.join(' ')}`;
      expect({ step, ...postgres[i]! }).toEqual({ step, ...sqlite[i]! });
    }
    // Real output was compared: the merge moved the deal, the segment matched two contacts.
    const at = (args: string[]) => postgres[SCRIPT.findIndex((a) => a.join(' ') === args.join(' '))]!;
    expect(JSON.parse(at(['deal', 'show', '1', '--json']).stdout)).toMatchObject({ contact: { id: 1 } });
    expect(JSON.parse(at(['contact', 'list', 'segment:vips', '--json']).stdout)).toHaveLength(2);
    expect(JSON.parse(at(['whoami', '--json']).stdout)).toMatchObject({ role: 'admin', weekStart: 'sunday', database: 'DB' });
    expect(JSON.parse(at(['report', 'kpi', '--json']).stdout).report).toBe('kpi');
  });
});
