/** Business calendars: an IANA zone, business hours per weekday, holidays. */
import { diff, recordAudit } from '../db/audit.js';
import type { Calendar } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { clearSlaDue } from './sla-due.js';
import { ConflictError, NotFoundError, UserError } from '../errors.js';
import { nowIso, type Session } from './session.js';
import { formatHours, hoursFromJson, hoursToJson, parseHours } from './sla/hours.js';
import { assertValidZone } from './sla/time-basis.js';
import { parseDay } from './period.js';
import type { CalendarDef } from './sla/policy.js';
import { cleanText } from './validate.js';
import { bumpVersion, updateIfVersion } from '../db/versioned.js';
import { authorize } from './permissions.js';

export interface HolidayRecord {
  date: string;
  name: string | null;
}

export interface CalendarRecord {
  id: number;
  name: string;
  timezone: string;
  hours: string;
  /** Per weekday, [start, end] "HH:MM" intervals. */
  week: Record<string, [string, string][]>;
  holidays: HolidayRecord[];
  policies: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

async function holidaysOf(db: Trx, ids: number[]): Promise<Map<number, HolidayRecord[]>> {
  const map = new Map<number, HolidayRecord[]>();
  if (!ids.length) return map;
  const rows = await db.selectFrom('calendar_holidays').selectAll().where('calendar_id', 'in', ids).orderBy('date').execute();
  for (const r of rows) {
    const list = map.get(r.calendar_id) ?? [];
    list.push({ date: r.date, name: r.name });
    map.set(r.calendar_id, list);
  }
  return map;
}

async function toRecords(db: Trx, rows: Calendar[]): Promise<CalendarRecord[]> {
  const ids = rows.map((r) => r.id);
  const holidays = await holidaysOf(db, ids);
  const policies = ids.length ? await db.selectFrom('sla_policies').select(['name', 'calendar_id']).where('calendar_id', 'in', ids).where('archived_at', 'is', null).orderBy('position').execute() : [];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    timezone: r.timezone,
    hours: formatHours(hoursFromJson(r.hours)),
    week: JSON.parse(r.hours) as Record<string, [string, string][]>,
    holidays: holidays.get(r.id) ?? [],
    policies: policies.filter((p) => p.calendar_id === r.id).map((p) => p.name),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  }));
}

export async function findCalendar(db: Trx, ref: string): Promise<Calendar | undefined> {
  const r = ref.trim();
  if (/^#?\d+$/.test(r)) return db.selectFrom('calendars').selectAll().where('id', '=', Number(r.replace('#', ''))).executeTakeFirst();
  return db.selectFrom('calendars').selectAll().where('name', '=', r).executeTakeFirst();
}

export async function getCalendar(db: Trx, ref: string): Promise<Calendar> {
  const c = await findCalendar(db, ref);
  if (!c) throw new NotFoundError(`No calendar "${ref}".`, 'List calendars with: crm calendar list — or add one: crm calendar add office --tz Europe/Berlin --hours "mon-fri 09:00-18:00"');
  return c;
}

function validName(name: string): string {
  const n = cleanText(name);
  if (!n) throw new UserError('A calendar needs a name.', 'crm calendar add office --tz Europe/Berlin --hours "mon-fri 09:00-18:00"');
  if (/^#?\d+$/.test(n)) throw new UserError(`A calendar name cannot be a number ("${n}"): numbers name calendars by id.`);
  return n;
}

export interface CalendarInput {
  name?: string;
  timezone?: string;
  hours?: string;
}

export async function addCalendar(s: Session, input: CalendarInput & { name: string }): Promise<CalendarRecord> {
  await authorize(s, 'sla.manage');
  const name = validName(input.name);
  if (!input.timezone) throw new UserError('A calendar needs a time zone.', `crm calendar add ${name} --tz Europe/Berlin --hours "mon-fri 09:00-18:00"`, 'missing_field');
  const timezone = assertValidZone(input.timezone);
  const hours = hoursToJson(parseHours(input.hours ?? 'mon-fri 09:00-17:00'));
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    if (await findCalendar(trx, name)) throw new ConflictError(`A calendar named "${name}" already exists.`, `See it: crm calendar show ${name} — or change it: crm calendar edit ${name}`, 'duplicate');
    const row = await trx.insertInto('calendars').values({ name, timezone, hours, created_at: at, updated_at: at }).returningAll().executeTakeFirstOrThrow();
    const [record] = await toRecords(trx, [row]);
    await recordAudit(trx, { entity: 'calendar', entityId: row.id, action: 'create', changes: diff({}, { name, timezone, hours: record!.hours }), actor: s.actor, at });
    return record!;
  });
}

export async function listCalendars(s: Session): Promise<CalendarRecord[]> {
  const rows = await s.db.kysely.selectFrom('calendars').selectAll().orderBy('name').execute();
  return toRecords(s.db.kysely, rows);
}

export async function showCalendar(s: Session, ref: string): Promise<CalendarRecord> {
  return (await toRecords(s.db.kysely, [await getCalendar(s.db.kysely, ref)]))[0]!;
}

export async function editCalendar(s: Session, ref: string, input: CalendarInput): Promise<CalendarRecord> {
  await authorize(s, 'sla.manage');
  const cal = await getCalendar(s.db.kysely, ref);
  const patch: Record<string, unknown> = {};
  if (input.name !== undefined) patch.name = validName(input.name);
  if (input.timezone !== undefined) patch.timezone = assertValidZone(input.timezone);
  if (input.hours !== undefined) patch.hours = hoursToJson(parseHours(input.hours));
  if (!Object.keys(patch).length) throw new UserError('Nothing to change.', `Give --name, --tz or --hours: crm calendar edit ${cal.name} --hours "mon-fri 08:00-17:00"`, 'no_change');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    if (patch.name && patch.name !== cal.name && (await findCalendar(trx, patch.name as string))) throw new ConflictError(`A calendar named "${String(patch.name)}" already exists.`, undefined, 'duplicate');
    // The row as it is under the write lock: the edit waits its turn and never conflicts.
    const current = await getCalendar(trx, String(cal.id));
    const [before] = await toRecords(trx, [current]);
    if (!(await updateIfVersion(trx, 'calendars', cal.id, current.version, patch, at))) throw new ConflictError(`Calendar ${cal.name} was changed by someone else since you read it.`, `Look again: crm calendar show ${cal.name}`, 'stale');
    const [after] = await toRecords(trx, [(await trx.selectFrom('calendars').selectAll().where('id', '=', cal.id).executeTakeFirstOrThrow())]);
    const pick = (r: CalendarRecord) => ({ name: r.name, timezone: r.timezone, hours: r.hours });
    await recordAudit(trx, { entity: 'calendar', entityId: cal.id, action: 'update', changes: diff(pick(before!), pick(after!)), actor: s.actor, at });
    await clearSlaDue(trx); // every stored SLA deadline may move (sla-due.ts)
    return after!;
  });
}

export async function addHoliday(s: Session, ref: string, date: string, name?: string): Promise<CalendarRecord> {
  await authorize(s, 'sla.manage');
  const day = parseDay(date, 'Holiday').map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).join('-');
  const cal = await getCalendar(s.db.kysely, ref);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const exists = await trx.selectFrom('calendar_holidays').select('date').where('calendar_id', '=', cal.id).where('date', '=', day).executeTakeFirst();
    if (exists) throw new ConflictError(`${day} is already a holiday of ${cal.name}.`, `See them: crm calendar holiday list ${cal.name}`, 'duplicate');
    await trx.insertInto('calendar_holidays').values({ calendar_id: cal.id, date: day, name: cleanText(name) }).execute();
    await trx.updateTable('calendars').set({ updated_at: at, version: bumpVersion }).where('id', '=', cal.id).execute();
    await recordAudit(trx, { entity: 'calendar', entityId: cal.id, action: 'holiday_add', changes: { holiday: [null, day] }, actor: s.actor, at });
    await clearSlaDue(trx); // every stored SLA deadline may move (sla-due.ts)
    return (await toRecords(trx, [cal]))[0]!;
  });
}

export async function removeHoliday(s: Session, ref: string, date: string): Promise<CalendarRecord> {
  await authorize(s, 'sla.manage');
  const day = parseDay(date, 'Holiday').map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).join('-');
  const cal = await getCalendar(s.db.kysely, ref);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const res = await trx.deleteFrom('calendar_holidays').where('calendar_id', '=', cal.id).where('date', '=', day).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new NotFoundError(`${day} is not a holiday of ${cal.name}.`, `See them: crm calendar holiday list ${cal.name}`);
    await trx.updateTable('calendars').set({ updated_at: at, version: bumpVersion }).where('id', '=', cal.id).execute();
    await recordAudit(trx, { entity: 'calendar', entityId: cal.id, action: 'holiday_remove', changes: { holiday: [day, null] }, actor: s.actor, at });
    await clearSlaDue(trx); // every stored SLA deadline may move (sla-due.ts)
    return (await toRecords(trx, [cal]))[0]!;
  });
}

/** Every calendar as the SLA clock needs it. */
export async function loadCalendarDefs(db: Trx): Promise<Map<number, CalendarDef>> {
  const rows = await db.selectFrom('calendars').selectAll().execute();
  const holidays = await holidaysOf(db, rows.map((r) => r.id));
  return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, timezone: r.timezone, week: hoursFromJson(r.hours), holidays: (holidays.get(r.id) ?? []).map((h) => h.date) }]));
}
