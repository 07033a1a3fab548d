/**
 * Exchange rates and the one conversion every report uses (issue #19 item 7).
 *
 * A rate row says "1 base = rate quote" from its day on, until a later row of the same pair.
 * Converting an amount dated D (a deal's close date, …) into a target currency uses the most
 * recent rate on or before D of the pair (currency → target) or of the reverse pair (target →
 * currency, inverted) — the more recent of the two, the direct one on a tie. No rate on or before
 * D is an error naming the currency and the date: amounts of different currencies are never
 * mixed silently. The conversion is exact, then rounded half-up once per amount to the target
 * currency's minor unit (src/domain/money.ts convertMinor).
 */
import { recordAudit } from '../db/audit.js';
import { writeTransaction } from '../db/transaction.js';
import { UserError } from '../errors.js';
import { inputDigits } from './digits.js';
import { convertMinor, formatRate, isCurrencyCode, Money, parseRate, type ExactRate } from './money.js';
import { authorize } from './permissions.js';
import { canonicalDay } from './period.js';
import { nowIso, type Session } from './session.js';

export interface FxRateRecord {
  id: number;
  base: string;
  quote: string;
  /** YYYY-MM-DD */
  date: string;
  /** Decimal text: 1 base = rate quote. */
  rate: string;
  source: string | null;
}

export type FxWriteOutcome = 'created' | 'updated' | 'unchanged';

const RATE_HINT = 'Add one: crm fx set EUR USD 1.0832 --date 2026-11-30 (or import a file: crm fx import rates.csv)';

function currencyOf(text: string, what: string): string {
  const c = text.trim().toUpperCase();
  if (!isCurrencyCode(c)) throw new UserError(`${what} "${text}" is not a currency.`, 'Use an ISO 4217 code such as EUR, USD, JPY or GBP.', 'invalid_currency');
  return c;
}

/** A rate as the user gave it, validated: currencies, a positive decimal, a day. */
export interface FxRateInput {
  base: string;
  quote: string;
  rate: string;
  date: string;
  /** The line of the rates file it came from (named in errors). */
  line?: number;
}

export function validateRate(input: FxRateInput): { base: string; quote: string; rate: string; day: string } {
  const base = currencyOf(input.base, 'The base currency');
  const quote = currencyOf(input.quote, 'The quote currency');
  if (base === quote) throw new UserError(`A rate converts between two currencies, not ${base} to itself.`, 'crm fx set EUR USD 1.0832 --date 2026-11-30');
  return { base, quote, rate: formatRate(parseRate(input.rate)), day: canonicalDay(input.date, 'The rate date') };
}

function toRecord(r: { id: number; base: string; quote: string; day: string; rate: string; source: string | null }): FxRateRecord {
  return { id: Number(r.id), base: r.base, quote: r.quote, date: r.day, rate: r.rate, source: r.source };
}

export interface FxWriteResult {
  rate: FxRateRecord;
  outcome: FxWriteOutcome;
  /** The rate it replaced (outcome updated). */
  replaced?: string;
}

/**
 * Store rates (one write transaction). A rate equal to the stored one of its pair and day changes
 * nothing. A different one replaces it only with `replace` (crm fx set, crm fx import --replace);
 * otherwise nothing is stored and the error names the first such rate (and its file line).
 */
export async function writeRates(s: Session, inputs: FxRateInput[], source: string | null = null, opts: { replace: boolean } = { replace: true }): Promise<FxWriteResult[]> {
  await authorize(s, 'fx.write');
  const valid = inputs.map((input) => ({ ...validateRate(input), line: input.line }));
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const find = (v: (typeof valid)[number]) => trx.selectFrom('fx_rates').selectAll().where('base', '=', v.base).where('quote', '=', v.quote).where('day', '=', v.day).executeTakeFirst();
    const stored: Awaited<ReturnType<typeof find>>[] = [];
    for (const v of valid) stored.push(await find(v));
    if (!opts.replace) {
      const clashes = valid.flatMap((v, i) => (stored[i] && stored[i].rate !== v.rate ? [{ v, was: stored[i].rate }] : []));
      if (clashes.length) {
        const { v, was } = clashes[0]!;
        const more = clashes.length > 1 ? ` (and ${clashes.length - 1} more)` : '';
        throw new UserError(
          `${v.line !== undefined ? `Line ${v.line} of the rates file: ` : ''}${v.base}→${v.quote} on ${v.day} is already stored as ${was}, not ${v.rate}${more}; nothing was imported.`,
          'Replace the stored rates with --replace (each is reported), or correct the file.',
          'rate_exists',
        );
      }
    }
    const out: FxWriteResult[] = [];
    for (const [i, v] of valid.entries()) {
      const existing = stored[i];
      if (existing && existing.rate === v.rate) {
        out.push({ rate: toRecord(existing), outcome: 'unchanged' });
      } else if (existing) {
        await trx.updateTable('fx_rates').set({ rate: v.rate, source, updated_at: at }).where('id', '=', existing.id).execute();
        await recordAudit(trx, { entity: 'fx_rate', entityId: Number(existing.id), action: 'update', changes: { rate: [existing.rate, v.rate] }, actor: s.actor, at });
        out.push({ rate: toRecord({ ...existing, rate: v.rate, source }), outcome: 'updated', replaced: existing.rate });
      } else {
        const row = await trx.insertInto('fx_rates').values({ base: v.base, quote: v.quote, day: v.day, rate: v.rate, source, created_at: at, updated_at: at }).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, { entity: 'fx_rate', entityId: Number(row.id), action: 'create', changes: { base: [null, v.base], quote: [null, v.quote], date: [null, v.day], rate: [null, v.rate] }, actor: s.actor, at });
        out.push({ rate: toRecord(row), outcome: 'created' });
      }
    }
    return out;
  });
}

export const FX_CSV_COLUMNS = 'date,base,quote,rate';

/**
 * The rows of a rates file (its header, then rows numbered as a spreadsheet shows them, the header
 * being row 1): columns date, base, quote and rate (also from/to for base/quote), in any order, one
 * rate per row. Every row is checked before anything is stored — an error names the line — and a
 * pair and day given twice is refused, naming both lines.
 */
export function ratesFromTable(header: string[], rows: Iterable<{ row: number; cells: string[] }>): FxRateInput[] {
  const names = header.map((h) => h.trim().toLowerCase());
  const col = (...wanted: string[]) => names.findIndex((h) => wanted.includes(h));
  const at = { date: col('date', 'day'), base: col('base', 'from'), quote: col('quote', 'to'), rate: col('rate') };
  const missing = Object.entries(at).filter(([, i]) => i < 0).map(([k]) => k);
  if (missing.length) throw new UserError(`The rates file has no ${missing.join(', ')} column.`, `Its first line names the columns: ${FX_CSV_COLUMNS}`, 'invalid_file');
  const inputs: FxRateInput[] = [];
  const seen = new Map<string, { line: number; rate: string }>();
  for (const { row, cells } of rows) {
    if (cells.every((c) => c.trim() === '')) continue;
    // Every column is a value (a day, a code, a rate): Persian digits read as ASCII, as an imported cell's.
    const cell = (k: keyof typeof at) => inputDigits(cells[at[k]] ?? '');
    const input = { date: cell('date'), base: cell('base'), quote: cell('quote'), rate: cell('rate'), line: row };
    let v: ReturnType<typeof validateRate>;
    try {
      v = validateRate(input);
    } catch (e) {
      if (e instanceof Error) throw new UserError(`Line ${row} of the rates file: ${e.message}`, `Each line: ${FX_CSV_COLUMNS}, e.g. 2026-11-30,EUR,USD,1.0832`, 'invalid_file');
      throw e;
    }
    const key = `${v.base}>${v.quote}@${v.day}`;
    const first = seen.get(key);
    if (first) {
      const rates = first.rate === v.rate ? `both ${v.rate}` : `${first.rate} and ${v.rate}`;
      throw new UserError(`Lines ${first.line} and ${row} of the rates file both give ${v.base}→${v.quote} on ${v.day} (${rates}); nothing was imported.`, 'Keep one rate per pair and day.', 'duplicate_rate');
    }
    seen.set(key, { line: row, rate: v.rate });
    inputs.push(input);
  }
  return inputs;
}

export async function listRates(s: Session, opts: { currency?: string } = {}): Promise<FxRateRecord[]> {
  let q = s.db.kysely.selectFrom('fx_rates').selectAll();
  if (opts.currency) {
    const c = currencyOf(opts.currency, 'The currency');
    q = q.where((eb) => eb.or([eb('base', '=', c), eb('quote', '=', c)]));
  }
  return (await q.orderBy('base').orderBy('quote').orderBy('day').execute()).map(toRecord);
}

/** One rate a conversion used, for --explain. */
export interface FxRateUse {
  from: string;
  to: string;
  /** The day of the stored rate. */
  rateDate: string;
  /** The stored pair's rate (of to → from when inverse). */
  rate: string;
  inverse: boolean;
  /** How many amounts it converted. */
  amounts: number;
}

interface PairRates {
  days: string[];
  rates: { text: string; exact: ExactRate }[];
}

/**
 * Converts amounts into one target currency at their dates, from rates loaded once. Pure: no
 * database, no clock; it remembers which rates it used (uses()) for the explanation.
 */
export class FxConverter {
  private readonly pairs = new Map<string, PairRates>();
  private readonly used = new Map<string, FxRateUse>();

  /**
   * @param latestDay rates dated after this day are not used (a report as of an earlier moment
   *   cannot know them), and amounts dated after it convert at the rate of this day.
   */
  constructor(
    readonly target: string,
    rows: { base: string; quote: string; day: string; rate: string }[],
    readonly latestDay: string,
  ) {
    const sorted = [...rows].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    for (const r of sorted) {
      if (r.day > latestDay) continue;
      const key = `${r.base}>${r.quote}`;
      const p = this.pairs.get(key) ?? { days: [], rates: [] };
      p.days.push(r.day);
      p.rates.push({ text: r.rate, exact: parseRate(r.rate) });
      this.pairs.set(key, p);
    }
  }

  /** The most recent rate of a pair on or before `day` (binary search), or null. */
  private latest(base: string, quote: string, day: string): { day: string; text: string; exact: ExactRate } | null {
    const p = this.pairs.get(`${base}>${quote}`);
    if (!p) return null;
    let lo = 0;
    let hi = p.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p.days[mid]! <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : { day: p.days[lo - 1]!, ...p.rates[lo - 1]! };
  }

  /** `minor` units of `currency`, dated `day` (YYYY-MM-DD), in minor units of the target. */
  convert(minor: bigint, currency: string, day: string): bigint {
    const from = currency.toUpperCase();
    if (from === this.target) return minor;
    const on = day > this.latestDay ? this.latestDay : day;
    const direct = this.latest(from, this.target, on);
    const reverse = this.latest(this.target, from, on);
    const inverse = reverse !== null && (direct === null || reverse.day > direct.day);
    const hit = inverse ? reverse : direct;
    if (!hit) {
      throw new UserError(`No exchange rate from ${from} to ${this.target} on or before ${on}.`, RATE_HINT.replace('EUR USD 1.0832 --date 2026-11-30', `${from} ${this.target} RATE --date ${on}`), 'missing_rate');
    }
    const key = `${from}>${this.target}@${hit.day}${inverse ? '~' : ''}`;
    const use = this.used.get(key) ?? { from, to: this.target, rateDate: hit.day, rate: hit.text, inverse, amounts: 0 };
    use.amounts++;
    this.used.set(key, use);
    return convertMinor(minor, from, this.target, hit.exact, inverse);
  }

  convertMoney(m: Money, day: string): Money {
    return new Money(this.convert(m.minor, m.currency, day), this.target);
  }

  /** The rates used so far, by pair and date. */
  uses(): FxRateUse[] {
    return [...this.used.values()].sort((a, b) => a.from.localeCompare(b.from) || a.rateDate.localeCompare(b.rateDate));
  }

  /** The --explain lines: the rule (for a report's amounts, or one amount), then every rate used. */
  explain(of: 'report' | 'amount' = 'report'): string {
    const lines =
      of === 'report'
        ? [
            `Amounts converted to ${this.target}: each at the most recent rate on or before its own date (a deal's close date:`,
            `won or lost date, else its expected close date; a quota's period end; a campaign's end; at most the as-of day`,
            `${this.latestDay}), exactly, then rounded half-up to the ${this.target} minor unit once per amount; sums add the rounded amounts.`,
            `When only the reverse pair is stored, its inverse is used (1 / rate).`,
          ]
        : [
            `Converted to ${this.target} at the most recent rate on or before the date, exactly, then rounded half-up to the`,
            `${this.target} minor unit. When only the reverse pair is stored, its inverse is used (1 / rate).`,
          ];
    const uses = this.uses();
    if (uses.length === 0) lines.push('Rates used: none (every amount was already in ' + this.target + ').');
    else {
      lines.push('Rates used:');
      for (const u of uses) {
        lines.push(
          u.inverse
            ? `  1 ${u.from} = 1 / ${u.rate} ${u.to}  (inverse of the stored ${u.to}→${u.from} rate of ${u.rateDate}; ${u.amounts} amount${u.amounts === 1 ? '' : 's'})`
            : `  1 ${u.from} = ${u.rate} ${u.to}  (rate of ${u.rateDate}; ${u.amounts} amount${u.amounts === 1 ? '' : 's'})`,
        );
      }
    }
    return lines.join('\n');
  }
}

/** Load every stored rate into a converter to `target` (a currency code, checked). */
export async function loadFxConverter(s: Session, target: string, latestDay: string): Promise<FxConverter> {
  const code = currencyOf(target, '--in');
  const rows = await s.db.kysely.selectFrom('fx_rates').select(['base', 'quote', 'day', 'rate']).where((eb) => eb.or([eb('base', '=', code), eb('quote', '=', code)])).execute();
  return new FxConverter(code, rows, latestDay);
}
