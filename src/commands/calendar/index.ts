/** `crm calendar add|list|show|edit` and `crm calendar holiday add|remove|list`. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addCalendar, addHoliday, editCalendar, listCalendars, removeHoliday, showCalendar, type CalendarRecord, type HolidayRecord } from '../../domain/calendars.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

const listView: ListView<CalendarRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name' },
  { key: 'timezone', label: 'Time zone' },
  { key: 'hours', label: 'Business hours', maxWidth: 50 },
  { key: 'holidays', label: 'Holidays', get: (c) => c.holidays.length, format: 'int' },
  { key: 'policies', label: 'Used by', format: 'list' },
];

const fields: ListView<CalendarRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name' },
  { key: 'timezone', label: 'Time zone' },
  { key: 'hours', label: 'Business hours' },
  { key: 'policies', label: 'Used by', format: 'list' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
];

const holidayView: ListView<HolidayRecord> = [
  { key: 'date', label: 'Date' },
  { key: 'name', label: 'Name' },
];

const HOURS_HELP = 'business hours, e.g. "mon-fri 09:00-12:30,13:30-18:00; sat 10:00-14:00" or "24/7"';

export function register(noun: Command, ctx: CliContext): void {
  noun.description('business calendars for SLAs: time zone, hours per weekday, holidays');

  const add = noun
    .command('add')
    .description('add a business calendar')
    .argument('<name>', 'calendar name, e.g. office')
    .requiredOption('--tz <zone>', 'IANA time zone, e.g. Europe/Berlin')
    .option('--hours <spec>', `${HOURS_HELP} (default mon-fri 09:00-17:00)`);
  examples(add, ['crm calendar add office --tz Europe/Berlin --hours "mon-fri 09:00-12:30,13:30-18:00"', 'crm calendar add follow-the-sun --tz UTC --hours 24/7']);
  add.action(async (name: string, o: { tz: string; hours?: string }) => {
    const c = await addCalendar(sessionOf(ctx), { name, timezone: o.tz, hours: o.hours });
    printCreated(ctx.out, c.id, c);
    info(ctx.io, `Added calendar ${c.name} (${c.timezone}: ${c.hours})`);
  });

  const list = noun.command('list').alias('ls').description('list calendars');
  examples(list, ['crm calendar list', 'crm calendar list --json']);
  list.action(async () => printList(ctx.out, listView, await listCalendars(sessionOf(ctx)), { emptyMessage: 'No calendars yet. Add one: crm calendar add office --tz Europe/Berlin --hours "mon-fri 09:00-18:00"' }));

  const show = noun.command('show').description('one calendar with its holidays').argument('<calendar>', 'name or id');
  examples(show, ['crm calendar show office']);
  show.action(async (ref: string) => {
    const c = await showCalendar(sessionOf(ctx), ref);
    printRecord(ctx.out, c, fields, [{ title: 'Holidays', view: holidayView, rows: c.holidays }]);
  });

  const edit = noun
    .command('edit')
    .description('change name, time zone or hours')
    .argument('<calendar>', 'name or id')
    .option('--name <name>', 'new name')
    .option('--tz <zone>', 'IANA time zone')
    .option('--hours <spec>', HOURS_HELP);
  examples(edit, ['crm calendar edit office --hours "mon-fri 08:00-12:00,13:00-17:00"']);
  edit.action(async (ref: string, o: { name?: string; tz?: string; hours?: string }) => {
    const c = await editCalendar(sessionOf(ctx), ref, { name: o.name, timezone: o.tz, hours: o.hours });
    printChanged(ctx.out, c);
    info(ctx.io, `Calendar ${c.name}: ${c.timezone}, ${c.hours}`);
  });

  const holiday = noun.command('holiday').description('holidays of a calendar: add, remove, list');
  const hAdd = holiday.command('add').description('add a holiday (a whole day in the calendar zone)').argument('<calendar>', 'name or id').argument('<date>', 'YYYY-MM-DD').argument('[name...]', 'what it is');
  examples(hAdd, ['crm calendar holiday add office 2026-12-25 Christmas Day']);
  hAdd.action(async (ref: string, date: string, name: string[]) => {
    const c = await addHoliday(sessionOf(ctx), ref, date, name.join(' ') || undefined);
    printChanged(ctx.out, c);
    info(ctx.io, `Calendar ${c.name}: ${date} is a holiday (${c.holidays.length} in all)`);
  });
  const hRemove = holiday.command('remove').alias('rm').description('remove a holiday').argument('<calendar>', 'name or id').argument('<date>', 'YYYY-MM-DD');
  examples(hRemove, ['crm calendar holiday remove office 2026-12-25']);
  hRemove.action(async (ref: string, date: string) => {
    const c = await removeHoliday(sessionOf(ctx), ref, date);
    printChanged(ctx.out, c);
    info(ctx.io, `Calendar ${c.name}: ${date} is a working day again`);
  });
  const hList = holiday.command('list').alias('ls').description('list holidays').argument('<calendar>', 'name or id');
  examples(hList, ['crm calendar holiday list office']);
  hList.action(async (ref: string) => printList(ctx.out, holidayView, (await showCalendar(sessionOf(ctx), ref)).holidays, { emptyMessage: 'No holidays.' }));
}
