/**
 * The report engine (issue 16, items 1–2): every report runs through runReport and prints the one
 * JSON envelope; periods as people say them; --as-of alone picks the period containing it; the
 * common flags on every report, or a usage error where they mean nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dateRange } from '../../src/db/filter.js';
import { resolvePeriod } from '../../src/domain/period.js';
import { reportCatalog } from '../../src/reports/catalog.js';
import { useTempDb } from '../helpers/run-cli.js';
import { addDeal, addUser, openTestDb, STAGE } from '../helpers/report-data.js';

const { crm } = useTempDb({
  seed: async (t) => {
    const db = await openTestDb(t.db);
    const sara = await addUser(db, 'sara', { team: 'East' });
    await addDeal(db, { ownerId: sara, amount: 100000, createdAt: '2026-08-01T09:00:00Z', path: [[STAGE.prospecting, '2026-08-01T09:00:00Z'], [STAGE.won, '2026-09-15T09:00:00Z']] });
    await addDeal(db, { ownerId: sara, amount: 50000, createdAt: '2026-10-02T09:00:00Z', path: [[STAGE.prospecting, '2026-10-02T09:00:00Z'], [STAGE.lost, '2026-11-10T09:00:00Z']], lostReason: 'price' });
    await db.close();
  },
});

const ENVELOPE = ['schema', 'report', 'title', 'period', 'asOf', 'timeZone', 'owners', 'team'];
const SNAPSHOTS = ['untouched', 'data-quality', 'invoices'];

describe('one envelope for every report', () => {
  it.each(reportCatalog.map((e) => [e.name]))('crm report %s --json', async (name) => {
    const r = await crm(['report', name, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = r.json();
    expect(Object.keys(j).slice(0, ENVELOPE.length)).toEqual(ENVELOPE);
    expect(j).toMatchObject({ schema: 'crm.report/1', report: name, asOf: '2026-11-20T17:55:00.000Z', timeZone: 'UTC', owners: null, team: null });
    expect(Array.isArray(j.notes)).toBe(true);
    if (SNAPSHOTS.includes(name) || name === 'pipeline') expect(j.period).toBeNull();
    else expect(Object.keys(j.period)).toEqual(['label', 'start', 'end']);
  });

  it('every report takes --no-chart, and every report with a period takes the spoken ones', async () => {
    for (const { name } of reportCatalog) {
      const argv = ['report', name, '--no-chart', ...(SNAPSHOTS.includes(name) ? [] : ['--period', 'last-week'])];
      const r = await crm(argv, { tty: true });
      expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).not.toContain('█');
    }
  });
});

describe('--as-of alone picks the period containing it', () => {
  it.each([
    ['win-rate', '2026-12-31', '2026-Q4'],
    ['sla', '2026-12-31', '2026-12'],
    ['kpi', '2026-10-31', '2026-10'],
    ['activity', '2026-11-22', '2026-W47'],
    ['tickets', '2026-12-31', '2026'],
    ['win-rate', '2026-10-01T00:00:00Z', '2026-Q4'],
  ])('report %s --as-of %s → %s', async (name, asOf, label) => {
    const j = (await crm(['report', name, '--as-of', asOf, '--json'])).json();
    expect(j.period.label).toBe(label);
  });

  it('--as-of also takes words and wall-clock times in the user zone', async () => {
    // now is 2026-11-20T17:55Z; "yesterday" is the end of 2026-11-19
    expect((await crm(['report', 'kpi', '--as-of', 'yesterday', '--json'])).json()).toMatchObject({ asOf: '2026-11-20T00:00:00.000Z', period: { label: '2026-11' } });
    const berlin = (await crm(['report', 'sla', '--as-of', '2026-11-15 18:00', '--json'], { env: { TZ: 'Europe/Berlin' } })).json();
    expect(berlin.asOf).toBe('2026-11-15T17:00:00.000Z');
    const bad = await crm(['report', 'sla', '--as-of', 'yesterday-ish']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('is not a time');
  });

  it("the README's win-rate --as-of 2026-09-30 --explain reports 2026-Q3 and finds the deal won then", async () => {
    const r = await crm(['report', 'win-rate', '--as-of', '2026-09-30', '--explain']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('2026-Q3 (2026-07-01 to 2026-09-30, UTC)');
    expect(r.stdout).not.toContain('No deals were won or lost');
    expect(r.stdout).toMatch(/│ sara +│ +1 │ +0 │/);
  });
});

describe('periods as people say them', () => {
  const ref = new Date('2026-11-20T17:55:00Z'); // a Friday in 2026-W47
  it.each([
    ['this-week', '2026-W47'],
    ['last-week', '2026-W46'],
    ['this-month', '2026-11'],
    ['last-month', '2026-10'],
    ['this-quarter', '2026-Q4'],
    ['last-quarter', '2026-Q3'],
    ['this-year', '2026'],
    ['last-year', '2025'],
    ['today', '2026-11-20'],
    ['yesterday', '2026-11-19'],
    ['last-30d', '2026-10-22..2026-11-20'],
    ['2026-W48', '2026-W48'],
    ['2026-11', '2026-11'],
    ['2026-q4', '2026-Q4'],
    ['2026', '2026'],
  ])('%s → %s', (text, label) => {
    expect(resolvePeriod(text, ref, 'UTC').label).toBe(label);
  });

  it('last-week across a year boundary, and in the user zone', () => {
    expect(resolvePeriod('last-week', new Date('2027-01-05T12:00:00Z'), 'UTC').label).toBe('2026-W53');
    // 2026-11-30T23:30Z is already December in Berlin
    expect(resolvePeriod('this-month', new Date('2026-11-30T23:30:00Z'), 'Europe/Berlin').label).toBe('2026-12');
  });

  it('a filter date (close:last-week) means the same range as --period', () => {
    const env = { now: ref, timeZone: 'Europe/Berlin', actorUserId: 1, actorHandle: 'sara' };
    for (const word of ['this-week', 'last-week', 'this-month', 'last-month', 'this-quarter', 'last-quarter', 'this-year', 'last-year', 'today', 'yesterday', 'last-30d', '2026-W48', '2026-W53', '2026-11', '2026-Q4', '2026-q1', '2026', '2026-11-20']) {
      const p = resolvePeriod(word, ref, 'Europe/Berlin');
      expect(dateRange(word, env), word).toEqual({ start: p.start, end: p.end });
    }
  });

  it('relative periods count from --as-of when given', async () => {
    const j = (await crm(['report', 'win-rate', '--period', 'last-quarter', '--as-of', '2027-01-15', '--json'])).json();
    expect(j.period.label).toBe('2026-Q4');
    expect(j.total.lost).toBe(1);
  });

  it('an unknown period is a usage error that names the spoken forms', async () => {
    const r = await crm(['report', 'kpi', '--period', 'last-fortnight']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Unknown period "last-fortnight"');
    expect(r.stderr).toContain('last-week');
  });
});

describe('scope flags on every report where they mean something', () => {
  it('report sla --owner sara --no-chart --period last-week works', async () => {
    const r = await crm(['report', 'sla', '--owner', 'sara', '--no-chart', '--period', 'last-week', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ report: 'sla', owners: ['sara'], period: { label: '2026-W46' }, tickets: 0 });
    const text = await crm(['report', 'sla', '--owner', 'sara', '--no-chart', '--period', 'last-week']);
    expect(text.stdout.split('\n')[1]).toContain('owner sara');
  });

  it('sla and tickets keep their flat CSV: one row per group (without --by the total; with it, the total only with --totals); the per-agent table', async () => {
    expect((await crm(['report', 'sla', '--format', 'csv'])).stdout.split('\n')[0]).toMatch(/^group,tickets,firstReplyAchieved,firstReplyBreached,firstReplyInProgress,firstReplyCompliance,/);
    expect((await crm(['report', 'sla', '--format', 'csv'])).stdout.split('\n')[1]).toBe('total,0,0,0,0,,0,0,0,,0,0,0,,,,,,,,,');
    expect((await crm(['report', 'sla', '--by', 'priority', '--format', 'csv'])).stdout.split('\n').slice(1)).toEqual(['']);
    expect((await crm(['report', 'sla', '--by', 'priority', '--format', 'csv', '--totals'])).stdout.split('\n')[1]).toBe('total,0,0,0,0,,0,0,0,,0,0,0,,,,,,,,,');
    expect((await crm(['report', 'tickets', '--format', 'tsv'])).stdout).toBe('agent\tsolved\tavgSatisfaction\tsatisfactionResponses\treopened\treopenRate\n');
  });

  it('report tickets takes --as-of and --owner/--team', async () => {
    expect((await crm(['report', 'tickets', '--team', 'East', '--as-of', '2026-11-01', '--json'])).json()).toMatchObject({ report: 'tickets', team: 'East', requests: 0 });
  });

  it('a flag a report cannot honour is a usage error saying why', async () => {
    for (const [argv, text] of [
      [['report', 'untouched', '--as-of', '2026-01-01'], 'crm report untouched takes no --as-of: a contact keeps only its latest touch'],
      [['report', 'untouched', '--period', 'last-month'], 'crm report untouched takes no --period'],
      [['report', 'data-quality', '--from', '2026-01-01'], 'crm report data-quality takes no --from'],
    ] as const) {
      const r = await crm([...argv]);
      expect(r.exitCode, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(text);
      expect(r.stderr).toContain('hint:');
    }
  });
});

describe('where report code lives (DESIGN §2)', () => {
  const root = join(import.meta.dirname, '../../src');
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

  it('every report is a folder with query/build/definition; in src/reports only query.ts files hold SQL', () => {
    for (const { name } of reportCatalog) for (const f of ['index.ts', 'build.ts', 'query.ts']) expect(existsSync(join(root, 'reports', name, f)), `${name}/${f}`).toBe(true);
    const sqlOutsideQueries = files(join(root, 'reports')).filter((f) => !f.endsWith('query.ts') && /from 'kysely'|\.selectFrom\(|sql`/.test(readFileSync(f, 'utf8')));
    expect(sqlOutsideQueries).toEqual([]);
  });

  it('the old homes of report code are gone', () => {
    expect(existsSync(join(root, 'db/reports'))).toBe(false);
    expect(readdirSync(join(root, 'commands/report')).sort()).toEqual(['command.ts', 'index.ts']);
    expect(readdirSync(join(root, 'domain')).filter((f) => /report|kpi/.test(f))).toEqual([]);
  });
});
