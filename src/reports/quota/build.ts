/** Quota attainment per owner: won value in the period ÷ the owner's quota for that period. */
import { Money } from '../../domain/money.js';
import type { WonByOwnerRow } from './query.js';
import { ratio, type ReportModel } from '../model.js';
import type { OwnerQuota } from '../quota-periods.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import { compareText } from '../collate.js';

export interface QuotaLine {
  owner: string;
  currency: string;
  quota: Money | null;
  quotaPeriods: string[];
  won: Money;
  wonDeals: number;
  attainment: number | null;
  remaining: Money | null;
}

export function quotaLines(won: WonByOwnerRow[], quotas: OwnerQuota[]): QuotaLine[] {
  const lines = new Map<string, QuotaLine>();
  const key = (owner: string, currency: string) => `${owner}\u0000${currency}`;
  for (const q of quotas) {
    lines.set(key(q.owner, q.currency), { owner: q.owner, currency: q.currency, quota: new Money(q.amountMinor, q.currency), quotaPeriods: q.from, won: new Money(0n, q.currency), wonDeals: 0, attainment: null, remaining: null });
  }
  for (const w of won) {
    const owner = w.owner ?? '(none)';
    const k = key(owner, w.currency);
    let l = lines.get(k);
    if (!l) lines.set(k, (l = { owner, currency: w.currency, quota: null, quotaPeriods: [], won: new Money(0n, w.currency), wonDeals: 0, attainment: null, remaining: null }));
    l.won = new Money(l.won.minor + BigInt(w.wonMinor), w.currency);
    l.wonDeals += Number(w.deals);
  }
  for (const l of lines.values()) {
    if (l.quota && l.quota.minor > 0n) {
      l.attainment = ratio(l.won.minor, l.quota.minor);
      const rest = l.quota.minor - l.won.minor;
      l.remaining = new Money(rest > 0n ? rest : 0n, l.currency);
    }
  }
  return [...lines.values()].sort((a, b) => (b.attainment ?? -1) - (a.attainment ?? -1) || compareText(a.owner, b.owner));
}

export function buildQuota(won: WonByOwnerRow[], quotas: OwnerQuota[], p: { scope: ReportScope }): ReportModel {
  const rows = quotaLines(won, quotas);
  const withQuota = rows.filter((r) => r.quota);
  const notes: string[] = [];
  const missing = rows.filter((r) => !r.quota).map((r) => r.owner);
  if (missing.length) notes.push(`No ${p.scope.period.label} quota for: ${[...new Set(missing)].join(', ')} (set one with: crm quota set OWNER ${p.scope.period.label} AMOUNT).`);
  if (rows.length === 0) notes.push(`No quotas for ${p.scope.period.label}: crm quota set OWNER ${p.scope.period.label} AMOUNT --currency EUR`);
  return {
    report: 'quota',
    title: 'Quota attainment',
    scope: scopeInfo(p.scope),
    summary: [],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'owner', label: 'Owner' },
          { key: 'quota', label: 'Quota', format: 'money' },
          { key: 'won', label: 'Won', format: 'money' },
          { key: 'wonDeals', label: 'Deals', format: 'int' },
          { key: 'attainment', label: 'Attainment', format: 'percent' },
          { key: 'remaining', label: 'Remaining', format: 'money' },
        ],
        rows: rows as unknown as Record<string, unknown>[],
        chart: 'attainment',
        empty: 'No quotas and no won deals in this period.',
      },
    ],
    notes,
    explain: [
      'Attainment = won value ÷ quota, per owner and currency.',
      `Won value = the sum of the amounts of the owner's deals whose won_at lies in ${describePeriod(p.scope)}.`,
      `Quota = the owner's quota for ${p.scope.period.label}; when none is set for exactly that period, the sum of the quotas of the periods it is made of (a quarter's three months; a year's four quarters, else its twelve months).`,
      'Remaining = quota − won value, never below zero. Owners with won deals but no quota are listed without attainment.',
      describeScope(p.scope),
    ].join('\n'),
    data: { rows, withQuota: withQuota.length },
  };
}
