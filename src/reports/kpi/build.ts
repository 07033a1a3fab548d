/**
 * The KPI screen a cron job mails: pipeline value, deals won this period vs the previous one,
 * win rate, SLA compliance, overdue tasks, tickets breaching. Readable when piped; --json for
 * dashboards.
 */
import { Money } from '../../domain/money.js';
import type { ClosedTotalsRow, PipelineRow } from './query.js';
import type { Period } from '../../domain/period.js';
import { divRound, MoneySum, ratio, type ReportModel, type SummaryItem } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import { plural } from '../../output/plural.js';

/** SLA figures from the ticket module; `available: false` (with the reason) until it provides them. */
export type SlaKpi =
  | { available: true; compliance: number | null; met: number; breached: number; breaching: number }
  | { available: false; reason: string };

export interface KpiInput {
  pipeline: PipelineRow[];
  current: ClosedTotalsRow[];
  previous: ClosedTotalsRow[];
  previousPeriod: Period;
  trend: { labels: string[]; rows: { bucket: number; currency: string; wonMinor: string }[] };
  overdueTasks: number;
  openTickets: number;
  sla: SlaKpi;
}

function closed(rows: ClosedTotalsRow[]) {
  const value = new MoneySum();
  let won = 0;
  let lost = 0;
  for (const r of rows) {
    won += Number(r.won);
    lost += Number(r.lost);
    value.add(r.currency, r.wonMinor);
  }
  return { won, lost, value: value.bag(), winRate: ratio(won, won + lost) };
}

function deals(n: number): string {
  return plural(n, 'deal');
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

export function buildKpi(input: KpiInput, p: { scope: ReportScope }): ReportModel {
  const raw = new MoneySum();
  const weighted100 = new MoneySum();
  let openDeals = 0;
  for (const r of input.pipeline) {
    openDeals += Number(r.deals);
    raw.add(r.currency, r.rawMinor);
    weighted100.add(r.currency, r.weightedMinorTimes100);
  }
  const weighted = weighted100.bag().map((m) => new Money(divRound(m.minor, 100n), m.currency));
  const cur = closed(input.current);
  const prev = closed(input.previous);
  const prevLabel = input.previousPeriod.label;

  // Trend: won value per month in the main currency (the one with the most won value).
  const byCurrency = new Map<string, number>();
  for (const r of input.trend.rows) byCurrency.set(r.currency, (byCurrency.get(r.currency) ?? 0) + Number(r.wonMinor));
  const trendCurrency = [...byCurrency.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const trend = input.trend.labels.map((_, i) => input.trend.rows.filter((r) => Number(r.bucket) === i && r.currency === trendCurrency).reduce((sum, r) => sum + Number(r.wonMinor), 0) / 100);

  const sla = input.sla;
  const summary: SummaryItem[] = [
    { key: 'pipeline', label: 'Open pipeline', value: raw.bag(), format: 'money', detail: `${plural(openDeals, 'open deal')}; weighted ${weighted.map((m) => m.format()).join(', ') || '0'}` },
    {
      key: 'won',
      label: `Won ${p.scope.period.label}`,
      value: cur.value,
      format: 'money',
      detail: `${deals(cur.won)} (${signed(cur.won - prev.won)} vs ${prev.won} in ${prevLabel}: ${prev.value.map((m) => m.format()).join(', ') || '0'})`,
      trend: trend.length > 1 && trendCurrency ? trend : undefined,
    },
    {
      key: 'winRate',
      label: 'Win rate',
      value: cur.winRate,
      format: 'percent',
      detail: `${cur.won} of ${cur.won + cur.lost} closed; ${prev.winRate === null ? 'no closed deals' : `${(prev.winRate * 100).toFixed(1)}%`} in ${prevLabel}`,
    },
    sla.available
      ? { key: 'slaCompliance', label: 'SLA compliance', value: sla.compliance, format: 'percent', detail: `${sla.met} met, ${sla.breached} breached` }
      : { key: 'slaCompliance', label: 'SLA compliance', value: 'unavailable', detail: sla.reason },
    { key: 'overdueTasks', label: 'Overdue tasks', value: input.overdueTasks, format: 'int' },
    sla.available
      ? { key: 'ticketsBreaching', label: 'Tickets breaching', value: sla.breaching, format: 'int', detail: `${input.openTickets} open tickets` }
      : { key: 'ticketsBreaching', label: 'Tickets breaching', value: 'unavailable', detail: `${input.openTickets} open tickets; ${sla.reason}` },
  ];
  return {
    report: 'kpi',
    title: 'KPIs',
    scope: scopeInfo(p.scope),
    summary,
    tables: [],
    notes: [],
    explain: [
      'Open pipeline = the sum of the amounts of the deals open at the as-of moment (in an open stage, not won or lost), per currency. Weighted = Σ amount × probability ÷ 100 (the deal\'s probability, else its stage\'s), rounded once.',
      `Won = deals whose won_at lies in ${describePeriod(p.scope)}; compared with the previous period of the same length, ${prevLabel} (${input.previousPeriod.start} to ${input.previousPeriod.end}).`,
      'Win rate = won ÷ (won + lost) for deals whose won_at / lost_at lies in the period.',
      'SLA compliance = targets met ÷ (met + missed), over the first-reply, next-reply and resolution targets of the tickets created in the period, from the same SLA clock as crm report sla (crm help sla); a target still running and not yet missed is left out. With --owner/--team: the tickets assigned to those users.',
      'Tickets breaching = tickets not solved or closed at the as-of moment with a target already missed (narrowed to the assignees of --owner/--team).',
      'Overdue tasks = tasks not done at the as-of moment whose due time is before it.',
      'Trend (on a terminal) = won value per month, the last six months, in the main currency.',
      describeScope(p.scope),
    ].join('\n'),
    data: {
      pipeline: { openDeals, value: raw.bag(), weighted },
      won: { deals: cur.won, value: cur.value, previous: { period: prevLabel, deals: prev.won, value: prev.value } },
      winRate: { current: cur.winRate, won: cur.won, lost: cur.lost, previous: prev.winRate },
      sla: sla.available ? { available: true, compliance: sla.compliance, met: sla.met, breached: sla.breached } : { available: false, reason: sla.reason },
      overdueTasks: input.overdueTasks,
      tickets: { open: input.openTickets, breaching: sla.available ? sla.breaching : null },
      trend: { months: input.trend.labels, wonValue: trend, currency: trendCurrency ?? null },
    },
  };
}
