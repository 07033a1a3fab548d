/** Users: reps, managers, agents, admins. The acting user is a handle; it may or may not be a row here. */
import { recordAudit, diff } from '../db/audit.js';
import type { User } from '../db/schema.js';
import { writeTransaction } from '../db/transaction.js';
import { ConflictError, NotFoundError, UserError, versionConflict } from '../errors.js';
import { fold } from '../db/fold.js';
import { sql } from 'kysely';
import { changedColumns, noChangeError } from './no-change.js';
import { isTimeZone, parseCalendarKind, type CalendarKind } from './dates.js';
import { nowIso, type Session } from './session.js';
import { cleanText, normalizeEmail } from './validate.js';

import { authorize, ROLES, type Role } from './permissions.js';
export { ROLES, type Role };

/** Week starts by name, ISO numbered (1 = Monday … 7 = Sunday). */
export const WEEK_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** "monday", "mon", "sun", "1".."7" → 1..7; "" → null (the database default). */
export function parseWeekStart(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === '') return null;
  if (/^[1-7]$/.test(t)) return Number(t);
  const i = WEEK_DAYS.findIndex((d) => t.length >= 3 && d.startsWith(t));
  if (i < 0) throw new UserError(`"${text}" is not a day of the week.`, 'Use monday, sunday, saturday … (or 1–7, 1 = Monday).', 'invalid_week_start');
  return i + 1;
}

export interface UserRecord {
  id: number;
  handle: string;
  name: string;
  email: string | null;
  role: Role;
  team: string | null;
  timezone: string | null;
  /** The OS login that is this user, when it differs from the handle. */
  login: string | null;
  /** monday … sunday, or null for the database's default. */
  weekStart: string | null;
  /** 'persian' when the user reads and writes Jalali dates; null for the Gregorian default. */
  calendar: CalendarKind | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function toUserRecord(u: User): UserRecord {
  return {
    id: u.id,
    handle: u.handle,
    name: u.name,
    email: u.email,
    role: u.role as Role,
    team: u.team,
    timezone: u.timezone,
    login: u.login,
    weekStart: u.week_start ? WEEK_DAYS[u.week_start - 1]! : null,
    calendar: (u.calendar as CalendarKind | null) ?? null,
    active: u.active === 1,
    createdAt: u.created_at,
    updatedAt: u.updated_at,
    version: u.version,
  };
}

export function normalizeHandle(handle: string): string {
  const h = handle.trim().toLowerCase();
  if (!/^[\p{L}\p{N}][\p{L}\p{N}_.\-]*$/u.test(h)) {
    throw new UserError(`"${handle}" is not a valid user handle.`, 'Handles are letters, digits, _ . - with no spaces, e.g. sara or j.smith.');
  }
  return h;
}

/** A handle derived from a display name: "Darcel Schlecht" → "darcel.schlecht". */
export function handleFromName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}]+/gu, '.')
    .replace(/^\.+|\.+$/g, '');
  return base || 'user';
}

function parseRole(role: string | undefined): Role | undefined {
  if (role === undefined) return undefined;
  const r = role.toLowerCase();
  if (!(ROLES as readonly string[]).includes(r)) throw new UserError(`Unknown role "${role}".`, `Use one of: ${ROLES.join(', ')}.`);
  return r as Role;
}

export function validateTimeZone(tz: string | undefined): string | null | undefined {
  if (tz === undefined) return undefined;
  const t = tz.trim();
  if (t === '') return null;
  if (!isTimeZone(t)) throw new UserError(`Unknown time zone "${tz}".`, 'Use an IANA zone name such as Europe/Berlin or Asia/Tokyo.', 'invalid_timezone');
  return t;
}

/** A user's --calendar: persian or gregorian; "" / default clears it (the Gregorian default). */
function userCalendar(text: string | undefined): CalendarKind | null | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'default' || t === 'none') return null;
  return parseCalendarKind(text);
}

export interface UserInput {
  handle?: string;
  name?: string;
  email?: string;
  role?: string;
  team?: string;
  timezone?: string;
  login?: string;
  weekStart?: string;
  /** persian | gregorian; "" or "default" clears it. */
  calendar?: string;
  active?: boolean;
}

export async function addUser(s: Session, input: UserInput & { handle: string }): Promise<UserRecord> {
  await authorize(s, 'user.manage');
  const handle = normalizeHandle(input.handle);
  const name = cleanText(input.name) ?? handle;
  const email = normalizeEmail(input.email);
  const role = parseRole(input.role) ?? 'rep';
  const timezone = validateTimeZone(input.timezone) ?? null;
  const login = normalizeLogin(input.login) ?? null;
  const weekStart = parseWeekStart(input.weekStart) ?? null;
  const calendar = userCalendar(input.calendar) ?? null;
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const existing = await trx.selectFrom('users').select(['id', 'handle']).where('handle', '=', handle).executeTakeFirst();
    if (existing) throw new ConflictError(`User "${handle}" already exists (#${existing.id}).`, `See it with: crm user show ${handle}`, 'duplicate');
    const row = await trx
      .insertInto('users')
      .values({ handle, name, email, role, team: cleanText(input.team), timezone, login, week_start: weekStart, calendar, active: input.active === false ? 0 : 1, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    const record = toUserRecord(row);
    await recordAudit(trx, { entity: 'user', entityId: row.id, action: 'create', changes: diff({}, { ...record }), actor: s.actor, at });
    return record;
  });
}

/** A user by id, handle, or unique (case-insensitive) name. */
export async function findUser(s: Session, ref: string): Promise<User | undefined> {
  const db = s.db.kysely;
  const r = ref.trim();
  if (/^#?\d+$/.test(r)) {
    const byId = await db.selectFrom('users').selectAll().where('id', '=', Number(r.replace('#', ''))).executeTakeFirst();
    if (byId) return byId;
  }
  const byHandle = await db.selectFrom('users').selectAll().where('handle', '=', r.toLowerCase()).executeTakeFirst();
  if (byHandle) return byHandle;
  const byName = await db.selectFrom('users').selectAll().where(sql`crm_fold(name)`, '=', fold(r)).execute();
  if (byName.length > 1) {
    throw new UserError(`"${ref}" matches ${byName.length} users: ${byName.map((u) => u.handle).join(', ')}.`, 'Name the user by handle.', 'ambiguous');
  }
  return byName[0];
}

export async function getUser(s: Session, ref: string): Promise<User> {
  const u = await findUser(s, ref);
  if (!u) throw new NotFoundError(`No user "${ref}".`, `List users with: crm user list — or add one: crm user add ${safeHandleHint(ref)} --name "…"`);
  return u;
}

function safeHandleHint(ref: string): string {
  try {
    return normalizeHandle(ref);
  } catch {
    return handleFromName(ref);
  }
}

/** The owner id for a create: the named user, else the acting user when known, else none. */
export async function resolveOwnerId(s: Session, ref: string | undefined): Promise<number | null> {
  if (ref !== undefined) {
    if (ref.trim() === '' || ref.toLowerCase() === 'none') return null;
    if (ref.toLowerCase() === 'me') return (await currentUser(s))?.id ?? null;
    return (await getUser(s, ref)).id;
  }
  return (await currentUser(s))?.id ?? null;
}

/** The acting user: the session's principal (who "me" is), else the user whose handle is the actor. */
export async function currentUser(s: Session): Promise<User | undefined> {
  if (s.principal) return s.db.kysely.selectFrom('users').selectAll().where('id', '=', s.principal.userId).executeTakeFirst();
  return s.db.kysely.selectFrom('users').selectAll().where('handle', '=', s.actor.toLowerCase()).executeTakeFirst();
}

/** A login as the OS (or PostgreSQL) spells it, trimmed; "" clears it. */
export function normalizeLogin(login: string | undefined): string | null | undefined {
  if (login === undefined) return undefined;
  const l = login.trim();
  if (l === '') return null;
  if (/[\s\p{C}]/u.test(l)) throw new UserError(`"${login}" is not a login name.`, 'A login is the name you log in with (whoami), with no spaces.');
  return l;
}

export async function listUsers(s: Session, opts: { includeInactive?: boolean } = {}): Promise<UserRecord[]> {
  let q = s.db.kysely.selectFrom('users').selectAll().orderBy('handle');
  if (!opts.includeInactive) q = q.where('active', '=', 1);
  return (await q.execute()).map(toUserRecord);
}

/** expectVersion: refuse unless the user is still at this version (`--if-version`). */
export async function editUser(s: Session, ref: string, input: UserInput, expectVersion?: number): Promise<UserRecord> {
  await authorize(s, 'user.manage');
  const user = await getUser(s, ref);
  const stale = (current: number) => versionConflict(`User ${user.handle}`, `crm user show ${user.handle}`, current, expectVersion ?? user.version);
  if (expectVersion !== undefined && expectVersion !== user.version) throw stale(user.version);
  const patch: Record<string, unknown> = {};
  if (input.name !== undefined) {
    const name = cleanText(input.name);
    if (!name) throw new UserError('A user needs a name.');
    patch.name = name;
  }
  if (input.email !== undefined) patch.email = normalizeEmail(input.email);
  if (input.role !== undefined) patch.role = parseRole(input.role);
  if (input.team !== undefined) patch.team = cleanText(input.team);
  if (input.timezone !== undefined) patch.timezone = validateTimeZone(input.timezone);
  if (input.login !== undefined) patch.login = normalizeLogin(input.login);
  if (input.weekStart !== undefined) patch.week_start = parseWeekStart(input.weekStart);
  if (input.calendar !== undefined) patch.calendar = userCalendar(input.calendar);
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  if (input.handle !== undefined) patch.handle = normalizeHandle(input.handle);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    if (patch.login && patch.login !== user.login) {
      const clash = await trx.selectFrom('users').select('handle').where('login', '=', patch.login as string).where('id', '!=', user.id).executeTakeFirst();
      if (clash) throw new ConflictError(`The login "${String(patch.login)}" is already ${clash.handle}'s.`, `See it with: crm user show ${clash.handle}`, 'duplicate');
    }
    if (patch.handle && patch.handle !== user.handle) {
      const clash = await trx.selectFrom('users').select('id').where('handle', '=', patch.handle as string).executeTakeFirst();
      if (clash) throw new ConflictError(`User "${String(patch.handle)}" already exists (#${clash.id}).`);
    }
    // The row as it is under the write lock: only values that differ from it are written.
    const current = await trx.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    // Without --if-version the edit applies to this row and waits its turn: there is nothing to conflict with.
    if (expectVersion !== undefined && current.version !== expectVersion) throw stale(current.version);
    const changed = changedColumns(current as unknown as Record<string, unknown>, patch);
    if (!Object.keys(changed).length) throw noChangeError('user', user.handle, patch, {}, `crm user show ${user.handle}`);
    const changes = diff(current as unknown as Record<string, unknown>, changed);
    const row = await trx
      .updateTable('users')
      .set({ ...(changed as object), updated_at: at, version: current.version + 1 })
      .where('id', '=', user.id)
      .where('version', '=', current.version)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw stale(current.version);
    await recordAudit(trx, { entity: 'user', entityId: user.id, action: 'update', changes, actor: s.actor, at });
    return toUserRecord(row);
  });
}
