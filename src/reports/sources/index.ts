/** crm report sources: lead sources and campaigns. */
import { listCampaigns } from '../../domain/campaigns.js';
import { defineReport } from '../engine.js';
import { convertCampaigns, convertDealRows } from '../fx.js';
import { effectiveEnd } from '../scope.js';
import { buildCampaigns, buildSources, campaignLines, sourceLines } from './build.js';
import { leadsBySource, wonByCampaign, wonBySource } from './query.js';

export const definition = defineReport<{ by: 'source' | 'campaign' }>({
  name: 'sources',
  description: 'lead sources and campaigns: leads, conversion, deals won, won value, cost per lead, ROI',
  examples: ['crm report sources --period 2026', 'crm report sources --by campaign --period 2026-Q4', 'crm report sources --by campaign --json', 'crm report sources --by campaign --in EUR --explain'],
  period: 'quarter',
  asOf: true,
  owners: true,
  money: true,
  options: [{ flags: '--by <group>', description: 'group by', choices: ['source', 'campaign'], default: 'source' }],
  async run({ session, scope, flags }) {
    const start = scope.period.start;
    const end = effectiveEnd(scope);
    const leads = await leadsBySource(session.db, scope, start, end);
    if (flags.by === 'campaign') {
      const [campaigns, won] = await Promise.all([listCampaigns(session), wonByCampaign(session.db, scope, start, end)]);
      return buildCampaigns(campaignLines(convertCampaigns(scope, campaigns), leads, convertDealRows(scope, won, ['wonMinor'])), { scope });
    }
    return buildSources(sourceLines(leads, convertDealRows(scope, await wonBySource(session.db, scope, start, end), ['wonMinor'])), { scope });
  },
});
