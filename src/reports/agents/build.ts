/**
 * The agents report: per agent, tickets closed (solved) in the period next to average
 * satisfaction, reopen rate and average priority — never volume alone, which rewards closing
 * fast and badly and taking the easy tickets. Pure: the per-agent figures in, a model out.
 */
import type { ReportModel } from '../model.js';
import { describePeriod, scopeInfo, scopeOwners, type ReportScope } from '../scope.js';
import type { AgentStats } from '../tickets/build.js';

export const AGENTS_REPORT_EXPLAIN = `How the agents report is computed
  Closed: tickets whose last solve falls in the period, credited to the agent assigned at that
  moment (a ticket solved twice counts once, at its last solve).
  Avg CSAT: mean satisfaction (crm ticket rate ID 1..5) of those tickets that have one; CSAT
  answers says how many do. Reopen rate = those tickets reopened (solved → open) at least once /
  closed. Avg priority: low 1, normal 2, high 3, urgent 4, averaged over the closed tickets.
  Read the count next to the other three: volume alone rewards closing fast and badly.`;

const PRIORITY_NAMES = ['', 'low', 'normal', 'high', 'urgent'];

export function agentsModel(rows: AgentStats[], p: { scope: ReportScope }): ReportModel {
  const owners = scopeOwners(p.scope);
  const total = rows.reduce((n, r) => n + r.solved, 0);
  const data = rows.map((r) => ({
    agent: r.agent,
    closed: r.solved,
    avgSatisfaction: r.avgSatisfaction,
    satisfactionResponses: r.satisfactionResponses,
    reopened: r.reopened,
    reopenRate: r.reopenRate,
    avgPriority: r.avgPriority,
  }));
  return {
    report: 'agents',
    title: `Agents — ${p.scope.period.label}, ${total} ticket${total === 1 ? '' : 's'} closed`,
    scope: scopeInfo(p.scope),
    summary: [],
    tables: [
      {
        name: 'agents',
        title: 'Per agent: closed next to satisfaction, reopen rate and priority',
        columns: [
          { key: 'agent', label: 'Agent' },
          { key: 'closed', label: 'Closed', format: 'int' },
          { key: 'avgSatisfaction', label: 'Avg CSAT', format: 'number' },
          { key: 'satisfactionResponses', label: 'CSAT answers', format: 'int' },
          { key: 'reopenRate', label: 'Reopen rate', format: 'percent' },
          { key: 'avgPriority', label: 'Avg priority' },
        ],
        rows: data.map((a) => ({
          ...a,
          agent: a.agent ?? '(unassigned)',
          reopenRate: a.reopenRate === null ? null : a.reopenRate / 100,
          avgPriority: a.avgPriority === null ? null : `${a.avgPriority.toFixed(2)} (${PRIORITY_NAMES[Math.round(a.avgPriority)]})`,
        })),
        empty: '  no tickets closed in the period',
      },
    ],
    flat: {
      name: 'agents',
      columns: ['agent', 'closed', 'avgSatisfaction', 'satisfactionResponses', 'reopened', 'reopenRate', 'avgPriority'].map((key) => ({ key, label: key })),
      rows: data as unknown as Record<string, unknown>[],
    },
    notes: [],
    explain: [AGENTS_REPORT_EXPLAIN, `  Period: ${describePeriod(p.scope)}.`, ...(owners === null ? [] : [`  Only ${owners}.`])].join('\n'),
    data: { agents: data },
  };
}
