/**
 * The most repeated issues: tickets of the period grouped by category, product or company, most
 * first, each with the problems (root causes) its tickets are linked to and their status; and the
 * problems ranked by how many of the period's tickets they explain — so a recurring defect that
 * has no problem yet stands out, and one that has is seen with where it stands.
 */
import { ratio, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import type { RecurringLinkRow, RecurringTicketRow } from './query.js';

export const RECURRING_BY = ['category', 'product', 'company'] as const;
export type RecurringBy = (typeof RECURRING_BY)[number];

const SOLVED = new Set(['solved', 'closed']);

export interface RecurringGroup {
  group: string;
  tickets: number;
  share: number | null;
  unsolved: number;
  /** Tickets of the group linked to no problem. */
  unlinked: number;
  /** "#3 known-error" for each problem its tickets are linked to, most linked first. */
  problems: string;
  problemIds: number[];
}

export interface RecurringProblem {
  problem: number;
  title: string;
  status: string;
  fixVersion: string | null;
  tickets: number;
  unsolved: number;
  groups: string;
}

export function buildRecurring(tickets: RecurringTicketRow[], links: RecurringLinkRow[], p: { scope: ReportScope; by: RecurringBy; limit?: number }): ReportModel {
  const keyOf = (t: RecurringTicketRow) => t[p.by] ?? '(none)';
  const byTicket = new Map<number, RecurringLinkRow[]>();
  for (const l of links) byTicket.set(l.ticketId, [...(byTicket.get(l.ticketId) ?? []), l]);
  const groups = new Map<string, { tickets: number; unsolved: number; unlinked: number; problems: Map<number, { n: number; status: string }> }>();
  const problems = new Map<number, { row: RecurringLinkRow; tickets: number; unsolved: number; groups: Map<string, number> }>();
  for (const t of tickets) {
    const key = keyOf(t);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { tickets: 0, unsolved: 0, unlinked: 0, problems: new Map() }));
    g.tickets++;
    const open = !SOLVED.has(t.status);
    if (open) g.unsolved++;
    const ls = byTicket.get(t.id) ?? [];
    if (!ls.length) g.unlinked++;
    for (const l of ls) {
      const gp = g.problems.get(l.problemId) ?? { n: 0, status: l.status };
      gp.n++;
      g.problems.set(l.problemId, gp);
      let pr = problems.get(l.problemId);
      if (!pr) problems.set(l.problemId, (pr = { row: l, tickets: 0, unsolved: 0, groups: new Map() }));
      pr.tickets++;
      if (open) pr.unsolved++;
      pr.groups.set(key, (pr.groups.get(key) ?? 0) + 1);
    }
  }
  const total = tickets.length;
  const mostFirst = <T>(m: Map<T, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  const groupRows: RecurringGroup[] = [...groups.entries()]
    .map(([group, g]) => {
      const ps = [...g.problems.entries()].sort((a, b) => b[1].n - a[1].n || a[0] - b[0]);
      return { group, tickets: g.tickets, share: ratio(g.tickets, total), unsolved: g.unsolved, unlinked: g.unlinked, problems: ps.map(([id, x]) => `#${id} ${x.status}`).join(', '), problemIds: ps.map(([id]) => id) };
    })
    .sort((a, b) => b.tickets - a.tickets || a.group.localeCompare(b.group));
  const problemRows: RecurringProblem[] = [...problems.entries()]
    .map(([id, x]) => ({ problem: id, title: x.row.title, status: x.row.status, fixVersion: x.row.fixVersion, tickets: x.tickets, unsolved: x.unsolved, groups: mostFirst(x.groups).map(([k]) => k).join(', ') }))
    .sort((a, b) => b.tickets - a.tickets || a.problem - b.problem);
  const shownGroups = p.limit ? groupRows.slice(0, p.limit) : groupRows;
  const linked = tickets.filter((t) => byTicket.has(t.id)).length;
  return {
    report: 'recurring',
    title: `Recurring issues by ${p.by}`,
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'tickets', label: 'Tickets', value: total, format: 'int' },
      { key: 'linked', label: 'Linked to a problem', value: ratio(linked, total), format: 'percent', detail: `${linked} of ${total}` },
      { key: 'problems', label: 'Problems involved', value: problemRows.length, format: 'int', detail: `${problemRows.filter((r) => r.status !== 'fixed').length} not fixed` },
    ],
    tables: [
      {
        name: 'problems',
        title: 'Problems, by tickets linked',
        columns: [
          { key: 'problem', label: 'Problem', format: 'int', priority: 0 },
          { key: 'title', label: 'Title', minWidth: 16, priority: 0 },
          { key: 'status', label: 'Status', priority: 0 },
          { key: 'tickets', label: 'Tickets', format: 'int', priority: 0 },
          { key: 'unsolved', label: 'Unsolved', format: 'int', priority: 2 },
          { key: 'fixVersion', label: 'Fix', priority: 3 },
          { key: 'groups', label: p.by === 'company' ? 'Companies' : p.by === 'product' ? 'Products' : 'Categories', minWidth: 12, priority: 4 },
        ],
        rows: problemRows as unknown as Record<string, unknown>[],
        chart: 'tickets',
        empty: 'No ticket of this period is linked to a problem (crm problem link ID ticket:N).',
      },
      {
        name: 'groups',
        title: `Tickets by ${p.by}`,
        columns: [
          { key: 'group', label: p.by[0]!.toUpperCase() + p.by.slice(1), minWidth: 12, priority: 0 },
          { key: 'tickets', label: 'Tickets', format: 'int', priority: 0 },
          { key: 'share', label: 'Share', format: 'percent', priority: 3 },
          { key: 'unsolved', label: 'Unsolved', format: 'int', priority: 2 },
          { key: 'unlinked', label: 'No problem', format: 'int', priority: 1 },
          { key: 'problems', label: 'Problems (status)', minWidth: 14, priority: 1 },
        ],
        rows: shownGroups as unknown as Record<string, unknown>[],
        chart: 'tickets',
        empty: 'No tickets were opened in this period.',
      },
    ],
    notes: p.limit && groupRows.length > p.limit ? [`Showing the ${p.limit} most repeated of ${groupRows.length} ${p.by === 'company' ? 'companies' : p.by === 'category' ? 'categories' : 'products'} (--limit).`] : [],
    explain: [
      `Tickets counted: those created in ${describePeriod(p.scope)}${p.scope.ownerIds ? ', assigned to the owners named' : ''}.`,
      `Groups: by the ticket's ${p.by === 'company' ? 'company' : p.by} ("(none)" when it has none), most tickets first. Share = the group's tickets ÷ all tickets counted. Unsolved = not solved or closed now. No problem = tickets linked to no problem.`,
      'Problems: every problem (crm problem link) at least one counted ticket is linked to, ranked by how many counted tickets it explains; status and fix version as they are now. A ticket linked to two problems counts for both.',
      describeScope(p.scope),
    ].join('\n'),
    data: { by: p.by, tickets: total, linked, problems: problemRows, groups: shownGroups },
  };
}
