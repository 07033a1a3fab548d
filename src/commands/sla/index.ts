/** `crm sla policy add|list|show|edit|reorder`. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addPolicy, editPolicy, listPolicies, parseCalendarTimeFlag, reorderPolicies, showPolicy, type PolicyInput, type PolicyRecord } from '../../domain/sla-policies.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { collect, examples } from '../common.js';
import { sessionOf } from '../session.js';

const listView: ListView<PolicyRecord> = [
  { key: 'position', label: '#', format: 'int' },
  { key: 'name', label: 'Policy' },
  { key: 'when', label: 'When', maxWidth: 36 },
  { key: 'calendar', label: 'Calendar', get: (p) => p.calendar?.name ?? '24/7' },
  { key: 'firstReply', label: 'First reply', maxWidth: 40 },
  { key: 'nextReply', label: 'Next reply', maxWidth: 40 },
  { key: 'resolution', label: 'Resolution', maxWidth: 40 },
];

const fields: ListView<PolicyRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Policy' },
  { key: 'position', label: 'Position', format: 'int' },
  { key: 'when', label: 'Applies to' },
  { key: 'calendar', label: 'Calendar', get: (p) => p.calendar?.name ?? '24/7 (calendar time)' },
  { key: 'firstReply', label: 'First reply' },
  { key: 'nextReply', label: 'Next reply' },
  { key: 'resolution', label: 'Resolution' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
];

interface PolicyFlags {
  calendar?: string;
  firstReply?: string;
  nextReply?: string;
  resolution?: string;
  calendarTime?: string | boolean;
  priority?: string[];
  category?: string[];
  tier?: string[];
  channel?: string[];
  name?: string;
}

function policyOptions(cmd: Command): Command {
  return cmd
    .option('--calendar <calendar>', 'business calendar the targets run on (none: calendar time, 24/7)')
    .option('--first-reply <targets>', 'first-reply targets per priority, e.g. "normal=1h,high=30m" (m, h, d; all=…)')
    .option('--next-reply <targets>', 'next-reply targets per priority, e.g. "normal=4h,urgent=1h"')
    .option('--resolution <targets>', 'resolution targets per priority, e.g. "normal=2d,high=8h" (d = business days)')
    .option('--calendar-time [metrics]', 'measure in calendar time instead of business hours: all (default) or first-reply,next-reply,resolution; none to undo')
    .option('--priority <list>', 'condition: ticket priority (comma-separated; any to clear)', collect)
    .option('--category <list>', 'condition: ticket category', collect)
    .option('--tier <list>', "condition: the company's tier", collect)
    .option('--channel <list>', 'condition: ticket channel', collect);
}

function inputFrom(o: PolicyFlags): PolicyInput {
  return {
    name: o.name,
    calendar: o.calendar,
    firstReply: o.firstReply,
    nextReply: o.nextReply,
    resolution: o.resolution,
    calendarTime: parseCalendarTimeFlag(o.calendarTime),
    priority: o.priority,
    category: o.category,
    tier: o.tier,
    channel: o.channel,
  };
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('SLA policies: conditions → targets for first reply, next reply, resolution (crm help sla)');
  const policy = noun.command('policy').alias('policies').description('SLA policies, evaluated in order; the default is the last, catch-all entry');

  const add = policyOptions(policy.command('add').description('add a policy (evaluated before the default; first match wins)').argument('<name>', 'policy name'));
  examples(add, [
    'crm sla policy add standard --calendar office --first-reply "normal=1h,high=30m" --resolution "normal=2d,high=8h"',
    'crm sla policy add vip --tier A --calendar office --first-reply "all=30m" --next-reply "all=2h" --resolution "all=1d"',
    'crm sla policy add outage --priority urgent --first-reply "urgent=15m" --resolution "urgent=4h" --calendar-time',
  ]);
  add.action(async (name: string, o: PolicyFlags) => {
    const p = await addPolicy(sessionOf(ctx), { ...inputFrom(o), name });
    printCreated(ctx.out, p.id, p);
    info(ctx.io, `Added SLA policy ${p.name} for ${p.when}${p.calendar ? ` on calendar ${p.calendar.name}` : ' in calendar time'}`);
  });

  const list = policy.command('list').alias('ls').description('policies in evaluation order');
  examples(list, ['crm sla policy list', 'crm sla policy list --json']);
  list.action(async () => printList(ctx.out, listView, await listPolicies(sessionOf(ctx))));

  const show = policy.command('show').description('one policy').argument('<policy>', 'name or id');
  examples(show, ['crm sla policy show standard']);
  show.action(async (ref: string) => printRecord(ctx.out, await showPolicy(sessionOf(ctx), ref), fields));

  const edit = policyOptions(policy.command('edit').description('change targets, conditions or calendar (targets merge: give "none" to clear a metric)').argument('<policy>', 'name or id')).option('--name <name>', 'new name');
  examples(edit, ['crm sla policy edit standard --first-reply "normal=2h,high=1h,urgent=30m"', 'crm sla policy edit default --calendar office', 'crm sla policy edit vip --tier any --priority urgent']);
  edit.action(async (ref: string, o: PolicyFlags) => {
    const p = await editPolicy(sessionOf(ctx), ref, inputFrom(o));
    printChanged(ctx.out, p);
    info(ctx.io, `SLA policy ${p.name} changed; it applies to tickets from their next change on`);
  });

  const reorder = policy.command('reorder').description('put these policies first, in this order (the default stays last)').argument('<policies...>', 'names or ids');
  examples(reorder, ['crm sla policy reorder vip standard']);
  reorder.action(async (refs: string[]) => {
    const all = await reorderPolicies(sessionOf(ctx), refs);
    printChanged(ctx.out, all);
    info(ctx.io, `Order: ${all.map((p) => p.name).join(' → ')}`);
  });
}
