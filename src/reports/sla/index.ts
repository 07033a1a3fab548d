/** crm report sla: SLA compliance and reply / resolution times for tickets created in a period. */
import { CheckFailedError } from '../../errors.js';
import { defineReport } from '../engine.js';
import { SLA_GROUPINGS, slaModel, type SlaGrouping } from './build.js';
import { slaReport } from './query.js';

export const definition = defineReport<{ by?: SlaGrouping; failOnBreach?: boolean }>({
  name: 'sla',
  description: 'SLA compliance per metric, first-reply and resolution times (business and calendar)',
  examples: [
    'crm report sla',
    'crm report sla --from 2026-10-01 --to 2026-12-31 --by assignee',
    'crm report sla --owner sara --period last-week',
    'crm report sla --period 2026-11 --as-of 2026-11-15T18:00:00Z --json',
    'crm report sla --period 2026-W47 --fail-on-breach -q || echo "SLA breaches this week"',
  ],
  period: 'month',
  asOf: true,
  owners: true,
  options: [
    { flags: '--by <field>', description: 'group by', choices: SLA_GROUPINGS },
    { flags: '--fail-on-breach', description: 'exit 3 when any SLA was breached (for cron and CI)' },
  ],
  async run({ session, scope, flags }) {
    const report = await slaReport(session, { period: scope.period, asOf: new Date(scope.asOf), by: flags.by, assigneeIds: scope.ownerIds });
    return slaModel(report, { scope });
  },
  check(model, flags) {
    const breaches = model.data.breaches as number;
    if (flags.failOnBreach && breaches > 0) {
      throw new CheckFailedError(`${breaches} SLA breach${breaches === 1 ? '' : 'es'} among tickets created ${model.scope.period?.label}.`, 'See them: crm ticket list status:any --breaching — or crm report sla --by assignee');
    }
  },
});
