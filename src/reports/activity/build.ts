/**
 * The weekly activity report: per rep, what they did in the period. Every active rep and manager
 * is listed, including those with nothing at all — flagged, because silence is the finding.
 */
import type { DealMetricRow, OwnerMetricRow, RepRow } from './query.js';
import type { ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import { compareText } from '../collate.js';

export interface ActivityLine {
  owner: string;
  name: string;
  calls: number;
  meetings: number;
  emails: number;
  notes: number;
  touches: number;
  newContacts: number;
  dealsCreated: number;
  dealsAdvanced: number;
  dealsWon: number;
  dealsLost: number;
  nextSteps: number;
  total: number;
  flag: string | null;
}

const COUNTED = ['calls', 'meetings', 'emails', 'notes', 'touches', 'newContacts', 'dealsCreated', 'dealsAdvanced', 'dealsWon', 'dealsLost', 'nextSteps'] as const;
const KIND_TO_METRIC: Record<string, (typeof COUNTED)[number]> = {
  call: 'calls',
  meeting: 'meetings',
  email: 'emails',
  note: 'notes',
  touch: 'touches',
  newsletter: 'touches',
  letter: 'touches',
  linkedin: 'touches',
  nextSteps: 'nextSteps',
  newContacts: 'newContacts',
};

export interface ActivityInput {
  reps: RepRow[];
  metrics: OwnerMetricRow[];
  deals: DealMetricRow[];
  advanced: { ownerId: number | null; n: number }[];
}

export function buildActivity(input: ActivityInput, p: { scope: ReportScope }): ReportModel {
  const lines = new Map<number | null, ActivityLine>();
  const blank = (owner: string, name: string): ActivityLine => ({ owner, name, calls: 0, meetings: 0, emails: 0, notes: 0, touches: 0, newContacts: 0, dealsCreated: 0, dealsAdvanced: 0, dealsWon: 0, dealsLost: 0, nextSteps: 0, total: 0, flag: null });
  const handles = new Map(input.reps.map((r) => [r.id, r]));
  for (const r of input.reps) if (r.active === 1 && (r.role === 'rep' || r.role === 'manager')) lines.set(r.id, blank(r.handle, r.name));
  const line = (ownerId: number | null) => {
    let l = lines.get(ownerId);
    if (!l) {
      const u = ownerId === null ? undefined : handles.get(ownerId);
      lines.set(ownerId, (l = blank(u?.handle ?? (ownerId === null ? '(no owner)' : `#${ownerId}`), u?.name ?? '')));
    }
    return l;
  };
  for (const m of input.metrics) {
    const key = KIND_TO_METRIC[m.metric];
    if (key) line(m.ownerId)[key] += Number(m.n);
  }
  for (const d of input.deals) {
    const l = line(d.ownerId);
    l.dealsCreated += Number(d.created);
    l.dealsWon += Number(d.won);
    l.dealsLost += Number(d.lost);
  }
  for (const a of input.advanced) line(a.ownerId).dealsAdvanced += Number(a.n);
  const rows = [...lines.values()];
  for (const l of rows) {
    l.total = COUNTED.reduce((s, k) => s + l[k], 0);
    if (l.total === 0) l.flag = 'NO ACTIVITY';
  }
  rows.sort((a, b) => (a.owner.startsWith('(') ? 1 : 0) - (b.owner.startsWith('(') ? 1 : 0) || compareText(a.owner, b.owner));
  const total: Record<string, unknown> = { owner: 'Total', name: '' };
  for (const k of [...COUNTED, 'total'] as const) total[k] = rows.reduce((s, l) => s + l[k], 0);
  const idle = rows.filter((l) => l.flag).map((l) => l.owner);
  return {
    report: 'activity',
    title: 'Activity by rep',
    scope: scopeInfo(p.scope),
    summary: [],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'owner', label: 'Rep', priority: 0, minWidth: 12 },
          { key: 'calls', label: 'Calls', format: 'int', priority: 2 },
          { key: 'meetings', label: 'Meetings', format: 'int', priority: 2 },
          { key: 'emails', label: 'Emails', format: 'int', priority: 2 },
          { key: 'notes', label: 'Notes', format: 'int', priority: 5 },
          { key: 'touches', label: 'Touches', format: 'int', priority: 1 },
          { key: 'newContacts', label: 'New contacts', format: 'int', priority: 6 },
          { key: 'dealsCreated', label: 'Deals new', format: 'int', priority: 4 },
          { key: 'dealsAdvanced', label: 'Advanced', format: 'int', priority: 4 },
          { key: 'dealsWon', label: 'Won', format: 'int', priority: 3 },
          { key: 'dealsLost', label: 'Lost', format: 'int', priority: 3 },
          { key: 'nextSteps', label: 'Next steps', format: 'int', priority: 6 },
          { key: 'flag', label: 'Flag', priority: 0, whole: true },
        ],
        rows: rows as unknown as Record<string, unknown>[],
        total,
        chart: 'total',
        empty: 'No active reps (crm user add HANDLE --role rep) and no activity in this period.',
      },
    ],
    notes: idle.length ? [`No activity at all in ${p.scope.period.label}: ${idle.join(', ')}.`] : [],
    explain: [
      `Window: ${describePeriod(p.scope)}.`,
      'Calls, meetings, emails, notes = logged activities of that kind whose occurred_at lies in the window, by their owner. Touches = newsletters, letters, LinkedIn messages and other touches.',
      'New contacts = contacts created in the window, by their owner.',
      'Deals new / Won / Lost = deals whose created_at / won_at / lost_at lies in the window, by the deal owner.',
      'Advanced = deals moved to a later open stage (higher position) in the window, each deal counted once.',
      'Next steps = tasks created in the window (scheduled follow-ups), by their owner.',
      'Every active user with the role rep or manager is listed, even with no activity; such rows are flagged NO ACTIVITY. Other users appear only when they have activity.',
      describeScope(p.scope),
    ].join('\n'),
    data: { rows, total, noActivity: idle },
  };
}
