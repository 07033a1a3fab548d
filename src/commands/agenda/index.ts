/**
 * `crm agenda`: overdue, today and upcoming tasks plus scheduled meetings. The same plain
 * sections on a terminal and in a pipe (cron mails it), --json for scripts, --format tsv|csv
 * for a flat list with a section column.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { agenda, type Agenda, type AgendaItem } from '../../domain/activities.js';
import { formatWhen } from '../../domain/dates.js';
import { colors } from '../../output/color.js';
import type { ListView } from '../../output/columns.js';
import { emit, parseFormat, printList, toJson } from '../../output/render.js';
import { safeCell } from '../../output/safe.js';
import { UsageError } from '../../errors.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

const SECTIONS = [
  ['overdue', 'Overdue'],
  ['today', 'Today'],
  ['upcoming', 'Upcoming'],
] as const;

type FlatItem = AgendaItem & { section: string };

const flatView: ListView<FlatItem> = [
  { key: 'section', label: 'Section' },
  { key: 'at', label: 'When', format: 'datetime' },
  { key: 'type', label: 'Type' },
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'title', label: 'Title' },
  { key: 'about', label: 'About' },
  { key: 'owner', label: 'Owner' },
];

export function renderAgendaText(a: Agenda, opts: { color: boolean; showOwner: boolean }): string {
  const c = colors({ color: opts.color });
  const day = formatWhen(a.now, a.timeZone).replace(/ \d{2}:\d{2} /, ' ');
  const lines = [`Agenda for ${a.owner ?? 'everyone'} — ${day}${a.days ? `, next ${a.days} day${a.days === 1 ? '' : 's'}` : ''}`];
  for (const [key, title] of SECTIONS) {
    if (key === 'upcoming' && a.days === 0) continue;
    const items = a[key];
    lines.push('', c.bold(`${title} (${items.length})`));
    if (items.length === 0) lines.push(c.dim('  nothing'));
    for (const i of items) {
      const when = formatWhen(i.at!, a.timeZone).replace(/ \(.*\)$/, '');
      const what = i.type === 'task' ? `task #${i.id}` : `meeting #${i.id}`;
      const about = i.about ? ` — ${safeCell(i.about)}` : '';
      const owner = opts.showOwner && i.owner ? c.dim(` [${i.owner}]`) : '';
      const dur = i.type === 'meeting' && i.durationMinutes ? ` (${i.durationMinutes} min)` : '';
      const whenText = key === 'overdue' ? c.red(when) : when;
      lines.push(`  ${whenText}  ${what.padEnd(12)} ${safeCell(i.title)}${dur}${about}${owner}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function register(noun: Command, ctx: CliContext): void {
  noun
    .description('your agenda: overdue, today and upcoming tasks and meetings')
    .option('--owner <user>', 'whose agenda: a user, "me", or "all" (default: you when you are a known user, else all)')
    .option('--days <n>', 'how many days after today count as upcoming (default 7; 0 for today only)', (v: string) => {
      if (!/^\d+$/.test(v)) throw new UsageError(`--days must be a whole number, not "${v}".`, 'e.g. crm agenda --days 14');
      return Number(v);
    })
    .action(async (o: { owner?: string; days?: number }) => {
      const a = await agenda(sessionOf(ctx), { owner: o.owner, days: o.days });
      const format = parseFormat(ctx.globals.format) ?? (ctx.globals.json ? 'json' : undefined);
      if (format === 'json' || format === 'ndjson') {
        emit(ctx.out, toJson(a) + '\n');
        return;
      }
      if (format === 'tsv' || format === 'csv' || format === 'table') {
        const flat: FlatItem[] = SECTIONS.flatMap(([key]) => a[key].map((i) => ({ ...i, section: key })));
        printList(ctx.out, flatView, flat);
        return;
      }
      emit(ctx.out, renderAgendaText(a, { color: ctx.io.color && !ctx.globals.output, showOwner: a.owner === null }));
    });
  examples(noun, ['crm agenda', 'crm agenda --owner sara --days 14', 'crm agenda --owner all | mail -s "Team agenda" team@example.com', 'crm agenda --json']);
}
