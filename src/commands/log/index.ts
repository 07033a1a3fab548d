/**
 * `crm log call|meeting|email|note|touch <ref> "summary"`: record what happened and, with
 * --next, the follow-up task, in one transaction.
 */
import { bodyFileOption, inlineOrBodyFile } from '../body-file.js';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { LOG_KINDS, logActivity, type LogInput } from '../../domain/activities.js';
import { REF_HELP } from '../../domain/refs.js';
import { info } from '../../io.js';
import { printCreated } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

interface LogFlags {
  body?: string;
  bodyFile?: string;
  at?: string;
  duration?: string;
  next?: string;
  due?: string;
  owner?: string;
  kind?: string;
}

const DESCRIPTIONS: Record<(typeof LOG_KINDS)[number], string> = {
  call: 'log a phone call',
  meeting: 'log a meeting (or schedule one with a future --at)',
  email: 'log an email sent or received',
  note: 'write an internal note (does not count as touching the contact)',
  touch: 'log another touch: --kind newsletter | letter | linkedin',
};

export async function run(ctx: CliContext, kind: string, ref: string, summary: string, o: LogFlags): Promise<void> {
  const input: LogInput = { kind, ref, subject: summary, body: inlineOrBodyFile(o.body, o.bodyFile, '--body'), at: o.at, duration: o.duration, next: o.next, due: o.due, owner: o.owner, touchKind: o.kind };
  const r = await logActivity(sessionOf(ctx), input);
  printCreated(ctx.out, r.activity.id, { ...r.activity, followUp: r.task });
  if (r.at) info(ctx.io, `At: ${r.at.display}`);
  info(ctx.io, `Logged ${r.activity.kind} #${r.activity.id} on ${r.target.label}`);
  if (r.task && r.due) {
    info(ctx.io, `Due: ${r.due.display}`);
    info(ctx.io, `Follow-up task #${r.task.id} "${r.task.subject}" — see crm agenda`);
  }
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('log a call, meeting, email, note or touch: crm log call bob@example.com "Discussed pricing"');
  for (const kind of LOG_KINDS) {
    const cmd = noun
      .command(kind)
      .description(DESCRIPTIONS[kind])
      .argument('<ref>', REF_HELP)
      .argument('<summary>', 'what happened, in a few words')
      .option('--body <text>', 'details')
      .option('--body-file <file>', 'read the details from FILE (- for stdin)')
      .option('--at <when>', 'when it happened (default now): "yesterday 15:00", "2026-11-18 10:30"')
      .option('--duration <time>', 'how long: 20m, 1h, 1h30m')
      .option('--next <task>', 'the next step: creates a follow-up task')
      .option('--due <when>', 'due date of the --next task (default tomorrow 09:00): "next friday", "in 3 days"')
      .option('--owner <user>', 'owning user (default: you, when you are a known user)');
    if (kind === 'touch') cmd.option('--kind <kind>', 'newsletter | letter | linkedin (default: a generic touch)');
    examples(cmd, [
      `crm log ${kind} bob@example.com "Discussed pricing" --next "Send quote" --due "next friday"`,
      `crm log ${kind} "Sara Rahimi" "Intro" --at "yesterday 15:00" --duration 20m`,
      `crm log ${kind} company:"Acme Ltd" "Quarterly review"`,
      `crm log ${kind} deal:12 "Negotiated terms"   # also: ticket:7; a bare number is a contact id`,
    ]);
    cmd.action((ref: string, summary: string, o: LogFlags) => run(ctx, kind, ref, summary, o));
  }
}
