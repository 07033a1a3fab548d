/** crm report data-quality: missing fields, invalid emails, likely duplicates, stale records. */
import { CheckFailedError } from '../../errors.js';
import { formatLocalDateTime } from '../../output/format.js';
import { defineReport } from '../engine.js';
import { buildDataQuality } from './build.js';
import { dataQualityRows } from './query.js';
import { plural } from '../../output/plural.js';

export const definition = defineReport<{ failOnIssues?: boolean }>({
  name: 'data-quality',
  description: 'missing fields, invalid emails, likely duplicates, stale deals and contacts',
  examples: ['crm report data-quality', 'crm report data-quality --owner sara --json', 'crm report data-quality --fail-on-issues   exit 3 when anything is found (CI, cron)'],
  period: 'none',
  asOf: true,
  owners: true,
  options: [{ flags: '--fail-on-issues', description: 'exit with status 3 when any check finds a problem' }],
  async run({ session, scope }) {
    const today = formatLocalDateTime(scope.asOf, scope.timeZone).slice(0, 10);
    const yearAgo = new Date(Date.parse(scope.asOf) - 365 * 86400000).toISOString();
    return buildDataQuality(await dataQualityRows(session.db, scope, today, yearAgo), { scope });
  },
  check(model, flags) {
    const issues = model.data.issues as number;
    if (flags.failOnIssues && issues > 0) {
      throw new CheckFailedError(`Data quality: ${plural(issues, 'problem')} found.`, 'Fix them with the commands in the "Fix with" column, then run crm report data-quality again.', 'data_quality');
    }
  },
});
