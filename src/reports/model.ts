/**
 * The one intermediate model every report builds: a title, the period and scope it covers, a
 * few headline figures, tables of rows, notes, and the plain-words explanation of its formulas.
 * src/output/report.ts turns it into text (human layout, also when piped), CSV/TSV, or JSON.
 * Builders are pure: (rows from the report's query.ts, params incl. now) → ReportModel.
 */
import { Money } from '../domain/money.js';

/** duration: seconds, shown as 1h 20m. */
/** `quantity`: a line quantity (up to three decimals, as documents store it), never rounded further. */
export type CellFormat = 'text' | 'int' | 'money' | 'percent' | 'days' | 'duration' | 'date' | 'datetime' | 'number' | 'quantity';

export interface ReportColumn {
  /** Key in the row; also the JSON key and CSV header. */
  key: string;
  label: string;
  format?: CellFormat;
  /** On a narrow terminal the highest number is left out first (0: never; default 5). */
  priority?: number;
  /** The narrowest a text column may be cut to before columns are left out. */
  minWidth?: number;
  /** Never cut (implied for every format but text). */
  whole?: boolean;
}

export interface ReportTable {
  /** Stable name (JSON key of the rows when a report has several tables). */
  name: string;
  title?: string;
  columns: ReportColumn[];
  rows: Record<string, unknown>[];
  /** Rows too many to hold, read while they are printed (then `rows` is empty). */
  stream?: RowStream;
  /** A totals row (printed under a rule in text; "total" row in CSV). */
  total?: Record<string, unknown>;
  /** Draw a unicode bar of this column next to each row on a TTY. */
  chart?: string;
  /** Shown in text when the table has no rows. */
  empty?: string;
  /** 'bars': two columns (key, count) drawn as labelled bars — the bars are the content. */
  layout?: 'table' | 'bars';
}

export interface SummaryItem {
  key: string;
  label: string;
  value: unknown;
  format?: CellFormat;
  /** Extra words after the value ("vs 12 in 2026-10"). */
  detail?: string;
  /** A sparkline of recent values, drawn on a TTY. */
  trend?: number[];
}

export interface ReportScopeInfo {
  period: { label: string; start: string; end: string } | null;
  asOf: string;
  timeZone: string;
  owners: string[] | null;
  team: string | null;
}

export interface ReportModel {
  report: string;
  title: string;
  scope: ReportScopeInfo;
  summary: SummaryItem[];
  tables: ReportTable[];
  notes: string[];
  /** The exact formulas and definitions, in plain words (--explain). */
  explain: string;
  /**
   * One rectangular table for CSV, TSV and NDJSON instead of `tables` (e.g. one row per stage and
   * currency), when the tables people read are not the rows a spreadsheet wants.
   */
  flat?: ReportTable;
  /** The JSON body (besides report/title/scope/notes): field names are an API. */
  data: Record<string, unknown>;
  /** Ends what a streamed table reads from (its database snapshot); call it once printed. */
  close?(): Promise<void>;
}

/**
 * A table's rows read batch by batch while they are printed, so a listing of a million rows never
 * holds a million objects: the table's `stream`, and in `data` where the JSON prints the array.
 * Read once; `count` is known before the first row (the figures printed above it need it).
 */
export class RowStream {
  private read = false;

  constructor(
    readonly count: number,
    private readonly source: () => AsyncIterable<Record<string, unknown>[]>,
  ) {}

  batches(): AsyncIterable<Record<string, unknown>[]> {
    if (this.read) throw new Error('the rows of a RowStream are read once');
    this.read = true;
    return this.source();
  }

  /** Every row at once (the text layout measures all rows before printing one). */
  async all(): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for await (const batch of this.batches()) for (const r of batch) rows.push(r);
    return rows;
  }
}

/** Money per currency: a report never adds EUR to USD. */
export type MoneyBag = Money[];

/** Sums of minor units per currency, as bigint, in a stable (alphabetical) order. */
export class MoneySum {
  private readonly byCurrency = new Map<string, bigint>();

  add(currency: string, minor: bigint | number | string | null | undefined): this {
    if (minor === null || minor === undefined) return this;
    const c = currency.toUpperCase();
    this.byCurrency.set(c, (this.byCurrency.get(c) ?? 0n) + BigInt(minor));
    return this;
  }

  addBag(bag: MoneyBag): this {
    for (const m of bag) this.add(m.currency, m.minor);
    return this;
  }

  get(currency: string): bigint {
    return this.byCurrency.get(currency.toUpperCase()) ?? 0n;
  }

  currencies(): string[] {
    return [...this.byCurrency.keys()].sort();
  }

  /** Non-zero sums, one Money per currency (an empty bag reads as 0). */
  bag(): MoneyBag {
    return this.currencies()
      .filter((c) => this.byCurrency.get(c) !== 0n)
      .map((c) => new Money(this.byCurrency.get(c)!, c));
  }

  isEmpty(): boolean {
    return this.byCurrency.size === 0;
  }
}

/** a / b as a ratio, or null when b is 0 (shown as "—", never as 0% or NaN). */
export function ratio(a: number | bigint, b: number | bigint): number | null {
  const d = Number(b);
  if (d === 0) return null;
  return Number(a) / d;
}

/** Integer division of bigints rounded half away from zero. */
export function divRound(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('division by zero');
  const negative = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  const q = (x * 2n + y) / (2n * y);
  return negative ? -q : q;
}

export function mean(values: number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** The median (mean of the two middle values for an even count). */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
