import type { ListView } from '../../output/columns.js';
import { formatDuration, formatLocalDateTime } from '../../output/format.js';
import type { MetricClock } from '../../domain/sla/clock.js';
import { label, type TicketDetail, type TicketEventRecord, type TicketRecord } from '../../domain/tickets.js';
import { METRIC_LABELS, METRICS, type Metric } from '../../domain/sla/targets.js';

/** One short phrase for the SLA column: what is due next, or what went wrong. */
export function slaSummary(r: TicketRecord, now: Date): string {
  const running = METRICS.map((m) => [m, r.sla[m]] as const).filter(([, c]) => c && !c.stoppedAt);
  const breached = running.filter(([, c]) => c!.state === 'breached');
  if (breached.length) return `BREACHED ${breached.map(([m]) => METRIC_LABELS[m].toLowerCase()).join(', ')}`;
  const active = running.filter(([, c]) => c!.state === 'active' && c!.deadline).sort((a, b) => (a[1]!.deadline! < b[1]!.deadline! ? -1 : 1));
  if (active.length) {
    const [m, c] = active[0]!;
    const left = (Date.parse(c!.deadline!) - now.getTime()) / 1000;
    return `${METRIC_LABELS[m].toLowerCase()} ${left < 60 ? 'due now' : `in ${formatDuration(left)}`}`;
  }
  if (running.some(([, c]) => c!.state === 'paused')) return 'paused';
  const all = METRICS.map((m) => r.sla[m]).filter((c): c is MetricClock => c !== null);
  if (all.some((c) => c.state === 'breached')) return 'missed';
  return all.length ? 'met' : '';
}

export function ticketListView(now: Date): ListView<TicketRecord> {
  return [
    { key: 'id', label: 'ID', format: 'int', priority: 0 },
    { key: 'status', label: 'Status', get: (t) => label(t.status), priority: 3 },
    { key: 'priority', label: 'Priority', priority: 2 },
    { key: 'subject', label: 'Subject', maxWidth: 36, minWidth: 20, priority: 0 },
    { key: 'requester', label: 'Requester', get: (t) => t.requester?.name ?? null, maxWidth: 22, minWidth: 12, priority: 4 },
    { key: 'assignee', label: 'Assignee', priority: 5 },
    { key: 'nextDeadline', label: 'Due', format: 'age', priority: 3 },
    { key: 'sla', label: 'SLA', get: (t) => slaSummary(t, now), maxWidth: 30, minWidth: 20, priority: 1 },
    { key: 'createdAt', label: 'Created', format: 'age', priority: 6 },
  ];
}

export const ticketFields: ListView<TicketDetail> = [
  { key: 'id', label: 'Ticket', format: 'int' },
  { key: 'subject', label: 'Subject' },
  { key: 'status', label: 'Status', get: (t) => label(t.status) },
  { key: 'priority', label: 'Priority' },
  { key: 'requester', label: 'Requester', get: (t) => (t.requester ? `${t.requester.name}${t.requester.email ? ` <${t.requester.email}>` : ''} (#${t.requester.id})` : null) },
  { key: 'company', label: 'Company', get: (t) => (t.company ? `${t.company.name} (#${t.company.id})` : null) },
  { key: 'assignee', label: 'Assignee' },
  { key: 'channel', label: 'Channel' },
  { key: 'category', label: 'Category' },
  { key: 'product', label: 'Product' },
  { key: 'warranty', label: 'Warranty', get: (t) => (t.warranty ? `${t.warranty.state === 'active' ? 'under warranty until' : 'EXPIRED on'} ${t.warranty.until}${t.warranty.source === 'company' ? " (the company's)" : t.warranty.source === 'product' ? ` (installed ${t.product ?? 'product'}: order date + its warranty term)` : ''}` : null) },
  { key: 'tags', label: 'Tags', format: 'list' },
  { key: 'policy', label: 'SLA policy' },
  { key: 'nextDeadline', label: 'Next deadline', format: 'datetime' },
  { key: 'satisfaction', label: 'Satisfaction' },
  { key: 'externalId', label: 'External id' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
  { key: 'version', label: 'Version', format: 'int' },
  { key: 'solvedAt', label: 'Solved', format: 'datetime' },
  { key: 'closedAt', label: 'Closed', format: 'datetime' },
];

export interface SlaRow {
  metric: string;
  state: string;
  target: string;
  due: string | null;
  elapsed: string;
  remaining: string;
  breachedAt: string | null;
}

export function slaRows(t: TicketRecord, timeZone: string): SlaRow[] {
  return METRICS.filter((m) => t.sla[m]).map((m: Metric) => {
    const c = t.sla[m]!;
    return {
      metric: METRIC_LABELS[m] + (c.cycles !== undefined ? ` (${c.cycles} cycle${c.cycles === 1 ? '' : 's'})` : ''),
      state: c.state,
      target: `${formatDuration(c.targetSeconds)} ${c.basis}`,
      due: c.deadline ? formatLocalDateTime(c.deadline, timeZone) : null,
      elapsed: formatDuration(c.elapsedSeconds),
      remaining: formatDuration(c.remainingSeconds),
      breachedAt: c.breachedAt ? formatLocalDateTime(c.breachedAt, timeZone) : null,
    };
  });
}

export const slaView: ListView<SlaRow> = [
  { key: 'metric', label: 'Metric' },
  { key: 'state', label: 'State' },
  { key: 'target', label: 'Target' },
  { key: 'due', label: 'Due' },
  { key: 'elapsed', label: 'Elapsed', align: 'right' },
  { key: 'remaining', label: 'Remaining', align: 'right' },
  { key: 'breachedAt', label: 'Breached at' },
];

export function eventText(e: TicketEventRecord): string {
  switch (e.kind) {
    case 'status':
      return `${label(e.from ?? '?')} → ${label(e.to ?? '?')}`;
    case 'assign':
      return `${e.from ?? 'unassigned'} → ${e.to ?? 'unassigned'}`;
    case 'policy':
      return e.body ?? `policy #${e.from ?? '—'} → #${e.to ?? '—'}`;
    case 'priority':
    case 'csat':
      return `${e.from ?? '—'} → ${e.to ?? '—'}`;
    case 'edit': {
      const value = (v: string | null) => (v === null ? '—' : v.replace(/\s+/g, ' '));
      return `${e.body ?? '?'}: ${value(e.from)} → ${value(e.to)}`;
    }
    default:
      return e.body ?? '';
  }
}

export const timelineView: ListView<TicketEventRecord> = [
  { key: 'at', label: 'When', format: 'datetime' },
  { key: 'kind', label: 'Event', get: (e) => (e.kind === 'note' ? 'note (internal)' : e.kind) },
  { key: 'actor', label: 'By' },
  { key: 'text', label: 'Details', get: eventText, maxWidth: 60 },
];
