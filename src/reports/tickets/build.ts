/**
 * The tickets report: requests per weekday, per day of month and per month (peaks such as
 * month-end), and tickets solved per agent next to their average satisfaction and reopen rate —
 * volume alone rewards closing fast and badly. Pure: rows, zone and period in, a model out.
 */
import { DateTime } from 'luxon';
import type { TicketStream } from '../../db/tickets.js';
import type { ReportModel } from '../model.js';
import { describePeriod, scopeInfo, scopeOwners, type ReportScope } from '../scope.js';

export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface CountRow {
  key: string;
  requests: number;
}

/** Requests on one calendar day, with the marks staffing plans use. */
export interface DayRow {
  date: string;
  weekday: string;
  dayOfMonth: number;
  /** The day before was a holiday in one of the business calendars (and this day is not). */
  afterHoliday: boolean;
  holiday: boolean;
  requests: number;
  /** Campaigns running that day (their names). */
  campaigns: string[];
}

/** A campaign's dates, overlaid on the day and month counts (crm campaign add --start --end). */
export interface CampaignSpan {
  id: number;
  name: string;
  start: string;
  /** null: still running (no end date). */
  end: string | null;
}

/** Requests in one month, with the campaigns that ran in it. */
export interface MonthRow extends CountRow {
  campaigns: string[];
}

export interface AgentRow {
  agent: string | null;
  solved: number;
  /** Mean satisfaction (1–5, two decimals) over the solved tickets that have one; null if none. */
  avgSatisfaction: number | null;
  satisfactionResponses: number;
  reopened: number;
  /** Share of solved tickets reopened at least once, percent with one decimal. */
  reopenRate: number | null;
}

export interface TicketsReport {
  period: { from: string; to: string; label: string };
  timeZone: string;
  requests: number;
  byWeekday: CountRow[];
  byDayOfMonth: CountRow[];
  byMonth: MonthRow[];
  /** Campaigns with dates overlapping the period (overlaid on byMonth and byDay). */
  campaigns: CampaignSpan[];
  /** Every calendar day of the period (in your zone) with its requests and marks. */
  byDay: DayRow[];
  agents: AgentRow[];
  /** Tickets solved in the period (the base of the two figures below). */
  solved: number;
  /** Mean public replies + requester messages per solved ticket, up to its solve. */
  exchangesPerTicket: number | null;
  /** Percent of solved tickets resolved on first contact (one reply, no further message, never reopened). */
  firstContactResolutionRate: number | null;
}

export const TICKETS_REPORT_EXPLAIN = `How the tickets report is computed
  Requests: tickets created in the period, counted by the weekday, day of month and month of
  their creation in your time zone (TZ).
  Solved per agent: tickets whose last solve falls in the period, credited to the assignee at
  that moment. Avg satisfaction: mean CSAT (crm ticket close --csat 1..5) of those tickets that
  have one. Reopen rate = tickets reopened (solved → open) at least once / tickets solved.
  Read volume next to satisfaction and reopen rate: closing fast and badly shows up there.
  Requests per day: every day of the period in your zone, marked H on a holiday of any business
  calendar (crm calendar holiday list) and +1 on the first day after one (for leave planning).
  Campaigns: every campaign with a start date (crm campaign add --start --end; no end: still
  running) is overlaid on the months and days it ran, so a peak can be read against it.
  Exchanges per ticket: public replies + requester messages up to the solve, averaged over the
  tickets solved in the period. First-contact resolution = solved tickets with exactly one public
  reply, no requester message after it and never reopened / tickets solved.`;

/** Local calendar parts of an instant, cached per quarter hour (zone offsets are multiples of 15 min). */
function localParts(timeZone: string) {
  const cache = new Map<number, { weekday: number; day: number; month: string; date: string }>();
  return (iso: string) => {
    const ms = Date.parse(iso);
    const bucket = Math.floor(ms / 900000);
    let parts = cache.get(bucket);
    if (!parts) {
      const d = DateTime.fromMillis(bucket * 900000, { zone: timeZone });
      parts = { weekday: d.weekday - 1, day: d.day, month: d.toFormat('yyyy-MM'), date: d.toISODate()! };
      cache.set(bucket, parts);
    }
    return parts;
  };
}

export interface TicketsReportParams {
  period: { start: string; end: string; label: string };
  timeZone: string;
  handles: Map<number, string>;
  /** Events after this instant are left out (--as-of); default: all. */
  asOf?: string;
  /** Only these agents in "solved per agent" (--owner/--team); null: everyone. */
  agents?: Set<string> | null;
  /** Holiday dates (YYYY-MM-DD) of the business calendars, for the day-after-holiday mark. */
  holidays?: Set<string>;
  /** Campaigns with a start date, overlaid on the day and month rows. */
  campaigns?: CampaignSpan[];
}

/** The campaigns running on any day from `from` to `to` (dates, inclusive). */
function running(campaigns: CampaignSpan[], from: string, to: string): CampaignSpan[] {
  return campaigns.filter((c) => c.start <= to && (c.end === null || c.end >= from));
}

/**
 * `created`: tickets created in the period. `solved`: tickets with a solve in the period (their
 * full event logs), whoever created them.
 */
export async function buildTicketsReport(created: TicketStream, solved: TicketStream, p: TicketsReportParams): Promise<TicketsReport> {
  const parts = localParts(p.timeZone);
  const asOf = p.asOf ?? '9999-12-31T23:59:59.999Z';
  const weekday = new Array<number>(7).fill(0);
  const dom = new Array<number>(31).fill(0);
  const months = new Map<string, number>();
  const days = new Map<string, number>();
  let requests = 0;
  for await (const t of created) {
    if (t.createdAt > asOf) continue;
    const lp = parts(t.createdAt);
    requests++;
    weekday[lp.weekday]!++;
    dom[lp.day - 1]!++;
    months.set(lp.month, (months.get(lp.month) ?? 0) + 1);
    days.set(lp.date, (days.get(lp.date) ?? 0) + 1);
  }
  const holidays = p.holidays ?? new Set<string>();
  const periodFrom = DateTime.fromISO(p.period.start, { zone: p.timeZone }).toISODate()!;
  const periodTo = DateTime.fromISO(p.period.end, { zone: p.timeZone }).minus({ milliseconds: 1 }).toISODate()!;
  const campaigns = running(p.campaigns ?? [], periodFrom, periodTo).sort((a, b) => a.start.localeCompare(b.start) || a.id - b.id);
  const names = (from: string, to: string) => running(campaigns, from, to).map((c) => c.name);
  const dayRows: DayRow[] = [];
  for (let d = DateTime.fromISO(p.period.start, { zone: p.timeZone }).startOf('day'); d < DateTime.fromISO(p.period.end, { zone: p.timeZone }) && dayRows.length < 3700; d = d.plus({ days: 1 })) {
    const date = d.toISODate()!;
    const holiday = holidays.has(date);
    dayRows.push({ date, weekday: WEEKDAY_NAMES[d.weekday - 1]!, dayOfMonth: d.day, holiday, afterHoliday: !holiday && holidays.has(d.minus({ days: 1 }).toISODate()!), requests: days.get(date) ?? 0, campaigns: names(date, date) });
  }
  // Every month of the period, empty ones included, so peaks are visible.
  const monthRows: MonthRow[] = [];
  let cursor = DateTime.fromISO(p.period.start, { zone: p.timeZone }).startOf('month');
  const end = DateTime.fromISO(p.period.end, { zone: p.timeZone });
  while (cursor < end && monthRows.length < 600) {
    const key = cursor.toFormat('yyyy-MM');
    monthRows.push({ key, requests: months.get(key) ?? 0, campaigns: names(cursor.toISODate()!, cursor.endOf('month').toISODate()!) });
    cursor = cursor.plus({ months: 1 });
  }

  const stats = await solvedPerAgent(solved, p);
  const solvedCount = stats.reduce((n, a) => n + a.solved, 0);
  const exchanges = stats.reduce((n, a) => n + a.exchanges, 0);
  const fcr = stats.reduce((n, a) => n + a.firstContactResolved, 0);
  const agentRows: AgentRow[] = stats.map(({ agent, solved, avgSatisfaction, satisfactionResponses, reopened, reopenRate }) => ({ agent, solved, avgSatisfaction, satisfactionResponses, reopened, reopenRate }));

  return {
    period: { from: p.period.start, to: p.period.end, label: p.period.label },
    timeZone: p.timeZone,
    requests,
    byWeekday: WEEKDAY_NAMES.map((key, i) => ({ key, requests: weekday[i]! })),
    byDayOfMonth: dom.map((n, i) => ({ key: String(i + 1), requests: n })),
    byMonth: monthRows,
    campaigns,
    byDay: dayRows,
    agents: agentRows,
    solved: solvedCount,
    exchangesPerTicket: solvedCount ? Math.round((exchanges / solvedCount) * 100) / 100 : null,
    firstContactResolutionRate: solvedCount ? Math.round((fcr / solvedCount) * 1000) / 10 : null,
  };
}

/** Priority as a number for averages: low 1, normal 2, high 3, urgent 4. */
export const PRIORITY_WEIGHT: Record<string, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

export interface AgentStats extends AgentRow {
  /** Mean priority of the solved tickets (low 1 … urgent 4, two decimals): who takes the hard ones. */
  avgPriority: number | null;
  /** Public replies plus requester messages up to the solve, summed over the solved tickets. */
  exchanges: number;
  /** Solved tickets answered once and solved without another message from the requester, never reopened. */
  firstContactResolved: number;
}

/**
 * Tickets whose last solve falls in the period, credited to the assignee at that moment: count,
 * mean CSAT, reopen rate (solved → open at least once) and mean priority, per agent. Shared by
 * `report tickets` and `report agents`.
 */
export async function solvedPerAgent(solved: TicketStream, p: Pick<TicketsReportParams, 'period' | 'handles' | 'asOf' | 'agents'>): Promise<AgentStats[]> {
  const asOf = p.asOf ?? '9999-12-31T23:59:59.999Z';
  const agents = new Map<string | null, { solved: number; csatSum: number; csatN: number; reopened: number; prioritySum: number; exchanges: number; fcr: number }>();
  for await (const t of solved) {
    let lastSolve: string | null = null;
    let reopened = false;
    for (const e of t.events) {
      if (e.kind !== 'status' || e.at > asOf) continue;
      if (e.to === 'solved' && e.at >= p.period.start && e.at < p.period.end) lastSolve = e.at;
      if (e.from === 'solved' && e.to === 'open') reopened = true;
    }
    if (!lastSolve) continue;
    let replies = 0;
    let messages = 0;
    let messageAfterReply = false;
    for (const e of t.events) {
      if (e.at > lastSolve) break;
      if (e.kind === 'reply') replies++;
      else if (e.kind === 'message') {
        messages++;
        if (replies > 0) messageAfterReply = true;
      }
    }
    let agent: string | null = t.assigneeId === null ? null : (p.handles.get(t.assigneeId) ?? null);
    for (const e of t.events) {
      if (e.kind === 'assign' && e.at > lastSolve) {
        agent = e.from;
        break;
      }
    }
    if (p.agents && (agent === null || !p.agents.has(agent))) continue;
    let a = agents.get(agent);
    if (!a) agents.set(agent, (a = { solved: 0, csatSum: 0, csatN: 0, reopened: 0, prioritySum: 0, exchanges: 0, fcr: 0 }));
    a.solved++;
    a.prioritySum += PRIORITY_WEIGHT[t.priority] ?? 2;
    a.exchanges += replies + messages;
    if (replies === 1 && !messageAfterReply && !reopened) a.fcr++;
    if (t.satisfaction !== null) {
      a.csatSum += t.satisfaction;
      a.csatN++;
    }
    if (reopened) a.reopened++;
  }
  return [...agents.entries()]
    .map(([agent, a]) => ({
      agent,
      solved: a.solved,
      avgSatisfaction: a.csatN ? Math.round((a.csatSum / a.csatN) * 100) / 100 : null,
      satisfactionResponses: a.csatN,
      reopened: a.reopened,
      reopenRate: a.solved ? Math.round((a.reopened / a.solved) * 1000) / 10 : null,
      avgPriority: a.solved ? Math.round((a.prioritySum / a.solved) * 100) / 100 : null,
      exchanges: a.exchanges,
      firstContactResolved: a.fcr,
    }))
    .sort((x, y) => y.solved - x.solved || (x.agent ?? '~').localeCompare(y.agent ?? '~'));
}

/** The tickets report as the model every report renders (JSON: its fields under the envelope). */
export function ticketsModel(r: TicketsReport, p: { scope: ReportScope }): ReportModel {
  const counts = (name: string, title: string, rows: CountRow[]) => ({
    name,
    title,
    layout: 'bars' as const,
    columns: [
      { key: 'key', label: 'When' },
      { key: 'requests', label: 'Requests', format: 'int' as const },
    ],
    rows: rows as unknown as Record<string, unknown>[],
  });
  const owners = scopeOwners(p.scope);
  const who = owners === null ? [] : [`  Only tickets now assigned to ${owners}, and only their solves.`];
  const asOf = p.scope.historical ? [`  As of ${p.scope.asOf}: tickets created, solved or reopened later are left out; satisfaction is the current rating.`] : [];
  return {
    report: 'tickets',
    title: `Tickets — ${p.scope.period.label}, ${r.requests} request${r.requests === 1 ? '' : 's'}`,
    scope: scopeInfo(p.scope),
    summary:
      r.solved > 0
        ? [
            { key: 'solved', label: 'Solved', value: r.solved, format: 'int' as const },
            { key: 'exchangesPerTicket', label: 'Exchanges per ticket', value: r.exchangesPerTicket, format: 'number' as const },
            { key: 'firstContactResolutionRate', label: 'First-contact resolution', value: r.firstContactResolutionRate! / 100, format: 'percent' as const },
          ]
        : [],
    tables: [
      counts('byWeekday', 'Requests per weekday', r.byWeekday),
      counts('byDayOfMonth', 'Requests per day of month', r.byDayOfMonth),
      // Per month as a table when campaigns ran in the period: their names next to the counts.
      r.campaigns.length
        ? {
            name: 'byMonth',
            title: 'Requests per month (with the campaigns that ran)',
            columns: [
              { key: 'key', label: 'Month' },
              { key: 'requests', label: 'Requests', format: 'int' as const },
              { key: 'campaignList', label: 'Campaigns' },
            ],
            rows: r.byMonth.map((m) => ({ ...m, campaignList: m.campaigns.join(', ') })) as unknown as Record<string, unknown>[],
            chart: 'requests',
          }
        : counts('byMonth', 'Requests per month', r.byMonth),
      // Day by day only for short periods (a month or two); --json always has byDay.
      ...(r.byDay.length <= 62
        ? [
            {
              name: 'byDay',
              title: `Requests per day (H: holiday, +1: the day after one${r.campaigns.length ? '; the campaigns running' : ''})`,
              columns: [
                { key: 'date', label: 'Day' },
                { key: 'weekday', label: 'Weekday' },
                { key: 'mark', label: 'Mark' },
                { key: 'requests', label: 'Requests', format: 'int' as const },
                ...(r.campaigns.length ? [{ key: 'campaignList', label: 'Campaigns' }] : []),
              ],
              rows: r.byDay.map((d) => ({ ...d, mark: d.holiday ? 'H' : d.afterHoliday ? '+1' : '', campaignList: d.campaigns.join(', ') })) as unknown as Record<string, unknown>[],
            },
          ]
        : []),
      {
        name: 'agents',
        title: 'Solved per agent (read volume next to satisfaction and reopen rate)',
        columns: [
          { key: 'agent', label: 'Agent' },
          { key: 'solved', label: 'Solved', format: 'int' },
          { key: 'avgSatisfaction', label: 'Avg CSAT', format: 'number' },
          { key: 'satisfactionResponses', label: 'CSAT answers', format: 'int' },
          { key: 'reopened', label: 'Reopened', format: 'int' },
          { key: 'reopenRate', label: 'Reopen rate', format: 'percent' },
        ],
        rows: r.agents.map((a) => ({ ...a, agent: a.agent ?? '(unassigned)', reopenRate: a.reopenRate === null ? null : a.reopenRate / 100 })),
        chart: 'solved',
        empty: '  none',
      },
    ],
    // CSV/TSV/NDJSON: the per-agent table, numbers as in JSON.
    flat: {
      name: 'agents',
      columns: ['agent', 'solved', 'avgSatisfaction', 'satisfactionResponses', 'reopened', 'reopenRate'].map((key) => ({ key, label: key })),
      rows: r.agents as unknown as Record<string, unknown>[],
    },
    notes: [],
    explain: [TICKETS_REPORT_EXPLAIN, `  Period: ${describePeriod(p.scope)}.`, ...who, ...asOf].join('\n'),
    data: { requests: r.requests, solved: r.solved, exchangesPerTicket: r.exchangesPerTicket, firstContactResolutionRate: r.firstContactResolutionRate, byWeekday: r.byWeekday, byDayOfMonth: r.byDayOfMonth, byMonth: r.byMonth, campaigns: r.campaigns, byDay: r.byDay, agents: r.agents },
  };
}
