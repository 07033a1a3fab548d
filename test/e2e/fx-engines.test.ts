/**
 * Exchange rates and `--in CUR` (issue #19 item 7) on SQLite and PostgreSQL: rates set and
 * imported (re-runnable), reports converted into one currency — each deal at the most recent rate
 * on or before its own close date, the reverse pair inverted when only it is stored — with totals
 * equal to the per-deal conversions computed here independently, and a missing rate a one-line
 * error naming the currency and the date.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

const NOW = '2026-11-20T17:55:00Z';

/** Rates as stored: 1 base = rate quote from day on. */
const RATES = [
  { day: '2026-11-01', base: 'EUR', quote: 'USD', rate: '1.05' },
  { day: '2026-11-10', base: 'EUR', quote: 'USD', rate: '1.08' },
  { day: '2026-11-01', base: 'USD', quote: 'JPY', rate: '150' },
];

/** The deals: amount, currency, when won (null = open / lost). */
const DEALS = [
  { title: 'Alpha', minor: 100001n, currency: 'EUR', wonAt: '2026-11-05T10:00:00Z' },
  { title: 'Beta', minor: 33333n, currency: 'EUR', wonAt: '2026-11-12T10:00:00Z' },
  { title: 'Gamma', minor: 50000n, currency: 'USD', wonAt: '2026-11-12T10:00:00Z' },
  { title: 'Delta', minor: 12345n, currency: 'JPY', wonAt: '2026-11-15T10:00:00Z' },
  { title: 'Epsilon', minor: 77777n, currency: 'EUR', wonAt: '2026-11-09T23:00:00Z' },
];
const EXP: Record<string, number> = { EUR: 2, USD: 2, JPY: 0, GBP: 2 };

/** An independent conversion to USD: exact rational, rounded half-up once per amount. */
function toUsd(minor: bigint, currency: string, day: string, rates: typeof RATES): bigint {
  if (currency === 'USD') return minor;
  const pick = (base: string, quote: string) => rates.filter((r) => r.base === base && r.quote === quote && r.day <= day).sort((a, b) => b.day.localeCompare(a.day))[0];
  const direct = pick(currency, 'USD');
  const reverse = pick('USD', currency);
  const decimal = (text: string): [bigint, bigint] => {
    const [w, f = ''] = text.split('.');
    return [BigInt(w! + f), 10n ** BigInt(f.length)];
  };
  let num: bigint;
  let den: bigint;
  if (direct && (!reverse || direct.day >= reverse.day)) [num, den] = decimal(direct.rate);
  else if (reverse) [den, num] = decimal(reverse.rate);
  else throw new Error(`no rate for ${currency} on ${day}`);
  num *= 10n ** BigInt(EXP.USD!);
  den *= 10n ** BigInt(EXP[currency]!);
  return (2n * minor * num + den) / (2n * den);
}

const usd = (minor: bigint) => `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
const amountOf = (minor: bigint, currency: string) => (EXP[currency] ? `${minor / 10n ** BigInt(EXP[currency]!)}.${String(minor % 10n ** BigInt(EXP[currency]!)).padStart(EXP[currency]!, '0')}` : String(minor));

describe.each(ENGINES)('exchange rates on %s', (engine) => {
  const db = useEngineDb(engine, 'fx');
  let dir = '';
  const crm = (args: string[], now = NOW) => crmOn(db.url, args, { CRM_NOW: now });
  const json = (args: string[]) => {
    const r = crm([...args, '--json']);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crm-fx-'));
    expect(crm(['db', 'migrate']).code).toBe(0);
    expect(crm(['config', 'set', 'currency', 'EUR']).code).toBe(0);
    for (const d of DEALS) expect(crm(['deal', 'add', d.title, '--amount', `${amountOf(d.minor, d.currency)} ${d.currency}`, '--close', '2026-11-30'], '2026-11-01T09:00:00Z').code).toBe(0);
    expect(crm(['deal', 'add', 'Zeta', '--amount', '100 GBP'], '2026-11-01T09:00:00Z').code).toBe(0);
    expect(crm(['deal', 'add', 'Open one', '--amount', '2000 EUR', '--close', '2026-12-20'], '2026-11-01T09:00:00Z').code).toBe(0);
    DEALS.forEach((d, i) => expect(crm(['deal', 'win', String(i + 1)], d.wonAt).code).toBe(0));
    expect(crm(['deal', 'lose', '6', '--reason', 'price'], '2026-11-16T10:00:00Z').code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a rates file; the same file twice changes nothing', () => {
    const file = join(dir, 'rates.csv');
    writeFileSync(file, 'date,base,quote,rate\n' + RATES.map((r) => `${r.day},${r.base},${r.quote},${r.rate}`).join('\n') + '\n');
    expect(json(['fx', 'import', file])).toMatchObject({ rows: 3, created: 3, updated: 0, unchanged: 0 });
    const before = crm(['fx', 'list', '--json']).stdout;
    expect(json(['fx', 'import', file])).toMatchObject({ rows: 3, created: 0, updated: 0, unchanged: 3 });
    expect(crm(['fx', 'list', '--json']).stdout).toBe(before);
    expect(JSON.parse(before).map((r: { date: string; base: string; quote: string; rate: string }) => `${r.date} ${r.base}${r.quote} ${r.rate}`)).toEqual(['2026-11-01 EURUSD 1.05', '2026-11-10 EURUSD 1.08', '2026-11-01 USDJPY 150']);
    const bad = crm(['fx', 'import', '-'], NOW);
    expect(bad.code).not.toBe(0);
  });

  it('sets one rate, exactly as given, and converts with fx convert', () => {
    expect(json(['fx', 'set', 'EUR', 'USD', '1.0800', '--date', '2026-11-10'])).toMatchObject({ base: 'EUR', quote: 'USD', rate: '1.08', date: '2026-11-10', outcome: 'unchanged' });
    expect(json(['fx', 'convert', '100', 'EUR', '--to', 'USD', '--date', '2026-11-09']).result).toEqual({ amount: '105.00', currency: 'USD' });
    expect(crm(['fx', 'set', 'EUR', 'EUR', '1']).code).toBe(1);
    expect(crm(['fx', 'set', 'EUR', 'USD', '1,08']).code).toBe(1);
  });

  it('a missing rate is a one-line error naming the currency and the date', () => {
    const r = crm(['report', 'win-rate', '--period', '2026-Q4', '--in', 'USD']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('error: No exchange rate from GBP to USD on or before 2026-11-16.');
    expect(r.stderr).not.toMatch(/at .*\.js/);
  });

  it('--in USD totals equal the per-deal conversions at their dates; the reverse pair is inverted', () => {
    // Only the reverse pair (USD→GBP) is stored: GBP converts at its inverse.
    expect(crm(['fx', 'set', 'USD', 'GBP', '0.8', '--date', '2026-11-01']).code).toBe(0);
    const rates = [...RATES, { day: '2026-11-01', base: 'USD', quote: 'GBP', rate: '0.8' }];
    const day = (iso: string) => iso.slice(0, 10);
    const wonUsd = DEALS.reduce((s, d) => s + toUsd(d.minor, d.currency, day(d.wonAt), rates), 0n);
    const lostUsd = toUsd(10000n, 'GBP', '2026-11-16', rates);
    // The open deal closes 2026-12-20, after the as-of day: the rate of the as-of day.
    const openUsd = toUsd(200000n, 'EUR', '2026-11-20', rates);

    const win = json(['report', 'win-rate', '--period', '2026-Q4', '--in', 'USD']);
    expect(win.total.wonValue).toEqual([{ amount: usd(wonUsd), currency: 'USD' }]);
    expect(win.total.lostValue).toEqual([{ amount: usd(lostUsd), currency: 'USD' }]);
    expect(win.fx.rates.find((u: { from: string }) => u.from === 'GBP')).toMatchObject({ inverse: true, rate: '0.8' });

    const pipe = json(['report', 'pipeline', '--in', 'USD']);
    expect(pipe.won).toEqual([{ currency: 'USD', count: 5, total: { amount: usd(wonUsd), currency: 'USD' }, weighted: { amount: usd(wonUsd), currency: 'USD' } }]);
    expect(pipe.open[0].total).toEqual({ amount: usd(openUsd), currency: 'USD' });

    const lost = json(['report', 'lost-reasons', '--period', '2026-Q4', '--in', 'USD']);
    expect(JSON.stringify(lost)).toContain(`"amount":"${usd(lostUsd)}","currency":"USD"`);
    const quota = json(['report', 'quota', '--period', '2026-Q4', '--in', 'USD']);
    expect(JSON.stringify(quota)).toContain(`"amount":"${usd(wonUsd)}","currency":"USD"`);

    const explain = crm(['report', 'win-rate', '--period', '2026-Q4', '--in', 'USD', '--explain']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('1 EUR = 1.05 USD  (rate of 2026-11-01; 2 amounts)');
    expect(explain.stdout).toContain('1 EUR = 1.08 USD  (rate of 2026-11-10; 1 amount)');
    expect(explain.stdout).toContain('1 GBP = 1 / 0.8 USD  (inverse of the stored USD→GBP rate of 2026-11-01; 1 amount)');
    expect(explain.stdout).toContain('1 JPY = 1 / 150 USD  (inverse of the stored USD→JPY rate of 2026-11-01; 1 amount)');
  });

  it('the home currency (crm config set currency) is the default of a bare --in', () => {
    expect(crm(['config', 'set', 'currency', 'usd']).code).toBe(0);
    expect(crm(['config', 'get', 'currency']).stdout).toBe('USD\n');
    const bare = json(['report', 'win-rate', '--period', '2026-Q4', '--in']);
    const named = json(['report', 'win-rate', '--period', '2026-Q4', '--in', 'USD']);
    expect(bare.total).toEqual(named.total);
    // Without --in, nothing is converted: one line per currency.
    expect(json(['report', 'win-rate', '--period', '2026-Q4']).total.wonValue.map((m: { currency: string }) => m.currency)).toEqual(['EUR', 'JPY', 'USD']);
    const noMoney = crm(['report', 'activity', '--in', 'USD']);
    expect(noMoney.code).toBe(2);
    expect(noMoney.stderr).toContain('takes no --in');
  });

  it('a rates file written with Persian digits (a BOM, CRLF) reads them as fx set does', () => {
    const file = join(dir, 'rates-fa.csv');
    writeFileSync(file, '\uFEFFbase,quote,rate,date\r\nGBP,CHF,۱٫۱۲۵,۲۰۲۶-۱۱-۰۱\r\n');
    expect(json(['fx', 'import', file])).toMatchObject({ rows: 1, created: 1 });
    expect(crm(['fx', 'set', 'GBP', 'CHF', '۱٫۱۲۶', '--date', '۲۰۲۶-۱۱-۰۲']).code).toBe(0);
    const chf = json(['fx', 'list', '--currency', 'CHF']).map((r: { date: string; rate: string }) => `${r.date} ${r.rate}`);
    expect(chf).toEqual(['2026-11-01 1.125', '2026-11-02 1.126']);
  });
});
