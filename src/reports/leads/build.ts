/** Leads created, converted, conversion rate and lead-to-won days, per source, campaign or owner. */
import { mean, ratio, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import type { LeadRow } from './query.js';
import { compareText } from '../collate.js';

export type LeadGroup = 'source' | 'campaign' | 'owner';

export interface LeadLine {
  group: string;
  leads: number;
  converted: number;
  disqualified: number;
  conversion: number | null;
  won: number;
  leadToWonDays: number | null;
}

const DAY_MS = 86_400_000;
const toIso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));
const key = (s: string | null) => (s ?? '').trim().toLowerCase();

/** The rows grouped; `end` is the report's effective end (the as-of instant when earlier). */
export function leadLines(rows: LeadRow[], by: LeadGroup, end: string, campaigns: string[]): LeadLine[] {
  const byName = new Map(campaigns.map((c) => [key(c), c]));
  const groups = new Map<string, { group: string; leads: number; converted: number; disqualified: number; days: number[] }>();
  const endMs = Date.parse(end);
  for (const r of rows) {
    const label = by === 'owner' ? r.owner : by === 'campaign' ? (byName.get(key(r.source)) ?? null) : r.source?.trim() || null;
    const k = key(label);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { group: label ?? '(none)', leads: 0, converted: 0, disqualified: 0, days: [] }));
    g.leads++;
    const converted = toIso(r.convertedAt);
    if (converted && Date.parse(converted) < endMs) g.converted++;
    else if (r.leadStatus === 'disqualified') g.disqualified++;
    const won = toIso(r.wonAt);
    if (converted && won && Date.parse(won) < endMs) g.days.push((Date.parse(won) - Date.parse(toIso(r.createdAt)!)) / DAY_MS);
  }
  return [...groups.values()]
    .map(({ days, ...g }) => ({ ...g, conversion: ratio(g.converted, g.leads), won: days.length, leadToWonDays: mean(days) }))
    .sort((a, b) => (a.group === '(none)' ? 1 : 0) - (b.group === '(none)' ? 1 : 0) || b.leads - a.leads || compareText(a.group, b.group));
}

export const LEAD_FORMULAS = [
  'Leads = contacts created in the window that are leads now or were converted from one (crm lead convert); archived contacts are left out.',
  'Converted = those leads converted by the end of the window; Conversion = converted ÷ leads.',
  'Disqualified = those leads disqualified (crm lead disqualify) and not converted.',
  "Won = converted leads whose deal was won by the end of the window; Lead→won = days from the contact's creation to that win, averaged.",
  'Campaign = the campaign whose name is the contact\'s source (compared trimmed, ignoring case), as campaigns count leads.',
];

export function buildLeads(lines: LeadLine[], p: { scope: ReportScope; by: LeadGroup }): ReportModel {
  const total = { group: 'Total', leads: 0, converted: 0, disqualified: 0, conversion: null as number | null, won: 0, leadToWonDays: null as number | null };
  let daySum = 0;
  for (const l of lines) {
    total.leads += l.leads;
    total.converted += l.converted;
    total.disqualified += l.disqualified;
    total.won += l.won;
    daySum += (l.leadToWonDays ?? 0) * l.won;
  }
  total.conversion = ratio(total.converted, total.leads);
  total.leadToWonDays = total.won ? daySum / total.won : null;
  const label = p.by === 'source' ? 'Source' : p.by === 'campaign' ? 'Campaign' : 'Owner';
  return {
    report: 'leads',
    title: `Leads by ${p.by}`,
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'leads', label: 'Leads created', value: total.leads, format: 'int' },
      { key: 'converted', label: 'Converted', value: total.converted, format: 'int' },
      { key: 'conversion', label: 'Conversion', value: total.conversion, format: 'percent' },
      { key: 'leadToWonDays', label: 'Lead to won', value: total.leadToWonDays, format: 'days' },
    ],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'group', label },
          { key: 'leads', label: 'Leads', format: 'int' },
          { key: 'converted', label: 'Converted', format: 'int' },
          { key: 'conversion', label: 'Conversion', format: 'percent' },
          { key: 'disqualified', label: 'Disqualified', format: 'int' },
          { key: 'won', label: 'Won', format: 'int' },
          { key: 'leadToWonDays', label: 'Lead→won', format: 'days' },
        ],
        rows: lines as unknown as Record<string, unknown>[],
        total,
        chart: 'leads',
        empty: 'No leads were created in this period.',
      },
    ],
    notes: [],
    explain: [`Window: ${describePeriod(p.scope)}.`, ...LEAD_FORMULAS, describeScope(p.scope)].join('\n'),
    data: { groupBy: p.by, rows: lines, total },
  };
}
