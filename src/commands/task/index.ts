/** `crm task add|list|show|done|reopen|edit|snooze|export`; `crm task` alone lists open tasks. */
import { inlineOrBodyFile } from '../body-file.js';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addTask, checkTasksDone, editTask, getActivity, listActivities, setTaskDone, snoozeTask, type TaskInput, type TaskLinks } from '../../domain/activities.js';
import { NotFoundError } from '../../errors.js';
import { info } from '../../io.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { activityFields, taskListView } from '../activity/views.js';
import { effectiveLimit, examples, noteTruncated, parseId, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import * as exportVerb from './export.js';

interface TaskFlags extends TaskLinks {
  due?: string;
  body?: string;
  bodyFile?: string;
  owner?: string;
  title?: string;
  ifVersion?: number;
}

function linkOptions(cmd: Command): Command {
  return cmd
    .option('--contact <contact>', 'about this contact (id, email or name; "none" to unlink)')
    .option('--company <company>', 'about this company (id or name)')
    .option('--deal <deal>', 'about this deal (id)')
    .option('--ticket <ticket>', 'about this ticket (id)');
}

function links(o: TaskFlags): TaskLinks {
  return { contact: o.contact, company: o.company, deal: o.deal, ticket: o.ticket };
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('tasks: follow-ups with a due date and an owner (crm task = crm task list)');

  const add = linkOptions(
    noun
      .command('add')
      .description('add a task')
      .argument('<title>', 'what to do, e.g. "Send quote"')
      .option('--due <when>', 'due date: "tomorrow 9am", "in 3 days", "next friday", "2026-12-01 14:30" (date only: 09:00)')
      .option('--body <text>', 'details')
      .option('--body-file <file>', 'read the details from FILE (- for stdin)')
      .option('--owner <user>', 'who does it (default: you, when you are a known user)'),
  );
  examples(add, ['crm task add "Send quote" --due "next friday" --contact bob@example.com', 'crm task add "Call back" --due "tomorrow 9am" --deal 12 --owner sara', 'id=$(crm task add "Renew contract" --due 2026-12-15)']);
  add.action(async (title: string, o: TaskFlags) => {
    const input: TaskInput = { title, due: o.due, body: inlineOrBodyFile(o.body, o.bodyFile, '--body'), owner: o.owner, links: links(o) };
    const r = await addTask(sessionOf(ctx), input);
    printCreated(ctx.out, r.task.id, r.task);
    if (r.due) info(ctx.io, `Due: ${r.due.display}`);
    info(ctx.io, `Added task #${r.task.id} ${r.task.subject}${r.task.about ? ` (${r.task.about})` : ''}`);
  });

  const list = noun
    .command('list', { isDefault: true })
    .alias('ls')
    .description('list tasks (open ones by default, soonest due first)')
    .argument('[filter...]', 'filter terms: owner:me due:<today contact:12 deal:3 (crm help filters)')
    .option('--done', 'done tasks instead of open ones')
    .option('--all-status', 'open and done tasks')
    .option('--limit <n>', 'at most n rows', positiveInt('--limit'))
    .option('--all', 'no row limit');
  examples(list, ['crm task', 'crm task list owner:me', 'crm task list due:<today          # overdue', 'crm task list contact:bob@example.com --all-status --json']);
  list.action(async (filter: string[], o: { done?: boolean; allStatus?: boolean; limit?: number; all?: boolean }) => {
    const { rows, total } = await listActivities(sessionOf(ctx), { filter, scope: 'tasks', status: o.allStatus ? 'all' : o.done ? 'done' : 'open', limit: effectiveLimit(ctx, o.limit, o.all) });
    printList(ctx.out, taskListView, rows, { emptyMessage: 'No tasks match.' });
    noteTruncated(ctx, rows.length, total, 'tasks');
  });

  const show = noun.command('show').description('show one task').argument('<id>', 'task id');
  examples(show, ['crm task show 12 --json']);
  show.action(async (id: string) => {
    const record = await getActivity(sessionOf(ctx), parseId(id, 'Task'));
    if (record.kind !== 'task') throw new NotFoundError(`No task #${record.id} (it is ${/^[aeiou]/.test(record.kind) ? 'an' : 'a'} ${record.kind}).`, `Show it with: crm activity show ${record.id}`);
    printRecord(ctx.out, record, activityFields, [{ title: 'Details', text: record.body ?? '' }]);
  });

  for (const [verb, done, text] of [
    ['done', true, 'mark tasks done'],
    ['reopen', false, 'mark a done task open again'],
  ] as const) {
    const cmd = noun.command(verb).description(text).argument('<ids...>', 'task ids');
    examples(cmd, [`crm task ${verb} 12`, ...(done ? ['crm task done 12 13 14'] : [])]);
    cmd.action(async (ids: string[]) => {
      const s = sessionOf(ctx);
      const parsed = ids.map((id) => parseId(id, 'Task'));
      await checkTasksDone(s, parsed, done); // all or nothing: refuse before changing any
      const records = [];
      for (const id of parsed) {
        const r = await setTaskDone(s, id, done);
        records.push(r);
        info(ctx.io, `${done ? 'Done' : 'Reopened'}: task #${r.id} ${r.subject}`);
      }
      printChanged(ctx.out, records.length === 1 ? records[0] : records);
    });
  }

  const edit = linkOptions(
    noun
      .command('edit')
      .description('change a task (only the fields you give)')
      .argument('<id>', 'task id')
      .option('--title <title>', 'new title')
      .option('--due <when>', 'new due date ("none" to clear)')
      .option('--body <text>', 'details')
      .option('--body-file <file>', 'read the details from FILE (- for stdin)')
      .option('--owner <user>', 'new owner')
      .option('--if-version <n>', 'refuse if the task is no longer at this version', positiveInt('--if-version')),
  );
  examples(edit, ['crm task edit 12 --due "next monday 10:00"', 'crm task edit 12 --owner sara --deal 3']);
  edit.action(async (id: string, o: TaskFlags) => {
    const r = await editTask(sessionOf(ctx), parseId(id, 'Task'), { title: o.title, due: o.due, body: inlineOrBodyFile(o.body, o.bodyFile, '--body'), owner: o.owner, links: links(o) }, o.ifVersion);
    printChanged(ctx.out, r.task);
    if (r.due) info(ctx.io, `Due: ${r.due.display}`);
    info(ctx.io, `Updated task #${r.task.id} ${r.task.subject}`);
  });

  const snooze = noun.command('snooze').description('push a task to later (default: tomorrow 09:00)').argument('<id>', 'task id').argument('[when]', 'new due date: "monday", "in 2 days", "2026-12-01 14:00"');
  examples(snooze, ['crm task snooze 12', 'crm task snooze 12 "next monday 10am"']);
  snooze.action(async (id: string, when: string | undefined) => {
    const r = await snoozeTask(sessionOf(ctx), parseId(id, 'Task'), when);
    printChanged(ctx.out, r.task);
    info(ctx.io, `Due: ${r.due!.display}`);
    info(ctx.io, `Snoozed task #${r.task.id} ${r.task.subject}`);
  });

  exportVerb.register(noun, ctx);
}
