/**
 * --in CUR for every money report, in one place. The engine resolves the target currency and
 * loads the rates into scope.fx (src/domain/fx.ts FxConverter); a money report's query adds
 * fxColumns/fxGroupBy (src/reports/query.ts) to its aggregate, so each row is the sum over deals of ONE amount and close
 * date — and convertDealRows turns every money sum of such a row into the target currency at that
 * date. A sum S of a row is a multiple of its one amount A (Σ A, Σ A × probability, Σ A when won…),
 * so S / A × convert(A) is exactly the sum of the per-deal conversions, each rounded once.
 * Without --in all three are no-ops and the queries stay as they were.
 */
import { zonedDay } from '../db/filter.js';
import { Money } from '../domain/money.js';
import type { ReportScope } from './scope.js';

export interface FxDealColumns {
  fxMinor?: unknown;
  fxWonAt?: string | null;
  fxLostAt?: string | null;
  fxClose?: string | null;
}

/** A deal's conversion day: won or lost date, else expected close date, else the as-of day. */
export function dealFxDay(row: FxDealColumns, scope: ReportScope): string {
  const closed = row.fxWonAt ?? row.fxLostAt;
  if (closed) return zonedDay(closed, scope.timeZone);
  if (row.fxClose) return String(row.fxClose).slice(0, 10);
  return zonedDay(scope.asOf, scope.timeZone);
}

/**
 * Rows of a query with fxColumns → the same rows with `fields` (money sums, as text or numbers)
 * and `currencyField` in the target currency; the fx columns dropped. Without --in: the rows.
 * A missing rate is the converter's one-line error naming the currency and the date.
 */
export function convertDealRows<R extends object>(scope: ReportScope, rows: R[], fields: (keyof R)[], currencyField: keyof R = 'currency' as keyof R): R[] {
  const fx = scope.fx;
  if (!fx) return rows;
  return rows.map((row) => {
    const r = row as R & FxDealColumns & Record<string, unknown>;
    const amount = BigInt(String(r.fxMinor ?? 0));
    const out: Record<string, unknown> = { ...r };
    const currency = String(r[currencyField as string]);
    const converted = amount === 0n ? 0n : fx.convert(amount, currency, dealFxDay(r, scope));
    for (const f of fields) {
      const sum = BigInt(String(r[f as string] ?? 0).replace(/\..*$/, ''));
      out[f as string] = amount === 0n ? '0' : String((sum / amount) * converted);
    }
    out[currencyField as string] = fx.target;
    delete out.fxMinor;
    delete out.fxWonAt;
    delete out.fxLostAt;
    delete out.fxClose;
    return out as R;
  });
}

/** The last day of the scope's period (its exclusive end minus an instant), in the zone: a quota's conversion day. */
export function periodLastDay(scope: ReportScope): string {
  return zonedDay(new Date(Date.parse(scope.period.end) - 1).toISOString(), scope.timeZone);
}

/**
 * Quotas in the target currency (converted at the period's last day, capped at the as-of day by
 * the converter), one per owner: quotas of one owner in several currencies add up once converted.
 */
export function convertQuotas<Q extends { ownerId: number; currency: string; amountMinor: bigint; from: string[] }>(scope: ReportScope, quotas: Q[]): Q[] {
  const fx = scope.fx;
  if (!fx) return quotas;
  const day = periodLastDay(scope);
  const byOwner = new Map<number, Q>();
  for (const q of quotas) {
    const amount = fx.convert(q.amountMinor, q.currency, day);
    const seen = byOwner.get(q.ownerId);
    if (seen) byOwner.set(q.ownerId, { ...seen, amountMinor: seen.amountMinor + amount, from: [...new Set([...seen.from, ...q.from])].sort() });
    else byOwner.set(q.ownerId, { ...q, currency: fx.target, amountMinor: amount });
  }
  return [...byOwner.values()];
}

/**
 * Campaigns with cost, budget and a revenue goal in the target currency, converted at the
 * campaign's end date (else the period's last day) — so ROI compares converted won value with
 * converted cost.
 */
export function convertCampaigns<C extends { currency: string | null; budget: Money | null; cost: Money | null; endDate: string | null; goal: { kind: string; target: Money | number } | null }>(scope: ReportScope, campaigns: C[]): C[] {
  const fx = scope.fx;
  if (!fx) return campaigns;
  const fallback = periodLastDay(scope);
  return campaigns.map((c) => {
    const day = c.endDate ?? fallback;
    const conv = (m: Money | null) => (m ? fx.convertMoney(m, day) : null);
    const goal = c.goal && c.goal.target instanceof Money ? { ...c.goal, target: fx.convertMoney(c.goal.target, day) } : c.goal;
    return { ...c, currency: fx.target, budget: conv(c.budget), cost: conv(c.cost), goal };
  });
}
