/**
 * Which quota rows apply to a report period. Quotas are set per owner for a month (2026-11),
 * a quarter (2026-Q4) or a year (2026). A period uses its own quota when one is set; otherwise
 * the sum of the quotas of the periods it is made of (a quarter = its three months; a year = its
 * four quarters, else its twelve months).
 */
import type { QuotaRow } from './quota/query.js';
import { compareText } from './collate.js';

export function quotaCandidates(label: string): string[][] {
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-Q([1-4])$/.exec(label))) {
    const y = m[1]!, q = Number(m[2]);
    return [[label], [0, 1, 2].map((i) => `${y}-${String((q - 1) * 3 + 1 + i).padStart(2, '0')}`)];
  }
  if ((m = /^(\d{4})$/.exec(label))) {
    const y = m[1]!;
    return [[label], [1, 2, 3, 4].map((q) => `${y}-Q${q}`), Array.from({ length: 12 }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}`)];
  }
  return [[label]];
}

export function allCandidateLabels(label: string): string[] {
  return quotaCandidates(label).flat();
}

export interface OwnerQuota {
  ownerId: number;
  owner: string;
  currency: string;
  amountMinor: bigint;
  /** The quota periods summed ("2026-Q4", or "2026-10+2026-11+2026-12"). */
  from: string[];
}

/** Per owner and currency: the quota that applies to `label` (the first level with any rows). */
export function applicableQuotas(rows: QuotaRow[], label: string): OwnerQuota[] {
  const levels = quotaCandidates(label);
  const out: OwnerQuota[] = [];
  const byOwner = new Map<string, QuotaRow[]>();
  for (const r of rows) {
    const k = `${r.ownerId}\u0000${r.currency}`;
    byOwner.set(k, [...(byOwner.get(k) ?? []), r]);
  }
  for (const list of byOwner.values()) {
    for (const level of levels) {
      const hit = list.filter((r) => level.includes(r.period));
      if (hit.length === 0) continue;
      out.push({
        ownerId: hit[0]!.ownerId,
        owner: hit[0]!.owner,
        currency: hit[0]!.currency,
        amountMinor: hit.reduce((s, r) => s + BigInt(r.amountMinor), 0n),
        from: hit.map((r) => r.period).sort(),
      });
      break;
    }
  }
  return out.sort((a, b) => compareText(a.owner, b.owner) || compareText(a.currency, b.currency));
}
