/** `crm segment add|list|show|remove`: saved filters, used as `segment:NAME` in any filter. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addSegment, countMatching, getSegment, listSegments, removeSegment } from '../../domain/segments.js';
import { info, warn } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

type SegmentRow = Awaited<ReturnType<typeof listSegments>>[number];

const segmentView: ListView<SegmentRow> = [
  { key: 'name', label: 'Name' },
  { key: 'entity', label: 'Of' },
  { key: 'filter', label: 'Filter', maxWidth: 50 },
  { key: 'matching', label: 'Matching', format: 'int' },
  { key: 'description', label: 'Description', maxWidth: 30 },
];

export function register(noun: Command, ctx: CliContext): void {
  const add = noun
    .command('add')
    .description('save a filter under a name; use it as segment:NAME in lists, exports and reports')
    .argument('<name>', 'segment name (letters, digits, _ . -)')
    .argument('<filter...>', "filter terms (crm help filters), e.g. 'city:Tehran +vip'")
    .option('--for <entity>', 'contact | company | deal | ticket | activity', 'contact')
    .option('--description <text>', 'what the segment is for');
  examples(add, [
    "crm segment add tehran-retail 'company.city:Tehran company.industry:retail'",
    "crm segment add big-open --for deal 'status:open amount:>10000'",
    'crm contact list segment:tehran-retail',
    'crm export contacts segment:tehran-retail -o tehran.csv',
  ]);
  add.action(async (name: string, filter: string[], o: { for?: string; description?: string }) => {
    const { segment, matching } = await addSegment(sessionOf(ctx), name, filter.join(' '), { entity: o.for, description: o.description });
    printCreated(ctx.out, segment.name, { ...segment, matching });
    info(ctx.io, `Saved segment ${segment.name} (${segment.entity}): ${matching} match now; use it as segment:${segment.name}`);
  });

  const list = noun.command('list').alias('ls').description('list the segments and how many records each selects now');
  examples(list, ['crm segment list', 'crm segment list --json']);
  list.action(async () => {
    const segments = await listSegments(sessionOf(ctx));
    printList(ctx.out, segmentView, segments, { emptyMessage: "No segments. Save one: crm segment add NAME 'filter…'" });
    for (const seg of segments.filter((x) => x.broken)) warn(ctx.io, `segment ${seg.name} cannot be used: ${seg.broken} (replace it: crm segment remove ${seg.name}, then crm segment add ${seg.name} '…')`);
  });

  const show = noun.command('show').description('show a segment').argument('<name>', 'segment name');
  examples(show, ['crm segment show tehran-retail', 'crm contact list segment:tehran-retail   # its members']);
  show.action(async (name: string) => {
    const s = sessionOf(ctx);
    const seg = await getSegment(s, name);
    const matching = await countMatching(s, seg.entity, [`segment:${seg.name}`]);
    printRecord(ctx.out, { ...seg, matching, broken: null }, [...segmentView, { key: 'createdAt', label: 'Created', format: 'datetime' }]);
  });

  const remove = noun.command('remove').alias('rm').description('remove a segment (its records are untouched)').argument('<name>', 'segment name');
  examples(remove, ['crm segment remove tehran-retail', 'crm segment remove tehran-retail --json   # the removed segment']);
  remove.action(async (name: string) => {
    const seg = await removeSegment(sessionOf(ctx), name);
    printChanged(ctx.out, seg);
    info(ctx.io, `Removed segment ${seg.name}`);
  });
}
