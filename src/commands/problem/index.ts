/** `crm problem add|show|list|edit|close|link|unlink`: root causes that link many tickets. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addProblem, closeProblem, editProblem, linkProblemTickets, listProblems, PROBLEM_STATUSES, showProblem, type ProblemDetail, type ProblemInput, type ProblemRecord } from '../../domain/problems.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';

const STATUS_HELP = PROBLEM_STATUSES.join(' | ');

const listView: ListView<ProblemRecord> = [
  { key: 'id', label: 'ID', format: 'int', priority: 0 },
  { key: 'title', label: 'Title', maxWidth: 48, minWidth: 20, priority: 0 },
  { key: 'status', label: 'Status', priority: 1 },
  { key: 'ticketCount', label: 'Tickets', format: 'int', priority: 1 },
  { key: 'owner', label: 'Owner', priority: 3 },
  { key: 'product', label: 'Product', maxWidth: 20, priority: 4 },
  { key: 'fixVersion', label: 'Fix', priority: 3 },
  { key: 'updatedAt', label: 'Updated', format: 'age', priority: 5 },
];

const fields: ListView<ProblemDetail> = [
  { key: 'id', label: 'Problem', format: 'int' },
  { key: 'title', label: 'Title' },
  { key: 'status', label: 'Status' },
  { key: 'owner', label: 'Owner' },
  { key: 'product', label: 'Product' },
  { key: 'fixVersion', label: 'Fix version' },
  { key: 'ticketCount', label: 'Tickets', format: 'int' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
  { key: 'closedAt', label: 'Closed', format: 'datetime' },
  { key: 'version', label: 'Version', format: 'int' },
];

const ticketsView: ListView<ProblemDetail['tickets'][number]> = [
  { key: 'id', label: 'Ticket', format: 'int' },
  { key: 'status', label: 'Status' },
  { key: 'category', label: 'Category' },
  { key: 'subject', label: 'Subject', maxWidth: 50 },
  { key: 'linkedAt', label: 'Linked', format: 'datetime' },
];

interface ProblemFlags {
  title?: string;
  status?: string;
  owner?: string;
  rootCause?: string;
  fixVersion?: string;
  product?: string;
}

const input = (o: ProblemFlags): ProblemInput => ({ title: o.title, status: o.status, owner: o.owner, rootCause: o.rootCause, fixVersion: o.fixVersion, product: o.product });

function problemOptions(cmd: Command): Command {
  return cmd
    .option('--status <status>', STATUS_HELP)
    .option('--owner <user>', 'who works on it (handle, me, none)')
    .option('--root-cause <text>', 'what causes it (none to clear)')
    .option('--fix-version <version>', 'the release that fixes it (none to clear)')
    .option('--product <name>', 'the product it affects (none to clear)');
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('problems (root causes): link the tickets one defect causes, track it to a fix');

  const add = problemOptions(noun.command('add').description('record a problem (status investigating unless --status)').argument('<title>', 'what goes wrong'));
  examples(add, ['crm problem add "Printers drop off Wi-Fi after firmware 4.2" --owner anna --product "LaserJet 4"', 'crm problem add "Invoices show the wrong VAT" --status known-error --json']);
  add.action(async (title: string, o: ProblemFlags) => {
    const p = await addProblem(sessionOf(ctx), { ...input(o), title });
    printCreated(ctx.out, p.id, p);
    info(ctx.io, `Added problem #${p.id} (${p.status})`);
  });

  const show = noun.command('show').description('one problem with its linked tickets').argument('<id>', 'problem id');
  examples(show, ['crm problem show 3', 'crm problem show 3 --json | jq .tickets']);
  show.action(async (id: string) => {
    const p = await showProblem(sessionOf(ctx), id);
    printRecord(ctx.out, p, fields, [{ title: 'Root cause', text: p.rootCause ?? '' }, { title: 'Linked tickets', view: ticketsView, rows: p.tickets }]);
  });

  const list = noun
    .command('list')
    .alias('ls')
    .description('open problems (not fixed), most linked tickets first')
    .option('--status <status>', `only this status: ${STATUS_HELP}`)
    .option('--all', 'fixed ones too')
    .option('--limit <n>', 'at most N rows', positiveInt('--limit'));
  examples(list, ['crm problem list', 'crm problem list --status known-error', 'crm problem list --all --json']);
  list.action(async (o: { status?: string; all?: boolean; limit?: number }) => {
    const { rows, total } = await listProblems(sessionOf(ctx), { status: o.status, all: o.all, limit: effectiveLimit(ctx, o.limit, o.all) });
    printList(ctx.out, listView, rows, { emptyMessage: o.all || o.status ? 'No problems.' : 'No open problems (crm problem list --all for fixed ones).' });
    noteTruncated(ctx, rows.length, total, 'problems');
  });

  const edit = problemOptions(noun.command('edit').description('change title, status, owner, root cause, fix version, product').argument('<id>', 'problem id').option('--title <text>', 'new title'));
  examples(edit, ['crm problem edit 3 --status known-error --root-cause "Firmware 4.2 drops the DHCP lease"', 'crm problem edit 3 --status escalated --owner ben', 'crm problem edit 3 --fix-version 4.3.1 --json']);
  edit.action(async (id: string, o: ProblemFlags) => {
    const p = await editProblem(sessionOf(ctx), id, input(o));
    printChanged(ctx.out, p);
    info(ctx.io, `Problem #${p.id} changed — ${p.status}`);
  });

  const close = noun.command('close').description('mark a problem fixed').argument('<id>', 'problem id').option('--fix-version <version>', 'the release that fixes it').option('--root-cause <text>', 'what caused it');
  examples(close, ['crm problem close 3 --fix-version 4.3.1', 'crm problem close 3 --root-cause "DHCP lease not renewed" --json']);
  close.action(async (id: string, o: ProblemFlags) => {
    const p = await closeProblem(sessionOf(ctx), id, { fixVersion: o.fixVersion, rootCause: o.rootCause });
    printChanged(ctx.out, p);
    info(ctx.io, `Problem #${p.id} fixed${p.fixVersion ? ` in ${p.fixVersion}` : ''} (${p.ticketCount} linked ticket${p.ticketCount === 1 ? '' : 's'})`);
  });

  for (const verb of ['link', 'unlink'] as const) {
    const cmd = noun
      .command(verb)
      .description(verb === 'link' ? 'link tickets to a problem (they show it in ticket show)' : 'remove tickets from a problem')
      .argument('<id>', 'problem id')
      .argument('<tickets...>', 'ticket:12 ticket:19 (or 12 19)');
    examples(cmd, [`crm problem ${verb} 3 ticket:12 ticket:19`, `crm problem ${verb} 3 12 19 20 --json`]);
    cmd.action(async (id: string, tickets: string[]) => {
      const r = await linkProblemTickets(sessionOf(ctx), id, tickets, verb === 'unlink');
      printChanged(ctx.out, r.problem);
      const list = (ids: number[]) => ids.map((t) => `#${t}`).join(', ');
      const did = verb === 'link' ? 'Linked' : 'Unlinked';
      info(ctx.io, `${r.changed.length ? `${did} ${list(r.changed)} ${verb === 'link' ? 'to' : 'from'} problem #${r.problem.id}` : 'Nothing changed'}${r.unchanged.length ? `; ${list(r.unchanged)} ${verb === 'link' ? 'already linked' : 'were not linked'}` : ''} — ${r.problem.ticketCount} linked`);
    });
  }
}
