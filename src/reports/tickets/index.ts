/** crm report tickets: request peaks by weekday, day of month and month; solved per agent with CSAT and reopen rate. */
import { defineReport } from '../engine.js';
import { ticketsModel } from './build.js';
import { ticketsReport } from './query.js';

export const definition = defineReport({
  name: 'tickets',
  description: 'requests per weekday, day of month and month; solved per agent with satisfaction and reopen rate',
  examples: ['crm report tickets', 'crm report tickets --period 2026-Q4', 'crm report tickets --owner anna --period last-month', 'crm report tickets --json | jq .byDayOfMonth'],
  period: 'year',
  asOf: true,
  owners: true,
  async run({ session, scope }) {
    return ticketsModel(await ticketsReport(session, { period: scope.period, asOf: scope.asOf, assigneeIds: scope.ownerIds }), { scope });
  },
});
