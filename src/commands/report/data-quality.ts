import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { dataQualityRows } from '../../db/reports/data-quality.js';
import { CheckFailedError } from '../../errors.js';
import { formatLocalDateTime } from '../../output/format.js';
import { buildDataQuality } from '../../reports/data-quality.js';
import { prepareReport, reportCommand, showReport, type ReportFlags } from './common.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = reportCommand(parent, 'data-quality', 'missing fields, invalid emails, likely duplicates, stale deals and contacts', 'month', [
    'crm report data-quality',
    'crm report data-quality --owner sara --json',
    'crm report data-quality --fail-on-issues   exit 3 when anything is found (CI, cron)',
  ]).option('--fail-on-issues', 'exit with status 3 when any check finds a problem');
  cmd.action(async (flags: ReportFlags & { failOnIssues?: boolean }) => {
    const { session, scope } = await prepareReport(ctx, flags, 'month');
    const today = formatLocalDateTime(scope.asOf, scope.timeZone).slice(0, 10);
    const yearAgo = new Date(Date.parse(scope.asOf) - 365 * 86400000).toISOString();
    const model = buildDataQuality(await dataQualityRows(session.db, scope, today, yearAgo), { scope });
    showReport(ctx, model, flags);
    const issues = model.data.issues as number;
    if (flags.failOnIssues && issues > 0) {
      throw new CheckFailedError(`Data quality: ${issues} problem(s) found.`, 'Fix them with the commands in the "Fix with" column, then run crm report data-quality again.', 'data_quality');
    }
  });
}
