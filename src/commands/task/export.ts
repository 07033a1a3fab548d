/** `crm task export --ics`: open tasks and recent/upcoming meetings as an iCalendar file. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { listActivities, ownerScope } from '../../domain/activities.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import { buildIcs } from '../../domain/ics.js';
import { emit } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { plural } from '../../output/plural.js';

export function register(noun: Command, ctx: CliContext): void {
  const cmd = noun
    .command('export')
    .description('export open tasks (VTODO) and meetings (VEVENT) as iCalendar for calendar apps')
    .option('--ics', 'iCalendar format (RFC 5545; the only format for now)')
    .option('--owner <user>', 'whose tasks: a user, "me", or "all" (default: you when you are a known user, else all)')
    .option('--since-days <n>', 'include meetings from this many days back (default 30)', (v) => {
      if (!/^\d+$/.test(v)) throw new UsageError(`--since-days must be a whole number, not "${v}".`);
      return Number(v);
    });
  examples(cmd, ['crm task export --ics -o tasks.ics', 'crm task export --ics --owner sara > sara.ics', 'crm task export --ics --owner all -o team.ics']);
  cmd.action(async (o: { ics?: boolean; owner?: string; sinceDays?: number }) => {
    if (!o.ics) throw new UsageError('Say which format: --ics.', 'crm task export --ics -o tasks.ics');
    const s = sessionOf(ctx);
    const owner = await ownerScope(s, o.owner);
    const ownerTerm = owner ? [`owner:${owner.handle}`] : [];
    const since = new Date(s.now().getTime() - (o.sinceDays ?? 30) * 86_400_000).toISOString();
    const tasks = (await listActivities(s, { scope: 'tasks', status: 'open', filter: ownerTerm })).rows.filter((t) => t.dueAt);
    const meetings = (await listActivities(s, { scope: 'logged', filter: ['kind:meeting', ...ownerTerm] })).rows.filter((m) => m.occurredAt && m.occurredAt >= since).reverse();
    emit(ctx.out, buildIcs([...tasks, ...meetings], { now: s.now(), calendarName: owner ? `crm: ${owner.handle}` : 'crm' }));
    info(ctx.io, `Exported ${plural(tasks.length, 'task')} and ${plural(meetings.length, 'meeting')}${ctx.globals.output ? ` to ${ctx.globals.output}` : ''}.`);
  });
}
