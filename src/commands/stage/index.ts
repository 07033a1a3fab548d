/** `crm stage list|add|edit|reorder|archive`: the ordered stages of a pipeline. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addStage, archiveStage, editStage, listStages, reorderStages, type StageRecord } from '../../domain/pipelines.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

const stageView: ListView<StageRecord> = [
  { key: 'position', label: '#', format: 'int' },
  { key: 'name', label: 'Stage' },
  { key: 'kind', label: 'Kind' },
  { key: 'probability', label: 'Probability', format: 'percent' },
  { key: 'deals', label: 'Deals', format: 'int' },
  { key: 'id', label: 'ID', format: 'int' },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('the stages of a pipeline: list, add, edit, reorder, archive');
  const pipelineOpt = (cmd: Command) => cmd.option('--pipeline <name>', 'which pipeline (default: the default pipeline)');

  const list = pipelineOpt(noun.command('list').alias('ls').description('list stages in order, with their deals')).option('--archived', 'archived stages instead');
  examples(list, ['crm stage list', 'crm stage list --pipeline renewals --json']);
  list.action(async (o: { pipeline?: string; archived?: boolean }) => {
    printList(ctx.out, stageView, await listStages(sessionOf(ctx), o), { emptyMessage: 'No stages.' });
  });

  const add = pipelineOpt(noun.command('add').description('add a stage (open stages go before Won / Lost unless --after/--before)').argument('<name>', 'stage name'))
    .option('--probability <percent>', 'win probability 0–100 for deals in it')
    .option('--kind <kind>', 'open (default), won or lost')
    .option('--after <stage>', 'put it after this stage')
    .option('--before <stage>', 'put it before this stage');
  examples(add, ['crm stage add Demo --probability 40 --after qualification', 'crm stage add "Verbal yes" --probability 90 --before won']);
  add.action(async (name: string, o: { probability?: string; kind?: string; after?: string; before?: string; pipeline?: string }) => {
    const record = await addStage(sessionOf(ctx), { name, ...o });
    printCreated(ctx.out, record.id, record);
    info(ctx.io, `Added stage ${record.name} (${record.probability}%) to ${record.pipeline} at position ${record.position}`);
  });

  const edit = pipelineOpt(noun.command('edit').description('rename a stage or change its probability').argument('<stage>', 'stage name (unique prefix ok)'))
    .option('--name <name>', 'new name')
    .option('--probability <percent>', 'new probability 0–100');
  examples(edit, ['crm stage edit quote --probability 60', 'crm stage edit prosp --name Discovery']);
  edit.action(async (ref: string, o: { name?: string; probability?: string; pipeline?: string }) => {
    if (o.name === undefined && o.probability === undefined) throw new UsageError('Nothing to change.', `e.g. crm stage edit ${ref} --probability 60`);
    const record = await editStage(sessionOf(ctx), ref, o);
    printChanged(ctx.out, record);
    info(ctx.io, `Updated stage ${record.name} (${record.probability}%)`);
  });

  const reorder = pipelineOpt(noun.command('reorder').description('put the named stages in this order, in the slots they occupy now').argument('<stages...>', 'two or more stage names'));
  examples(reorder, ['crm stage reorder negotiation quote        # swap them', 'crm stage reorder qual prosp']);
  reorder.action(async (refs: string[], o: { pipeline?: string }) => {
    const stages = await reorderStages(sessionOf(ctx), refs, o);
    printList(ctx.out, stageView, stages);
    info(ctx.io, `Order: ${stages.map((st) => st.name).join(' → ')}`);
  });

  const archive = pipelineOpt(noun.command('archive').description('archive a stage; its open deals need --move-to').argument('<stage>', 'stage name'))
    .option('--move-to <stage>', 'move the open deals in it to this stage (each move is recorded)');
  examples(archive, ['crm stage archive demo', 'crm stage archive demo --move-to qualification']);
  archive.action(async (ref: string, o: { moveTo?: string; pipeline?: string }) => {
    const result = await archiveStage(sessionOf(ctx), ref, o);
    printChanged(ctx.out, result);
    info(ctx.io, `Archived stage ${result.stage.name}${result.moved.length ? `; moved ${result.moved.length} deal${result.moved.length === 1 ? '' : 's'} to ${o.moveTo}` : ''}`);
  });
}
