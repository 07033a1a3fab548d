/**
 * Output that fits a real terminal (issue #16 item 3): at 80 columns tables drop or wrap columns
 * before an amount or an id is cut, multi-currency KPI lines fold, --wide shows every column;
 * report CSV is one rectangular table; piped `show` keeps its related records as sections.
 */
import { parse } from 'csv-parse/sync';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const { ok, crm } = useTempDb({ shared: true, seed: (t) => t.ok(['demo']), timeout: 120_000 });

/** Every {amount, currency} object anywhere in a JSON value. */
function amounts(value: unknown, out: { amount: string; currency: string }[] = []): { amount: string; currency: string }[] {
  if (Array.isArray(value)) for (const v of value) amounts(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.amount === 'string' && typeof o.currency === 'string') out.push({ amount: o.amount, currency: o.currency });
    else for (const v of Object.values(o)) amounts(v, out);
  }
  return out;
}

/** "1,250.00 EUR": how people read an amount (written here independently of Money.format). */
function human(m: { amount: string; currency: string }): string {
  const [whole, frac] = m.amount.split('.');
  const sign = whole!.startsWith('-') ? '-' : '';
  return `${sign}${whole!.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`} ${m.currency}`;
}

const tty80 = { tty: true, width: 80 };

function expectFits(text: string, width = 80): void {
  for (const line of text.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
}

describe('at 80 columns', () => {
  it('deal list shows every amount and id whole, leaves columns out (saying which on stderr), and --wide shows them all', async () => {
    const table = await ok(['deal', 'list', '--limit', '40'], tty80);
    const deals = (await ok(['deal', 'list', '--limit', '40', '--json'])).json<{ id: number; title: string; amount: { amount: string; currency: string } | null }[]>();
    expect(deals.length).toBe(40);
    expectFits(table.stdout);
    for (const d of deals) {
      expect(table.stdout).toMatch(new RegExp(`│ +${d.id} │`));
      if (d.amount) expect(table.stdout).toContain(human(d.amount));
    }
    expect(table.stderr).toMatch(/Not shown at 80 columns: .*tags.*--wide/);
    const wide = await ok(['deal', 'list', '--limit', '40', '--wide'], tty80);
    expect(wide.stdout).toContain('Days in stage');
    expect(wide.stdout).toContain('Tags');
    expect(wide.stderr).not.toContain('Not shown');
  });

  it('queue keeps ids, the SLA phrase and due times whole', async () => {
    const table = await ok(['queue', '--all'], tty80);
    const tickets = (await ok(['queue', '--all', '--json'])).json<{ id: number }[]>();
    expect(tickets.length).toBeGreaterThan(5);
    expectFits(table.stdout);
    for (const t of tickets) expect(table.stdout).toMatch(new RegExp(`│ +${t.id} │`));
    expect(table.stdout).toContain('BREACHED first reply');
    expect(table.stdout).not.toContain('1 days');
  });

  it('report activity keeps reps, counts and the flag whole', async () => {
    const args = ['report', 'activity', '--period', 'last-week'];
    const text = await ok(args, tty80);
    const json = (await ok([...args, '--json'])).json<{ rows: { owner: string; touches: number }[] }>();
    expectFits(text.stdout);
    expect(text.stdout).not.toMatch(/\d…/);
    for (const r of json.rows) expect(text.stdout).toMatch(new RegExp(`│ ${r.owner.replace('.', '\\.')} +│.* ${r.touches} │`));
    expect(text.stdout).toContain('Flag');
  });

  it('report kpi folds multi-currency lines, one amount a line, and cuts none', async () => {
    const text = await ok(['report', 'kpi'], tty80);
    const json = (await ok(['report', 'kpi', '--json'])).json();
    expectFits(text.stdout);
    const all = amounts([json.pipeline, json.won]);
    expect(new Set(all.map((m) => m.currency)).size).toBeGreaterThan(2);
    for (const m of all) expect(text.stdout).toContain(human(m));
    // the open pipeline's amounts stand one per line
    const pipeline = amounts(json.pipeline.value).map(human);
    expect(pipeline.length).toBeGreaterThan(2);
    for (const line of text.stdout.split('\n')) expect(pipeline.filter((a) => line.includes(a)).length, line).toBeLessThanOrEqual(1);
  });
});

describe('report CSV: one rectangular table', () => {
  const reports = [['kpi'], ['pipeline'], ['forecast', '--period', '2027'], ['activity', '--period', 'last-week'], ['win-rate', '--by', 'owner', '--period', '2026'], ['cycle', '--period', '2026'], ['quota', '--period', '2026-Q4'], ['sources', '--period', '2026'], ['lost-reasons', '--period', '2026'], ['sla', '--by', 'priority'], ['sla'], ['tickets'], ['untouched'], ['data-quality']];
  it.each(reports)('crm report %s --format csv', async (...args) => {
    const r = await ok(['report', ...args, '--format', 'csv']);
    const rows = parse(r.stdout, { relax_column_count: true }) as string[][];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.length).toBe(rows[0]!.length);
    expect(rows[0]).not.toContain('table');
    // money: an amount column and a currency column, never "1250.00 EUR" in one cell
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^-?\d+(\.\d+)? [A-Z]{3}$/);
  });

  it('the totals row only with --totals', async () => {
    const plain = parse((await ok(['report', 'activity', '--period', 'last-week', '--format', 'csv'])).stdout) as string[][];
    const totals = parse((await ok(['report', 'activity', '--period', 'last-week', '--format', 'csv', '--totals'])).stdout) as string[][];
    expect(plain.some((r) => r[0] === 'Total')).toBe(false);
    expect(totals.length).toBe(plain.length + 1);
    expect(totals.at(-1)![0]).toBe('Total');
  });

  it('kpi money: one row per currency with amount and currency apart', async () => {
    const rows = parse((await ok(['report', 'kpi', '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    const pipeline = rows.filter((r) => r.key === 'pipeline');
    expect(pipeline.length).toBeGreaterThan(2);
    for (const r of pipeline) {
      expect(r.currency).toMatch(/^[A-Z]{3}$/);
      expect(r.value).toMatch(/^\d+(\.\d+)?$/);
    }
  });

  it('--table picks another table; an unknown one is a usage error naming them', async () => {
    const r = await ok(['report', 'forecast', '--period', '2027', '--format', 'csv']);
    expect(r.stderr).toContain('--table byOwner');
    const byOwner = parse((await ok(['report', 'forecast', '--period', '2027', '--format', 'csv', '--table', 'byOwner'])).stdout) as string[][];
    expect(byOwner[0]).not.toEqual((parse(r.stdout) as string[][])[0]);
    for (const row of byOwner) expect(row.length).toBe(byOwner[0]!.length);
    const bad = await crm(['report', 'forecast', '--format', 'csv', '--table', 'nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/no table "nope".*\n.*--table months, --table byOwner/);
  });
});

describe('piped show', () => {
  it('deal show keeps contacts, stage history and timeline as plain sections with TSV', async () => {
    const r = await ok(['deal', 'show', '2']);
    expect(r.stdout).toMatch(/^id\t2$/m);
    expect(r.stdout).toMatch(/\n\nStage history \(\d+\)\nat\tfrom\tto\tactor\tduration\n/);
    expect(r.stdout).toMatch(/\n\nTimeline \(\d+\)\nat\t/);
    expect(r.stdout).not.toContain('┌');
  });

  it('contact, company and ticket show keep their related records', async () => {
    expect((await ok(['contact', 'show', '1'])).stdout).toMatch(/\n\n\w[^\n]* \(\d+\)\n[a-z]+\t/);
    expect((await ok(['company', 'show', '1'])).stdout).toMatch(/\n\nPeople \(\d+\)\n/);
    expect((await ok(['ticket', 'show', '1'])).stdout).toMatch(/\n\n\w[^\n]* \(\d+\)\n[a-z]+\t/);
  });
});
