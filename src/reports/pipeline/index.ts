/** crm report pipeline (and crm pipeline): deals, total and weighted total per stage and currency. */
import { defineReport } from '../engine.js';
import { convertDealRows } from '../fx.js';
import { buildPipelineReport, pipelineModel } from './build.js';
import { pipelineAggregate } from './query.js';

export const definition = defineReport<{ pipeline?: string }>({
  name: 'pipeline',
  description: 'deals, total and weighted total per stage and currency',
  examples: [
    'crm report pipeline',
    'crm report pipeline owner:me',
    'crm report pipeline --period 2026-Q4 --json    won/lost only if closed then',
    'crm report pipeline --as-of 2026-10-31',
    'crm report pipeline --pipeline renewals --no-chart',
    'crm report pipeline --format csv > pipeline.csv',
    'crm report pipeline --explain',
    'crm report pipeline --in USD --explain    every amount in USD at its close date',
  ],
  period: 'optional',
  asOf: true,
  owners: true,
  money: true,
  ownersAsFilter: true,
  filterArgs: 'filter terms for the deals, e.g. owner:me +renewal',
  options: [{ flags: '--pipeline <name>', description: 'which pipeline (default: the default pipeline)' }],
  async run({ session, scope, flags, filter }) {
    const period = scope.periodGiven ? scope.period : null;
    const agg = await pipelineAggregate(session, { pipeline: flags.pipeline, filter, closedIn: period ?? undefined, asOf: scope.historical ? scope.asOf : undefined, perDealAmount: Boolean(scope.fx) });
    const rows = convertDealRows(scope, agg.rows, ['totalMinor', 'weightedX100']);
    const report = buildPipelineReport(agg.stages, rows, {
      now: new Date(scope.asOf),
      pipeline: agg.pipeline,
      filter,
      period: period ? { label: period.label, start: period.start, end: period.end } : null,
    });
    return pipelineModel(report, { scope });
  },
});
