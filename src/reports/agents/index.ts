/** crm report agents: per agent, closed tickets next to satisfaction, reopen rate and priority. */
import { defineReport } from '../engine.js';
import { agentsModel } from './build.js';
import { agentsReport } from './query.js';

export const definition = defineReport({
  name: 'agents',
  description: 'per agent: tickets closed next to average satisfaction, reopen rate and average priority',
  examples: ['crm report agents', 'crm report agents --period last-month', 'crm report agents --team support --json | jq .agents', 'crm report agents --explain'],
  period: 'month',
  asOf: true,
  owners: true,
  async run({ session, scope }) {
    return agentsModel(await agentsReport(session, { period: scope.period, asOf: scope.asOf, assigneeIds: scope.ownerIds }), { scope });
  },
});
