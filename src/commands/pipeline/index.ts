/**
 * `crm pipeline` prints the per-stage summary; `crm pipeline add|list` manage pipelines.
 * The bare noun has its own action, so filter terms go straight after it: crm pipeline owner:me
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addPipeline, listPipelines } from '../../domain/pipelines.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printCreated, printList } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { addReportOptions, showReport } from '../report/command.js';
import { definition as pipelineReport } from '../../reports/pipeline/index.js';
import type { CommonReportFlags } from '../../reports/engine.js';
import type { PipelineRecord } from '../../domain/pipelines.js';

const pipelineView: ListView<PipelineRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name' },
  { key: 'isDefault', label: 'Default', format: 'bool' },
  { key: 'openDeals', label: 'Open deals', format: 'int' },
  { key: 'stages', label: 'Stages', format: 'list' },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('the pipeline per stage: deals, total and weighted total per currency (crm pipeline add|list to manage)');
  // The same report as `crm report pipeline`, run by the report engine.
  addReportOptions(noun.argument('[filter...]', pipelineReport.filterArgs!), pipelineReport);
  examples(noun, pipelineReport.examples.map((e) => e.replace('crm report pipeline', 'crm pipeline')));
  noun.action((filter: string[], o: CommonReportFlags) => showReport(ctx, pipelineReport, o, filter));

  const add = noun
    .command('add')
    .description('add a pipeline (default stages Prospecting … Won, Lost unless --stages)')
    .argument('<name>', 'pipeline name')
    .option('--stages <list>', 'open stages with probabilities: "Discovery:10,Demo:40,Contract:80" (Won and Lost are added)')
    .option('--default', 'make it the default pipeline');
  examples(add, ['crm pipeline add Renewals', 'crm pipeline add Partners --stages "Intro:10,Pilot:40,Contract:80"', 'crm deal add "Acme renewal" --pipeline renewals --amount "5000 EUR"']);
  add.action(async (name: string, o: { stages?: string; default?: boolean }) => {
    const record = await addPipeline(sessionOf(ctx), { name, stages: o.stages, makeDefault: o.default });
    printCreated(ctx.out, record.id, record);
    info(ctx.io, `Added pipeline #${record.id} ${record.name}: ${record.stages.join(' → ')}`);
  });

  const list = noun.command('list').alias('ls').description('list pipelines').option('--archived', 'archived pipelines instead');
  examples(list, ['crm pipeline list', 'crm pipeline list --json']);
  list.action(async (o: { archived?: boolean }) => {
    printList(ctx.out, pipelineView, await listPipelines(sessionOf(ctx), o), { emptyMessage: 'No pipelines.' });
  });
}
