/** `crm activity list|show|edit|delete`: everything logged (calls, meetings, emails, notes, touches) and tasks. */
import { inlineOrBodyFile } from '../body-file.js';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { deleteActivity, editActivity, getActivity, listActivities } from '../../domain/activities.js';
import { confirmOrRequireYes, info } from '../../io.js';
import { printChanged, printList, printRecord } from '../../output/render.js';
import { effectiveLimit, examples, noteTruncated, parseId, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { parseSetFlags } from '../../domain/custom-fields.js';
import { customFieldRows, setOption } from '../custom-fields.js';
import { activityFields, activityListView } from './views.js';

export function register(noun: Command, ctx: CliContext): void {
  noun.description('activities: calls, meetings, emails, notes, touches and tasks (log them with crm log)');

  const list = noun
    .command('list')
    .alias('ls')
    .description('list activities, newest first (tasks too with --tasks)')
    .argument('[filter...]', 'filter terms: contact:12 kind:call owner:me at:this-month (crm help filters)')
    .option('--tasks', 'include tasks')
    .option('--limit <n>', 'at most n rows', positiveInt('--limit'))
    .option('--all', 'no row limit');
  examples(list, ['crm activity list contact:12 kind:call', 'crm activity list owner:me at:this-week', 'crm activity list company:acme --json', 'crm activity list kind:meeting at:>today   # scheduled meetings']);
  list.action(async (filter: string[], o: { tasks?: boolean; limit?: number; all?: boolean }) => {
    const scope = o.tasks || filter.some((f) => /^kind:.*task/i.test(f)) ? 'all' : 'logged';
    const { rows, total } = await listActivities(sessionOf(ctx), { filter, scope, limit: effectiveLimit(ctx, o.limit, o.all) });
    printList(ctx.out, activityListView, rows, { emptyMessage: 'No activities match.' });
    noteTruncated(ctx, rows.length, total, 'activities');
  });

  const show = noun.command('show').description('show one activity or task').argument('<id>', 'activity id');
  examples(show, ['crm activity show 12', 'crm activity show 12 --json']);
  show.action(async (id: string) => {
    const s = sessionOf(ctx);
    const record = await getActivity(s, parseId(id, 'Activity'));
    printRecord(ctx.out, record, [...activityFields, ...(await customFieldRows(s, 'activity', record))], [{ title: 'Details', text: record.body ?? '' }]);
  });

  const edit = noun
    .command('edit')
    .description('correct a logged activity (only the fields you give)')
    .argument('<id>', 'activity id')
    .option('--subject <text>', 'summary')
    .option('--body <text>', 'details')
    .option('--body-file <file>', 'read the details from FILE (- for stdin)')
    .option('--at <when>', 'when it happened: "yesterday 15:00"')
    .option('--duration <time>', '20m, 1h ("none" to clear)')
    .option('--kind <kind>', 'call, meeting, email, note, newsletter, letter, linkedin, touch')
    .option('--owner <user>', 'owning user')
    .option('--if-version <n>', 'refuse if the activity is no longer at this version', positiveInt('--if-version'));
  setOption(edit);
  examples(edit, ['crm activity edit 12 --at "yesterday 16:00" --duration 45m', 'crm activity edit 12 --kind meeting']);
  edit.action(async (id: string, o: { subject?: string; body?: string; bodyFile?: string; at?: string; duration?: string; kind?: string; owner?: string; ifVersion?: number; set?: string[] }) => {
    const { set, bodyFile, ...flags } = o;
    const r = await editActivity(sessionOf(ctx), parseId(id, 'Activity'), { ...flags, body: inlineOrBodyFile(o.body, bodyFile, '--body'), setFields: parseSetFlags(set) }, o.ifVersion);
    printChanged(ctx.out, r.activity);
    if (r.at) info(ctx.io, `At: ${r.at.display}`);
    info(ctx.io, `Updated ${r.activity.kind} #${r.activity.id} ${r.activity.subject}`);
  });

  const del = noun.command('delete').description('delete a mis-logged activity (recorded in the audit log)').argument('<id>', 'activity id').option('-y, --yes', 'do not ask for confirmation');
  examples(del, ['crm activity delete 12 --yes', 'crm history activity 12   # what it was']);
  del.action(async (id: string, o: { yes?: boolean }) => {
    const s = sessionOf(ctx);
    const record = await getActivity(s, parseId(id, 'Activity'));
    await confirmOrRequireYes(ctx.io, `Delete ${record.kind} #${record.id} "${record.subject}"?`, o.yes, `crm activity delete ${record.id} --yes`);
    const before = await deleteActivity(s, record.id);
    printChanged(ctx.out, before);
    info(ctx.io, `Deleted ${before.kind} #${before.id} ${before.subject}`);
  });
}
