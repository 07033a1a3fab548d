/**
 * The SLA report: per group, achieved / breached counts and compliance per metric, and mean and
 * median first-reply and resolution times in business and calendar time. Pure: tickets with
 * their event logs, the policies and `asOf` in, a model out. Everything is recomputed from the
 * events at or before `asOf`, so `--as-of T` prints what the report printed at T.
 */
import type { StreamedTicket, TicketStream } from '../../db/tickets.js';
import type { MetricClock, SlaResult } from '../../domain/sla/clock.js';
import { METRICS, type Metric } from '../../domain/sla/targets.js';
import { attributesAt, slaOfRaw, type SlaContext } from '../../domain/ticket-sla.js';
import { formatDuration } from '../../output/format.js';
import type { ReportModel, ReportTable } from '../model.js';
import { describePeriod, scopeInfo, scopeOwners, type ReportScope } from '../scope.js';

export const SLA_GROUPINGS = ['priority', 'assignee', 'category', 'channel'] as const;
export type SlaGrouping = (typeof SLA_GROUPINGS)[number];

export interface MetricStats {
  achieved: number;
  breached: number;
  /** Running, not yet due (or paused): not counted in compliance. */
  inProgress: number;
  /** achieved / (achieved + breached), in percent with one decimal; null when nothing was decided. */
  compliance: number | null;
}

export interface TimeStats {
  count: number;
  meanBusinessSeconds: number | null;
  medianBusinessSeconds: number | null;
  meanCalendarSeconds: number | null;
  medianCalendarSeconds: number | null;
}

export interface SlaGroup {
  key: string | null;
  tickets: number;
  firstReply: MetricStats;
  nextReply: MetricStats;
  resolution: MetricStats;
  firstReplyTime: TimeStats;
  resolutionTime: TimeStats;
}

export interface SlaReport {
  period: { from: string; to: string; label: string };
  asOf: string;
  by: SlaGrouping | null;
  tickets: number;
  breaches: number;
  groups: SlaGroup[];
  total: SlaGroup;
}

export const SLA_REPORT_EXPLAIN = `How the SLA report is computed
  Tickets: created in the period (and by --as-of). Every number is recomputed from the tickets'
  event logs up to --as-of (default: now), so --as-of T prints what the report printed at T.
  Per ticket and metric the SLA clock (crm help sla) gives achieved, breached, or in progress:
    first reply  creation → first public agent reply (internal notes never count)
    next reply   oldest unanswered requester message → next public reply; a ticket counts as
                 breached if any of its cycles breached, achieved if all measured cycles met
    resolution   creation → solved, excluding time pending or on hold; reopening resumes it
  A running metric already past its target counts as breached; one still within it is in
  progress and left out of compliance. Metrics without a target for the ticket's priority
  under its policy are not counted.
  compliance = achieved / (achieved + breached)
  First-reply time: tickets with a public reply; business = seconds inside the policy calendar's
  business hours, calendar = wall-clock seconds. Resolution time: tickets solved as of --as-of;
  business excludes pending / on-hold time, calendar is creation → solved on the wall clock.
  Mean and median over those tickets. Groups (--by) use the priority and assignee the ticket had
  at --as-of, and its current category and channel.`;

/** Counts and times of one group: what a worker thread hands back (plain data) and what merges. */
export class Acc {
  tickets = 0;
  metrics: Record<Metric, { achieved: number; breached: number; inProgress: number }> = {
    firstReply: { achieved: 0, breached: 0, inProgress: 0 },
    nextReply: { achieved: 0, breached: 0, inProgress: 0 },
    resolution: { achieved: 0, breached: 0, inProgress: 0 },
  };
  frBusiness: number[] = [];
  frCalendar: number[] = [];
  resBusiness: number[] = [];
  resCalendar: number[] = [];

  add(r: SlaResult<number>): void {
    this.tickets++;
    for (const m of METRICS) {
      const c: MetricClock<number> | null = r[m];
      if (!c) continue;
      if (c.state === 'breached') this.metrics[m].breached++;
      else if (c.state === 'achieved') this.metrics[m].achieved++;
      else this.metrics[m].inProgress++;
    }
    if (r.firstReplyTime) {
      this.frBusiness.push(r.firstReplyTime.businessSeconds);
      this.frCalendar.push(r.firstReplyTime.calendarSeconds);
    }
    if (r.resolutionTime) {
      this.resBusiness.push(r.resolutionTime.businessSeconds);
      this.resCalendar.push(r.resolutionTime.calendarSeconds);
    }
  }

  /** Adds another thread's counts and times (the medians are taken after merging). */
  merge(o: Acc): void {
    this.tickets += o.tickets;
    for (const m of METRICS) {
      this.metrics[m].achieved += o.metrics[m].achieved;
      this.metrics[m].breached += o.metrics[m].breached;
      this.metrics[m].inProgress += o.metrics[m].inProgress;
    }
    for (const k of ['frBusiness', 'frCalendar', 'resBusiness', 'resCalendar'] as const) for (const x of o[k]) this[k].push(x);
  }

  static from(data: Acc): Acc {
    return Object.assign(new Acc(), data);
  }

  finish(key: string | null): SlaGroup {
    const stats = (m: Metric): MetricStats => {
      const x = this.metrics[m];
      const decided = x.achieved + x.breached;
      return { ...x, compliance: decided ? Math.round((x.achieved / decided) * 1000) / 10 : null };
    };
    return {
      key,
      tickets: this.tickets,
      firstReply: stats('firstReply'),
      nextReply: stats('nextReply'),
      resolution: stats('resolution'),
      firstReplyTime: timeStats(this.frBusiness, this.frCalendar),
      resolutionTime: timeStats(this.resBusiness, this.resCalendar),
    };
  }
}

function mean(xs: number[]): number | null {
  if (!xs.length) return null;
  let s = 0;
  for (const x of xs) s += x;
  return Math.round(s / xs.length);
}

/**
 * The k-th smallest (0-based) of `a`, in O(n) on average (Hoare's quickselect; `a` is reordered so
 * that a[0..k-1] ≤ a[k] ≤ a[k+1..]). A median over a million durations without sorting them.
 */
export function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** The median (mean of the two middle values for an even count), rounded to whole seconds. */
export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const a = Float64Array.from(xs);
  const mid = a.length >> 1;
  if (a.length % 2) return Math.round(selectKth(a, mid));
  const lower = selectKth(a, mid - 1);
  let upper = a[mid]!;
  for (let i = mid + 1; i < a.length; i++) if (a[i]! < upper) upper = a[i]!;
  return Math.round((lower + upper) / 2);
}

function timeStats(business: number[], calendar: number[]): TimeStats {
  return { count: business.length, meanBusinessSeconds: mean(business), medianBusinessSeconds: median(business), meanCalendarSeconds: mean(calendar), medianCalendarSeconds: median(calendar) };
}

export interface SlaReportParams {
  period: { start: string; end: string; label: string };
  asOf: Date;
  by?: SlaGrouping;
  /** users.id → handle, for the current assignee of tickets never reassigned. */
  handles: Map<number, string>;
}

/** The running counts of a report: the total and one Acc per group (--by). */
export interface SlaAccumulation {
  total: Acc;
  groups: Map<string | null, Acc>;
}

/** The report over a stream of tickets: SQLite's synchronous one, or PostgreSQL's pages (async). */
export async function buildSlaReport(tickets: TicketStream, ctx: SlaContext, p: SlaReportParams): Promise<SlaReport> {
  if (Symbol.iterator in tickets) return finishSlaReport(accumulateSla(tickets, ctx, p), p);
  const acc = newAccumulation();
  const asOfIso = p.asOf.toISOString();
  for await (const t of tickets) addTicket(acc, t, ctx, p, asOfIso);
  return finishSlaReport(acc, p);
}

function newAccumulation(): SlaAccumulation {
  return { total: new Acc(), groups: new Map() };
}

/** Every ticket's SLA result added to the total and its group (no await per ticket: the hot loop). */
export function accumulateSla(tickets: Iterable<StreamedTicket>, ctx: SlaContext, p: Omit<SlaReportParams, 'period'>): SlaAccumulation {
  const acc = newAccumulation();
  const asOfIso = p.asOf.toISOString();
  for (const t of tickets) addTicket(acc, t, ctx, p, asOfIso);
  return acc;
}

function addTicket({ total, groups }: SlaAccumulation, t: StreamedTicket, ctx: SlaContext, p: Omit<SlaReportParams, 'period'>, asOfIso: string): void {
  if (t.createdAt > asOfIso) return;
  const r = slaOfRaw(t, ctx, p.asOf);
  total.add(r);
  if (p.by) {
    let key: string | null;
    if (p.by === 'category') key = t.category;
    else if (p.by === 'channel') key = t.channel;
    else {
      const at = attributesAt(t, asOfIso, t.assigneeId === null ? null : (p.handles.get(t.assigneeId) ?? null));
      key = p.by === 'priority' ? at.priority : at.assignee;
    }
    let acc = groups.get(key);
    if (!acc) groups.set(key, (acc = new Acc()));
    acc.add(r);
  }
}

/** Adds `from` (another thread's accumulation, as plain data) into `into`. */
export function mergeSla(into: SlaAccumulation, from: { total: Acc; groups: [string | null, Acc][] }): void {
  into.total.merge(Acc.from(from.total));
  for (const [key, data] of from.groups) {
    const acc = into.groups.get(key);
    if (acc) acc.merge(Acc.from(data));
    else into.groups.set(key, Acc.from(data));
  }
}

export function finishSlaReport({ total, groups }: SlaAccumulation, p: SlaReportParams): SlaReport {
  const asOfIso = p.asOf.toISOString();
  const order = ['urgent', 'high', 'normal', 'low'];
  const keys = [...groups.keys()].sort((a, b) => {
    if (a === null) return 1;
    if (b === null) return -1;
    if (p.by === 'priority') return order.indexOf(a) - order.indexOf(b);
    return a.localeCompare(b);
  });
  const totalGroup = total.finish(null);
  return {
    period: { from: p.period.start, to: p.period.end, label: p.period.label },
    asOf: asOfIso,
    by: p.by ?? null,
    tickets: totalGroup.tickets,
    breaches: METRICS.reduce((n, m) => n + totalGroup[m].breached, 0),
    groups: keys.map((k) => groups.get(k)!.finish(k)),
    total: totalGroup,
  };
}

const METRIC_LABEL: Record<Metric, string> = { firstReply: 'First reply', nextReply: 'Next reply', resolution: 'Resolution' };

/** "66.7% (2/1)": compliance with met/missed counts, for the per-group table. */
function complianceCell(m: MetricStats): string {
  return m.achieved + m.breached ? `${m.compliance === null ? '—' : `${m.compliance}%`} (${m.achieved}/${m.breached})` : '—';
}

/** The SLA report as the model every report renders (JSON: the SlaReport's fields under the envelope). */
export function slaModel(r: SlaReport, p: { scope: ReportScope }): ReportModel {
  const t = r.total;
  const metricRows = METRICS.map((m) => ({ metric: METRIC_LABEL[m], achieved: t[m].achieved, breached: t[m].breached, inProgress: t[m].inProgress, compliance: t[m].compliance === null ? null : t[m].compliance / 100 }));
  const timeRows = [
    { metric: 'First reply', ...t.firstReplyTime },
    { metric: 'Resolution', ...t.resolutionTime },
  ];
  const tables: ReportTable[] = [
    {
      name: 'metrics',
      columns: [
        { key: 'metric', label: 'Metric' },
        { key: 'achieved', label: 'Met', format: 'int' },
        { key: 'breached', label: 'Missed', format: 'int' },
        { key: 'inProgress', label: 'In progress', format: 'int' },
        { key: 'compliance', label: 'Compliance', format: 'percent' },
      ],
      rows: metricRows,
      chart: 'compliance',
    },
    {
      name: 'times',
      columns: [
        { key: 'metric', label: 'Time to' },
        { key: 'count', label: 'Tickets', format: 'int' },
        { key: 'medianBusinessSeconds', label: 'Median bus.', format: 'duration' },
        { key: 'meanBusinessSeconds', label: 'Mean bus.', format: 'duration' },
        { key: 'medianCalendarSeconds', label: 'Median cal.', format: 'duration' },
        { key: 'meanCalendarSeconds', label: 'Mean cal.', format: 'duration' },
      ],
      rows: timeRows,
    },
  ];
  if (r.by) {
    tables.push({
      name: 'groups',
      title: `By ${r.by}`,
      columns: [
        { key: 'group', label: r.by[0]!.toUpperCase() + r.by.slice(1) },
        { key: 'tickets', label: 'Tickets', format: 'int' },
        { key: 'firstReply', label: 'First reply' },
        { key: 'nextReply', label: 'Next reply' },
        { key: 'resolution', label: 'Resolution' },
        { key: 'firstReplyMedian', label: 'FRT med. bus/cal' },
        { key: 'resolutionMedian', label: 'Res. med. bus/cal' },
      ],
      rows: r.groups.map((g) => ({
        group: g.key ?? '(none)',
        tickets: g.tickets,
        firstReply: complianceCell(g.firstReply),
        nextReply: complianceCell(g.nextReply),
        resolution: complianceCell(g.resolution),
        firstReplyMedian: `${duration(g.firstReplyTime.medianBusinessSeconds)} / ${duration(g.firstReplyTime.medianCalendarSeconds)}`,
        resolutionMedian: `${duration(g.resolutionTime.medianBusinessSeconds)} / ${duration(g.resolutionTime.medianCalendarSeconds)}`,
      })),
      empty: '  none',
    });
  }
  const who = scopeOwners(p.scope);
  const owners = who === null ? [] : [`Only tickets now assigned to ${who}.`];
  return {
    report: 'sla',
    title: `SLA compliance — tickets created ${p.scope.period.label}: ${r.tickets}`,
    scope: scopeInfo(p.scope),
    summary: [],
    tables,
    flat: slaFlat(r),
    notes: [`${r.breaches} breach${r.breaches === 1 ? '' : 'es'}. Compliance = met / (met + missed); in-progress clocks are left out. Definitions: crm report sla --explain`],
    explain: [SLA_REPORT_EXPLAIN, `  Period: ${describePeriod(p.scope)}.`, ...owners.map((o) => `  ${o}`)].join('\n'),
    data: { by: r.by, tickets: r.tickets, breaches: r.breaches, groups: r.groups, total: r.total },
  };
}

function duration(seconds: number | null): string {
  return seconds === null ? '—' : formatDuration(seconds);
}

/** CSV/TSV/NDJSON: one row per group (without --by, one: the total), every metric in its own columns, numbers unformatted; the total row with --totals. */
function slaFlat(r: SlaReport): ReportTable {
  const keys: [string, (g: SlaGroup) => unknown][] = [
    ['group', (g) => g.key ?? ''],
    ['tickets', (g) => g.tickets],
    ...METRICS.flatMap((m) => (['achieved', 'breached', 'inProgress', 'compliance'] as const).map((k): [string, (g: SlaGroup) => unknown] => [`${m}${k[0]!.toUpperCase()}${k.slice(1)}`, (g) => g[m][k]])),
    ...(['firstReply', 'resolution'] as const).flatMap((m) =>
      (['meanBusinessSeconds', 'medianBusinessSeconds', 'meanCalendarSeconds', 'medianCalendarSeconds'] as const).map((k): [string, (g: SlaGroup) => unknown] => [`${m}${k[0]!.toUpperCase()}${k.slice(1)}`, (g) => g[`${m}Time`][k]]),
    ),
  ];
  const row = (g: SlaGroup) => Object.fromEntries(keys.map(([k, get]) => [k, get(g)]));
  const columns = keys.map(([key]) => ({ key, label: key }));
  if (!r.by) return { name: 'groups', columns, rows: [row({ ...r.total, key: 'total' })] };
  return { name: 'groups', columns, rows: r.groups.map(row), total: row({ ...r.total, key: 'total' }) };
}
