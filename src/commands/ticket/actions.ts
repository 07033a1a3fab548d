/** The lifecycle verbs: each writes events with actor and time, and prints the ticket with --json. */
import { bodyFileOption, inlineOrBodyFile } from '../body-file.js';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import {
  assignTicket,
  editTicket,
  label,
  messageOnTicket,
  noteOnTicket,
  rateTicket,
  reopenTicket,
  replyToTicket,
  setTicketPriority,
  setTicketStatus,
  type TicketDetail,
} from '../../domain/tickets.js';
import { info } from '../../io.js';
import { parseSetFlags } from '../../domain/custom-fields.js';
import { setOption } from '../custom-fields.js';
import { formatLocalDateTime } from '../../output/format.js';
import { printChanged } from '../../output/render.js';
import { collect, examples, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { UsageError } from '../../errors.js';
import { replyFromTemplate } from '../../domain/templates.js';

function done(ctx: CliContext, t: TicketDetail, what: string): void {
  printChanged(ctx.out, t);
  const due = t.nextDeadline ? `; next SLA deadline ${formatLocalDateTime(t.nextDeadline, ctx.timeZone)}${t.breaching ? ' (breached)' : ''}` : '';
  info(ctx.io, `Ticket #${t.id} ${what} — ${label(t.status)}${t.assignee ? `, ${t.assignee}` : ''}${due}`);
}

/** --if-version on every verb that changes the ticket: checked inside the write transaction. */
function ifVersion(cmd: Command): Command {
  return cmd.option('--if-version <n>', 'refuse if the ticket is no longer at this version (the version field of --json)', positiveInt('--if-version'));
}

type IfVersion = { ifVersion?: number };

function textVerb(parent: Command, ctx: CliContext, name: string, description: string, fn: typeof replyToTicket, what: string, example: string[]): Command {
  const cmd = ifVersion(bodyFileOption(parent.command(name).description(description).argument('<id>', 'ticket id').argument('[text...]', 'the text (quote it)'), 'the text'));
  examples(cmd, example);
  cmd.action(async (id: string, words: string[], o: IfVersion & { bodyFile?: string }) => done(ctx, await fn(sessionOf(ctx), id, inlineOrBodyFile(words.join(' '), o.bodyFile, 'the text') ?? '', o.ifVersion), what));
  return cmd;
}

export function register(parent: Command, ctx: CliContext): void {
  const reply = textVerb(parent, ctx, 'reply', 'a public reply to the requester (stops first/next-reply clocks); or one filled from a template (a macro)', replyToTicket, 'replied', [
    `crm ticket reply 1 "We're on it"`,
    `crm ticket reply 1 "We're on it" --if-version 3   # only if nobody changed it since version 3`,
    'crm ticket reply 1 --body-file answer.txt        # or --body-file - to read stdin',
    'crm ticket reply 12 --template refund-delay      # fill {{requester.firstName}}, {{ticket.id}}…; a macro also sets status, priority, tags',
  ]);
  reply.option('--template <name>', 'fill this template for the ticket and send it (its merge fields are checked first; a macro also sets status, priority, tags)');
  reply.action(async (id: string, words: string[], o: IfVersion & { bodyFile?: string; template?: string }) => {
    if (o.template === undefined) return done(ctx, await replyToTicket(sessionOf(ctx), id, inlineOrBodyFile(words.join(' '), o.bodyFile, 'the text') ?? '', o.ifVersion), 'replied');
    if (words.length || o.bodyFile !== undefined) throw new UsageError('Give the text, --body-file or --template, not two of them.');
    const r = await replyFromTemplate(sessionOf(ctx), id, o.template, o.ifVersion);
    done(ctx, r.ticket, `replied from template ${r.template}`);
  });
  textVerb(parent, ctx, 'note', 'an internal note (never counts as a reply)', noteOnTicket, 'noted', [
    'crm ticket note 1 "Called the customer, no answer"',
    'crm ticket note 1 "Called again" --if-version 4',
  ]);
  textVerb(parent, ctx, 'message', 'record a message from the requester (pending or solved → open)', messageOnTicket, 'got a message', [
    'crm ticket message 1 "Here is the serial number"',
    'crm ticket message 1 "Here is the serial number" --if-version 5',
  ]);

  const status = (name: string, description: string, to: 'pending' | 'on_hold' | 'solved', what: string, example: string[]) => {
    const cmd = ifVersion(bodyFileOption(parent.command(name).description(description).argument('<id>', 'ticket id').option('--note <text>', 'an internal note with the change'), 'the --note'));
    examples(cmd, example);
    cmd.action(async (id: string, o: { note?: string; bodyFile?: string } & IfVersion) => done(ctx, await setTicketStatus(sessionOf(ctx), id, to, { note: inlineOrBodyFile(o.note, o.bodyFile, '--note'), expectVersion: o.ifVersion }), what));
  };
  status('pending', 'waiting on the requester (pauses the resolution clock)', 'pending', 'set to pending', ['crm ticket pending 1', 'crm ticket pending 1 --if-version 3']);
  status('hold', 'waiting on a third party (pauses the resolution clock)', 'on_hold', 'put on hold', ['crm ticket hold 1 --note "Waiting for the courier"', 'crm ticket hold 1 --if-version 3']);
  status('solve', 'mark solved (stops the clocks; the requester can still reopen)', 'solved', 'solved', [
    'crm ticket solve 1',
    'v=$(crm ticket show 1 --json | jq .version) && crm ticket solve 1 --if-version "$v"   # fails (exit 1) if changed meanwhile',
  ]);

  const close = parent
    .command('close')
    .description('close a solved ticket (final), optionally with satisfaction 1–5')
    .argument('<id>', 'ticket id')
    .option('--csat <n>', 'customer satisfaction, 1 (bad) to 5 (great)', (v) => {
      if (!/^[1-5]$/.test(v.trim())) throw new UsageError(`--csat must be a whole number from 1 to 5, not "${v}".`);
      return Number(v);
    });
  ifVersion(close);
  examples(close, ['crm ticket close 1 --csat 5', 'crm ticket close 1 --csat 5 --if-version 6']);
  close.action(async (id: string, o: { csat?: number } & IfVersion) => done(ctx, await setTicketStatus(sessionOf(ctx), id, 'closed', { csat: o.csat, expectVersion: o.ifVersion }), 'closed'));

  const rate = ifVersion(
    bodyFileOption(
      parent
        .command('rate')
        .description("record the requester's satisfaction (CSAT 1–5) on a solved or closed ticket")
        .argument('<id>', 'ticket id')
        .argument('<score>', '1 (bad) to 5 (great)')
        .option('--comment <text>', "the requester's comment"),
      'the --comment',
    ),
  );
  examples(rate, ['crm ticket rate 12 5 --comment "Quick and friendly"', 'crm ticket rate 12 2 --body-file survey-answer.txt', 'crm report agents   # satisfaction next to volume, per agent']);
  rate.action(async (id: string, score: string, o: { comment?: string; bodyFile?: string } & IfVersion) =>
    done(ctx, await rateTicket(sessionOf(ctx), id, score, inlineOrBodyFile(o.comment, o.bodyFile, '--comment'), o.ifVersion), `rated ${score.trim()}`),
  );

  const reopen = ifVersion(parent.command('reopen').description('solved → open (resumes the resolution clock); also pending / on hold → open').argument('<id>', 'ticket id'));
  examples(reopen, ['crm ticket reopen 1', 'crm ticket reopen 1 --if-version 6']);
  reopen.action(async (id: string, o: IfVersion) => done(ctx, await reopenTicket(sessionOf(ctx), id, o.ifVersion), 'reopened'));

  const assign = ifVersion(parent.command('assign').description('assign to an agent (or none)').argument('<id>', 'ticket id').argument('<user>', 'handle, name, me, or none'));
  examples(assign, ['crm ticket assign 1 support.anna', 'crm ticket assign 1 me', 'crm ticket assign 1 none', 'crm ticket assign 1 me --if-version 2   # take it only if nobody else did meanwhile']);
  assign.action(async (id: string, user: string, o: IfVersion) => done(ctx, await assignTicket(sessionOf(ctx), id, user, o.ifVersion), 'assigned'));

  const priority = ifVersion(parent.command('priority').description('change priority (SLA targets follow from now on)').argument('<id>', 'ticket id').argument('<priority>', 'low | normal | high | urgent'));
  examples(priority, ['crm ticket priority 1 urgent', 'crm ticket priority 1 urgent --if-version 2']);
  priority.action(async (id: string, p: string, o: IfVersion) => done(ctx, await setTicketPriority(sessionOf(ctx), id, p, o.ifVersion), `is now ${p.toLowerCase()} priority`));

  const edit = parent
    .command('edit')
    .description('change subject, description, category, channel, product, warranty date or tags')
    .argument('<id>', 'ticket id')
    .option('--subject <text>', 'new subject')
    .option('--description <text>', 'new description')
    .option('--category <category>', 'category (none to clear)')
    .option('--channel <channel>', 'channel (none to clear)')
    .option('--product <name>', 'product (none to clear)')
    .option('--warranty-until <date>', 'warranty end date YYYY-MM-DD (none to clear)')
    .option('--tag <tag>', 'add a tag (repeatable)', collect)
    .option('--untag <tag>', 'remove a tag (repeatable)', collect);
  bodyFileOption(edit, 'the --description');
  setOption(edit);
  ifVersion(edit);
  examples(edit, ['crm ticket edit 1 --category billing --tag vip', 'crm ticket edit 1 --product "LaserJet 4" --warranty-until 2027-03-31', 'crm ticket edit 1 --subject "Printer on fire (2nd floor)" --if-version 4   # fails if someone changed it since version 4']);
  edit.action(async (id: string, o: { subject?: string; description?: string; bodyFile?: string; category?: string; channel?: string; product?: string; warrantyUntil?: string; tag?: string[]; untag?: string[]; set?: string[] } & IfVersion) =>
    done(ctx, await editTicket(sessionOf(ctx), id, { subject: o.subject, description: inlineOrBodyFile(o.description, o.bodyFile, '--description'), category: o.category, channel: o.channel, product: o.product, warrantyUntil: o.warrantyUntil, addTags: o.tag, removeTags: o.untag, setFields: parseSetFlags(o.set) }, o.ifVersion), 'changed'),
  );
}
