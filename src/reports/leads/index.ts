/** crm report leads: leads created and converted, conversion and lead-to-won days, by source, campaign or owner. */
import { defineReport } from '../engine.js';
import { effectiveEnd } from '../scope.js';
import { buildLeads, leadLines, type LeadGroup } from './build.js';
import { campaignNames, leadsCreated } from './query.js';

export const definition = defineReport<{ by: LeadGroup }>({
  name: 'leads',
  description: 'leads created and converted, conversion rate, days from lead to won, by source, campaign or owner',
  examples: ['crm report leads --period 2026-Q4', 'crm report leads --by campaign --period 2026', 'crm report leads --by owner --json', 'crm report leads --explain'],
  period: 'quarter',
  asOf: true,
  owners: true,
  options: [{ flags: '--by <group>', description: 'group by', choices: ['source', 'campaign', 'owner'], default: 'source' }],
  async run({ session, scope, flags }) {
    const end = effectiveEnd(scope);
    const by = flags.by ?? 'source';
    const [rows, campaigns] = await Promise.all([leadsCreated(session.db, scope, scope.period.start, end), by === 'campaign' ? campaignNames(session.db) : Promise.resolve([])]);
    return buildLeads(leadLines(rows, by, end, campaigns), { scope, by });
  },
});
