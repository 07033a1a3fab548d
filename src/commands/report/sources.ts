import { Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { listCampaigns } from '../../domain/campaigns.js';
import { leadsBySource, wonByCampaign, wonBySource } from '../../db/reports/sources.js';
import { effectiveEnd } from '../../reports/scope.js';
import { buildCampaigns, buildSources, campaignLines, sourceLines } from '../../reports/sources.js';
import { prepareReport, reportCommand, showReport, type ReportFlags } from './common.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = reportCommand(parent, 'sources', 'lead sources and campaigns: leads, conversion, deals won, won value, cost per lead, ROI', 'quarter', [
    'crm report sources --period 2026',
    'crm report sources --by campaign --period 2026-Q4',
    'crm report sources --by campaign --json',
  ]).addOption(new Option('--by <group>', 'group by').choices(['source', 'campaign']).default('source'));
  cmd.action(async (flags: ReportFlags & { by: 'source' | 'campaign' }) => {
    const { session, scope } = await prepareReport(ctx, flags, 'quarter');
    const start = scope.period.start;
    const end = effectiveEnd(scope);
    const leads = await leadsBySource(session.db, scope, start, end);
    if (flags.by === 'campaign') {
      const [campaigns, won] = await Promise.all([listCampaigns(session), wonByCampaign(session.db, scope, start, end)]);
      showReport(ctx, buildCampaigns(campaignLines(campaigns, leads, won), { scope }), flags);
    } else {
      showReport(ctx, buildSources(sourceLines(leads, await wonBySource(session.db, scope, start, end)), { scope }), flags);
    }
  });
}
