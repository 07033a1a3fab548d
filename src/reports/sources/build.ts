/**
 * Lead sources and campaigns: leads, conversion to customers, deals won, won value; for
 * campaigns also cost per lead, ROI = (won value − cost) ÷ cost, and progress toward the goal.
 */
import { Money } from '../../domain/money.js';
import type { CampaignRecord } from '../../domain/campaigns.js';
import type { LeadsRow, WonRow } from './query.js';
import { divRound, MoneySum, ratio, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import { compareText } from '../collate.js';

export interface SourceLine {
  source: string;
  leads: number;
  customers: number;
  conversion: number | null;
  dealsWon: number;
  wonValue: Money[];
}

export interface CampaignLine extends Omit<SourceLine, 'source'> {
  id: number;
  campaign: string;
  channel: string | null;
  cost: Money | null;
  costPerLead: Money | null;
  roi: number | null;
  goal: string | null;
  goalProgress: number | null;
}

const norm = (s: string | null) => (s ?? '').trim().toLowerCase();

export function sourceLines(leads: LeadsRow[], won: WonRow[]): SourceLine[] {
  const lines = new Map<string, SourceLine & { value: MoneySum }>();
  const line = (key: string | null, label: string | null) => {
    const k = key ?? '';
    let l = lines.get(k);
    if (!l) lines.set(k, (l = { source: label?.trim() || '(none)', leads: 0, customers: 0, conversion: null, dealsWon: 0, wonValue: [], value: new MoneySum() }));
    return l;
  };
  for (const r of leads) {
    const l = line(r.key === null ? null : String(r.key), r.label);
    l.leads += Number(r.leads);
    l.customers += Number(r.customers);
  }
  for (const r of won) {
    const l = line(r.key === null ? null : String(r.key), r.label);
    l.dealsWon += Number(r.deals);
    l.value.add(r.currency, r.wonMinor);
  }
  return [...lines.values()]
    .map(({ value, ...l }) => ({ ...l, conversion: ratio(l.customers, l.leads), wonValue: value.bag() }))
    .sort((a, b) => (a.source === '(none)' ? 1 : 0) - (b.source === '(none)' ? 1 : 0) || b.leads - a.leads || b.dealsWon - a.dealsWon || compareText(a.source, b.source));
}

export function campaignLines(campaigns: CampaignRecord[], leads: LeadsRow[], won: WonRow[]): CampaignLine[] {
  const leadsByKey = new Map(leads.map((r) => [norm(r.key === null ? null : String(r.key)), r]));
  return campaigns.map((c) => {
    const l = leadsByKey.get(norm(c.name));
    const value = new MoneySum();
    let dealsWon = 0;
    for (const w of won) {
      if (Number(w.key) !== c.id) continue;
      dealsWon += Number(w.deals);
      value.add(w.currency, w.wonMinor);
    }
    const leadCount = Number(l?.leads ?? 0);
    const customers = Number(l?.customers ?? 0);
    const currency = c.currency ?? 'USD';
    const cost = c.cost;
    const wonInCurrency = value.get(currency);
    const roi = cost && cost.minor > 0n ? Number(wonInCurrency - cost.minor) / Number(cost.minor) : null;
    let goalProgress: number | null = null;
    let goal: string | null = null;
    if (c.goal) {
      const target = c.goal.target;
      goal = target instanceof Money ? `${target.format()} won` : `${target} ${c.goal.kind}`;
      const actual = c.goal.kind === 'leads' ? leadCount : c.goal.kind === 'customers' ? customers : c.goal.kind === 'deals' ? dealsWon : Number(wonInCurrency);
      goalProgress = ratio(actual, target instanceof Money ? target.minor : target);
    }
    return {
      id: c.id,
      campaign: c.name,
      channel: c.channel,
      leads: leadCount,
      customers,
      conversion: ratio(customers, leadCount),
      dealsWon,
      wonValue: value.bag(),
      cost,
      costPerLead: cost && leadCount > 0 ? new Money(divRound(cost.minor, BigInt(leadCount)), currency) : null,
      roi,
      goal,
      goalProgress,
    };
  });
}

export const CAMPAIGN_FORMULAS = [
  'Leads = contacts created in the window whose source names the campaign (compared trimmed, ignoring case): crm contact add … --source "CAMPAIGN".',
  'Customers = those leads whose lifecycle is customer now; Conversion = customers ÷ leads.',
  'Deals won / Won value = deals linked to the campaign (crm deal add … --campaign) whose won_at lies in the window; value summed per currency.',
  'Cost = the campaign\'s recorded cost (the whole campaign, not prorated to the window). Cost per lead = cost ÷ leads.',
  'ROI = (won value − cost) ÷ cost, in the campaign\'s currency (won value in other currencies is not converted and not counted). −100% means nothing was won back; 0% means break-even.',
  'Goal progress = leads, customers, deals won or won value (whichever the goal counts) ÷ the goal.',
];

export function buildSources(lines: SourceLine[], p: { scope: ReportScope }): ReportModel {
  const total = { source: 'Total', leads: 0, customers: 0, conversion: null as number | null, dealsWon: 0, wonValue: [] as Money[] };
  const value = new MoneySum();
  for (const l of lines) {
    total.leads += l.leads;
    total.customers += l.customers;
    total.dealsWon += l.dealsWon;
    value.addBag(l.wonValue);
  }
  total.conversion = ratio(total.customers, total.leads);
  total.wonValue = value.bag();
  return {
    report: 'sources',
    title: 'Lead sources',
    scope: scopeInfo(p.scope),
    summary: [],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'source', label: 'Source' },
          { key: 'leads', label: 'Leads', format: 'int' },
          { key: 'customers', label: 'Customers', format: 'int' },
          { key: 'conversion', label: 'Conversion', format: 'percent' },
          { key: 'dealsWon', label: 'Deals won', format: 'int' },
          { key: 'wonValue', label: 'Won value', format: 'money' },
        ],
        rows: lines as unknown as Record<string, unknown>[],
        total,
        chart: 'leads',
        empty: 'No new contacts and no won deals in this period.',
      },
    ],
    notes: [],
    explain: [
      `Window: ${describePeriod(p.scope)}.`,
      'Leads = contacts created in the window, by their source ("how did they hear about us"), compared trimmed and ignoring case; "(none)" when empty.',
      'Customers = those leads whose lifecycle is customer now; Conversion = customers ÷ leads.',
      "Deals won / Won value = deals whose won_at lies in the window, by the deal's own source field; value summed per currency.",
      'For cost per lead and ROI per campaign: crm report sources --by campaign.',
      describeScope(p.scope),
    ].join('\n'),
    data: { groupBy: 'source', rows: lines, total },
  };
}

export function buildCampaigns(lines: CampaignLine[], p: { scope: ReportScope }): ReportModel {
  return {
    report: 'sources',
    title: 'Campaigns',
    scope: scopeInfo(p.scope),
    summary: [],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'campaign', label: 'Campaign' },
          { key: 'leads', label: 'Leads', format: 'int' },
          { key: 'conversion', label: 'Conversion', format: 'percent' },
          { key: 'dealsWon', label: 'Won', format: 'int' },
          { key: 'wonValue', label: 'Won value', format: 'money' },
          { key: 'cost', label: 'Cost', format: 'money' },
          { key: 'costPerLead', label: 'Cost/lead', format: 'money' },
          { key: 'roi', label: 'ROI', format: 'percent' },
          { key: 'goalProgress', label: '% of goal', format: 'percent' },
        ],
        rows: lines as unknown as Record<string, unknown>[],
        chart: 'goalProgress',
        empty: 'No campaigns yet: crm campaign add "NAME" --cost "1200 EUR" --goal "200 leads"',
      },
    ],
    notes: [],
    explain: [`Window: ${describePeriod(p.scope)}.`, ...CAMPAIGN_FORMULAS, describeScope(p.scope)].join('\n'),
    data: { groupBy: 'campaign', rows: lines },
  };
}
