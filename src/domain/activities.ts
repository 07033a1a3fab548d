/**
 * Activities and tasks: logged calls, meetings, emails, notes and touches (`occurred_at`), and
 * tasks (`due_at`, `done_at`). A follow-up task points at the activity it follows through
 * `follow_up_of_id`. Logging a touch moves the contact's `last_touched_at` forward.
 */
import { sql } from 'kysely';
import { diff, recordAudit } from '../db/audit.js';
import { compileFilter, compileFilterWith, parseFilter, zonedDate, zonedMidnightUtc, type AnyEB, type FilterSpec } from '../db/filter.js';
import { filterSpecFor } from './field-filters.js';
import { fieldValuesFromSets, mergeFieldValues } from './custom-fields.js';
import { fold } from '../db/fold.js';
import type { Activity } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { ConflictError, NotFoundError, UsageError, UserError } from '../errors.js';
import { parseDuration, parseWhen, type ParsedWhen } from './dates.js';
import { resolveRef, type LinkTarget } from './refs.js';
import { filterEnv, nowIso, type Session } from './session.js';
import { currentUser, getUser, resolveOwnerId } from './users.js';
import { cleanText, fullName } from './validate.js';
import { updateIfVersion } from '../db/versioned.js';
import { authorize } from './permissions.js';

/** Kinds `crm log` records. `touch` takes a sub-kind: newsletter, letter, linkedin. */
export const LOG_KINDS = ['call', 'meeting', 'email', 'note', 'touch'] as const;
export type LogKind = (typeof LOG_KINDS)[number];
export const TOUCH_SUBKINDS = ['newsletter', 'letter', 'linkedin'] as const;
export const ACTIVITY_KINDS = ['call', 'meeting', 'email', 'note', 'task', 'newsletter', 'letter', 'linkedin', 'touch'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
/**
 * Kinds that count as touching the contact (they update last_touched_at). Internal notes and
 * tasks do not: nobody heard from us.
 */
export const TOUCH_KINDS: ReadonlySet<string> = new Set(['call', 'meeting', 'email', 'newsletter', 'letter', 'linkedin', 'touch']);

export interface ActivityRecord {
  id: number;
  kind: string;
  subject: string;
  body: string | null;
  contact: { id: number; name: string } | null;
  company: { id: number; name: string } | null;
  deal: { id: number; title: string } | null;
  ticket: { id: number; subject: string } | null;
  /** What it is about, for one-line views: "Bob Smith · Acme Ltd", "deal #3 Big order". */
  about: string | null;
  occurredAt: string | null;
  durationMinutes: number | null;
  dueAt: string | null;
  doneAt: string | null;
  /** Tasks only: open | done. */
  status: 'open' | 'done' | null;
  owner: string | null;
  createdBy: string;
  followUpOfId: number | null;
  externalId: string | null;
  customFields: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

type ActivityRow = Activity & {
  contact_first: string | null;
  contact_last: string | null;
  company_name: string | null;
  deal_title: string | null;
  ticket_subject: string | null;
  owner_handle: string | null;
};

/** Linked names by scalar subqueries on the primary key, not joins: see contactQuery (domain/contacts.ts). */
function activityQuery(db: Trx) {
  return db
    .selectFrom('activities as a')
    .selectAll('a')
    .select((eb) => [
      eb.selectFrom('contacts as ac').select('ac.first_name').whereRef('ac.id', '=', 'a.contact_id').as('contact_first'),
      eb.selectFrom('contacts as ac').select('ac.last_name').whereRef('ac.id', '=', 'a.contact_id').as('contact_last'),
      eb.selectFrom('companies as aco').select('aco.name').whereRef('aco.id', '=', 'a.company_id').as('company_name'),
      eb.selectFrom('deals as ad').select('ad.title').whereRef('ad.id', '=', 'a.deal_id').as('deal_title'),
      eb.selectFrom('tickets as at').select('at.subject').whereRef('at.id', '=', 'a.ticket_id').as('ticket_subject'),
      eb.selectFrom('users as au').select('au.handle').whereRef('au.id', '=', 'a.owner_id').as('owner_handle'),
    ]);
}

export function toActivityRecord(r: ActivityRow): ActivityRecord {
  const contact = r.contact_id !== null ? { id: r.contact_id, name: fullName(r.contact_first, r.contact_last) } : null;
  const company = r.company_id !== null ? { id: r.company_id, name: r.company_name ?? '' } : null;
  const deal = r.deal_id !== null ? { id: r.deal_id, title: r.deal_title ?? '' } : null;
  const ticket = r.ticket_id !== null ? { id: r.ticket_id, subject: r.ticket_subject ?? '' } : null;
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    body: r.body,
    contact,
    company,
    deal,
    ticket,
    about: aboutLabel(contact, company, deal, ticket),
    occurredAt: r.occurred_at,
    durationMinutes: r.duration_minutes,
    dueAt: r.due_at,
    doneAt: r.done_at,
    status: r.kind === 'task' ? (r.done_at ? 'done' : 'open') : null,
    owner: r.owner_handle,
    createdBy: r.created_by,
    followUpOfId: r.follow_up_of_id,
    externalId: r.external_id,
    customFields: r.custom_fields ? (JSON.parse(r.custom_fields) as Record<string, unknown>) : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

function aboutLabel(contact: ActivityRecord['contact'], company: ActivityRecord['company'], deal: ActivityRecord['deal'], ticket: ActivityRecord['ticket']): string | null {
  if (deal) return `deal #${deal.id} ${deal.title}`;
  if (ticket) return `ticket #${ticket.id} ${ticket.subject}`;
  if (contact) return company ? `${contact.name} · ${company.name}` : contact.name;
  if (company) return company.name;
  return null;
}

export async function loadActivity(db: Trx, id: number): Promise<ActivityRecord> {
  return toActivityRecord(await activityQuery(db).where('a.id', '=', id).executeTakeFirstOrThrow());
}

async function getActivityRow(s: Session, id: number, what: 'activity' | 'task' = 'activity'): Promise<Activity> {
  const row = await s.db.kysely.selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (what === 'task' && row.kind !== 'task')) {
    throw new NotFoundError(`No ${what} #${id}.`, what === 'task' ? 'List open tasks with: crm task list' : 'List activities with: crm activity list');
  }
  return row;
}

export async function getActivity(s: Session, id: number): Promise<ActivityRecord> {
  await getActivityRow(s, id);
  return loadActivity(s.db.kysely, id);
}

function auditView(r: ActivityRecord): Record<string, unknown> {
  return {
    kind: r.kind,
    subject: r.subject,
    body: r.body,
    contactId: r.contact?.id ?? null,
    companyId: r.company?.id ?? null,
    dealId: r.deal?.id ?? null,
    ticketId: r.ticket?.id ?? null,
    occurredAt: r.occurredAt,
    durationMinutes: r.durationMinutes,
    dueAt: r.dueAt,
    doneAt: r.doneAt,
    owner: r.owner,
    followUpOfId: r.followUpOfId,
  };
}

/** Move the contact's last_touched_at forward (never back) for a touch that has happened. */
async function touchContact(trx: Trx, contactId: number | null, kind: string, occurredAt: string | null, nowAt: string): Promise<void> {
  if (contactId === null || !occurredAt || !TOUCH_KINDS.has(kind) || occurredAt > nowAt) return;
  await trx
    .updateTable('contacts')
    .set({ last_touched_at: occurredAt })
    .where('id', '=', contactId)
    .where((eb) => eb.or([eb('last_touched_at', 'is', null), eb('last_touched_at', '<', occurredAt)]))
    .execute();
}

/** Recompute last_touched_at after a touch was removed or moved (from the touches that remain). */
async function recomputeTouch(trx: Trx, contactId: number | null, nowAt: string): Promise<void> {
  if (contactId === null) return;
  const row = await trx
    .selectFrom('activities')
    .select((eb) => eb.fn.max('occurred_at').as('last'))
    .where('contact_id', '=', contactId)
    .where('kind', 'in', [...TOUCH_KINDS])
    .where('occurred_at', '<=', nowAt)
    .executeTakeFirst();
  await trx.updateTable('contacts').set({ last_touched_at: (row?.last as string | null) ?? null }).where('id', '=', contactId).execute();
}

function linkColumns(t: LinkTarget | null) {
  return { contact_id: t?.contactId ?? null, company_id: t?.companyId ?? null, deal_id: t?.dealId ?? null, ticket_id: t?.ticketId ?? null };
}

export interface LogInput {
  kind: string;
  ref: string;
  subject: string;
  body?: string;
  /** For kind "touch": newsletter | letter | linkedin. */
  touchKind?: string;
  at?: string;
  duration?: string;
  next?: string;
  due?: string;
  owner?: string;
  /** Already resolved links (used by templates); `ref` is then only for messages. */
  target?: LinkTarget;
  /** More work in the same write transaction, given the new activity's id (crm mail import records the message with it). */
  within?: (trx: Trx, activityId: number) => Promise<void>;
}

export interface LogResult {
  activity: ActivityRecord;
  task: ActivityRecord | null;
  target: LinkTarget;
  at: ParsedWhen | null;
  due: ParsedWhen | null;
}

export function parseLogKind(kind: string, touchKind?: string): ActivityKind {
  const k = kind.toLowerCase();
  if (!(LOG_KINDS as readonly string[]).includes(k)) {
    throw new UsageError(`Cannot log "${kind}".`, `Log one of: ${LOG_KINDS.join(', ')} — e.g. crm log call bob@example.com "Discussed pricing"`, 'bad_kind');
  }
  if (touchKind !== undefined) {
    const t = touchKind.toLowerCase();
    if (k !== 'touch') throw new UsageError('--kind is only for crm log touch.', `e.g. crm log touch 12 "Sent the catalogue" --kind letter`);
    if (!(TOUCH_SUBKINDS as readonly string[]).includes(t)) throw new UsageError(`Unknown touch kind "${touchKind}".`, `Use one of: ${TOUCH_SUBKINDS.join(', ')}.`, 'bad_kind');
    return t as ActivityKind;
  }
  return k as ActivityKind;
}

/**
 * `crm log`: the activity and, with `next`, its follow-up task — both in one transaction.
 * Everything that can fail (ref, dates, duration, owner) is checked before anything is written.
 */
export async function logActivity(s: Session, input: LogInput): Promise<LogResult> {
  await authorize(s, 'activity.write');
  const kind = parseLogKind(input.kind, input.touchKind);
  const subject = cleanText(input.subject);
  if (!subject) throw new UserError('Say what happened in a few words.', 'crm log call bob@example.com "Discussed pricing"', 'missing_field');
  if (input.due !== undefined && input.next === undefined) throw new UsageError('--due needs --next (the follow-up task it is the due date of).', 'crm log call 12 "Demo" --next "Send quote" --due "next friday"');
  const nextTitle = input.next !== undefined ? cleanText(input.next) : null;
  if (input.next !== undefined && !nextTitle) throw new UserError('--next needs a title for the follow-up task.', '--next "Send quote"');
  const target = input.target ?? (await resolveRef(s, input.ref));
  const at = input.at !== undefined ? await parseWhen(input.at, { now: s.now(), timeZone: s.timeZone, what: '--at', defaultTime: { hour: 12, minute: 0 } }) : null;
  const due = nextTitle ? await parseWhen(input.due ?? 'tomorrow', { now: s.now(), timeZone: s.timeZone, what: '--due', forward: true }) : null;
  const duration = input.duration !== undefined ? parseDuration(input.duration) : null;
  const ownerId = await resolveOwnerId(s, input.owner);
  const now = nowIso(s);
  const occurredAt = at?.iso ?? now;
  return writeTransaction(s.db, async (trx) => {
    const row = await trx
      .insertInto('activities')
      .values({ kind, subject, body: cleanText(input.body), ...linkColumns(target), occurred_at: occurredAt, duration_minutes: duration, owner_id: ownerId, created_by: s.actor, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const activity = await loadActivity(trx, row.id);
    await recordAudit(trx, { entity: 'activity', entityId: row.id, action: 'create', changes: diff({}, auditView(activity)), actor: s.actor, at: now });
    let task: ActivityRecord | null = null;
    if (nextTitle && due) {
      const t = await trx
        .insertInto('activities')
        .values({ kind: 'task', subject: nextTitle, ...linkColumns(target), due_at: due.iso, owner_id: ownerId, created_by: s.actor, follow_up_of_id: row.id, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      task = await loadActivity(trx, t.id);
      await recordAudit(trx, { entity: 'activity', entityId: t.id, action: 'create', changes: diff({}, auditView(task)), actor: s.actor, at: now });
    }
    await touchContact(trx, target.contactId, kind, occurredAt, now);
    if (input.within) await input.within(trx, row.id);
    return { activity, task, target, at, due };
  });
}

// ---------------------------------------------------------------------------------------------
// Tasks

export interface TaskLinks {
  contact?: string;
  company?: string;
  deal?: string;
  ticket?: string;
}

/** Explicit links (--contact, --company, --deal, --ticket); a deal or ticket also brings its company. */
async function resolveLinks(s: Session, links: TaskLinks): Promise<{ contact_id?: number | null; company_id?: number | null; deal_id?: number | null; ticket_id?: number | null }> {
  const cols: { contact_id?: number | null; company_id?: number | null; deal_id?: number | null; ticket_id?: number | null } = {};
  const none = (v: string) => v.trim() === '' || v.toLowerCase() === 'none';
  if (links.deal !== undefined) {
    if (none(links.deal)) cols.deal_id = null;
    else {
      const d = await resolveRef(s, links.deal, 'deal');
      cols.deal_id = d.dealId;
      cols.company_id = d.companyId;
      if (d.contactId !== null) cols.contact_id = d.contactId;
    }
  }
  if (links.ticket !== undefined) {
    if (none(links.ticket)) cols.ticket_id = null;
    else {
      const t = await resolveRef(s, links.ticket, 'ticket');
      cols.ticket_id = t.ticketId;
      cols.company_id ??= t.companyId;
      if (t.contactId !== null) cols.contact_id ??= t.contactId;
    }
  }
  if (links.contact !== undefined) {
    if (none(links.contact)) cols.contact_id = null;
    else {
      const c = await resolveRef(s, links.contact, 'contact');
      cols.contact_id = c.contactId;
      if (c.companyId !== null) cols.company_id ??= c.companyId;
    }
  }
  if (links.company !== undefined) cols.company_id = none(links.company) ? null : (await resolveRef(s, links.company, 'company')).companyId;
  return cols;
}

export interface TaskInput {
  title?: string;
  body?: string;
  due?: string;
  owner?: string;
  links?: TaskLinks;
}

export interface TaskResult {
  task: ActivityRecord;
  due: ParsedWhen | null;
}

async function parseDue(s: Session, text: string | undefined, what = '--due'): Promise<ParsedWhen | null | undefined> {
  if (text === undefined) return undefined;
  if (text.trim() === '' || text.toLowerCase() === 'none') return null;
  return parseWhen(text, { now: s.now(), timeZone: s.timeZone, what, forward: true });
}

export async function addTask(s: Session, input: TaskInput): Promise<TaskResult> {
  await authorize(s, 'activity.write');
  const title = cleanText(input.title);
  if (!title) throw new UserError('A task needs a title.', 'crm task add "Send quote" --due "next friday" --contact bob@example.com', 'missing_field');
  const due = (await parseDue(s, input.due)) ?? null;
  const links = await resolveLinks(s, input.links ?? {});
  const ownerId = await resolveOwnerId(s, input.owner);
  const now = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const row = await trx
      .insertInto('activities')
      .values({ kind: 'task', subject: title, body: cleanText(input.body), contact_id: null, company_id: null, deal_id: null, ticket_id: null, ...links, due_at: due?.iso ?? null, owner_id: ownerId, created_by: s.actor, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const task = await loadActivity(trx, row.id);
    await recordAudit(trx, { entity: 'activity', entityId: row.id, action: 'create', changes: diff({}, auditView(task)), actor: s.actor, at: now });
    return { task, due };
  });
}

/**
 * Update one activity row, audited; returns the record after. `row` (read before) only names the
 * activity and lets a stale `--if-version` fail early: the update applies to the row as it is
 * under the write lock, so without expectVersion it waits its turn and never conflicts.
 * `check` re-validates the change against that row (e.g. "already done").
 */
async function updateActivity(s: Session, row: Activity, patch: Record<string, unknown>, action = 'update', expectVersion?: number, check?: (current: Activity) => void): Promise<ActivityRecord> {
  if (expectVersion !== undefined && expectVersion !== row.version) throw staleError(row.id);
  const now = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const current = await trx.selectFrom('activities').selectAll().where('id', '=', row.id).executeTakeFirst();
    if (!current) throw new NotFoundError(`No activity #${row.id}.`, 'It was deleted meanwhile: crm activity list');
    if (expectVersion !== undefined && expectVersion !== current.version) throw staleError(row.id);
    check?.(current);
    const before = await loadActivity(trx, row.id);
    if (!(await updateIfVersion(trx, 'activities', row.id, current.version, patch, now))) throw staleError(row.id);
    const after = await loadActivity(trx, row.id);
    await recordAudit(trx, { entity: 'activity', entityId: row.id, action, changes: diff(auditView(before), auditView(after)), actor: s.actor, at: now });
    // Moving or relinking a touch may change who was touched when.
    if ('occurred_at' in patch || 'contact_id' in patch || 'kind' in patch) {
      await recomputeTouch(trx, current.contact_id, now);
      if (after.contact && after.contact.id !== current.contact_id) await recomputeTouch(trx, after.contact.id, now);
    }
    return after;
  });
}

function staleError(id: number): ConflictError {
  return new ConflictError(`Activity #${id} was changed by someone else since you read it.`, `Look again: crm activity show ${id} — then repeat your change.`, 'stale');
}

export async function setTaskDone(s: Session, id: number, done: boolean): Promise<ActivityRecord> {
  const [row] = await checkTasksDone(s, [id], done);
  return updateActivity(s, row!, { done_at: done ? nowIso(s) : null }, done ? 'done' : 'reopen', undefined, (current) => checkTaskDone(current, done));
}

function checkTaskDone(row: Activity, done: boolean): void {
  if (Boolean(row.done_at) === done) throw new UserError(`Task #${row.id} is ${done ? 'already done' : 'not done'}.`, done ? `Reopen it with: crm task reopen ${row.id}` : undefined, 'no_change');
}

/** Check that every task exists and can be marked done (or reopened) before changing any. */
export async function checkTasksDone(s: Session, ids: number[], done: boolean): Promise<Activity[]> {
  const rows: Activity[] = [];
  for (const id of ids) {
    const row = await getActivityRow(s, id, 'task');
    await authorize(s, 'activity.write', { label: `activity #${row.id}`, ownerId: row.owner_id });
    checkTaskDone(row, done);
    rows.push(row);
  }
  return rows;
}

export async function editTask(s: Session, id: number, input: TaskInput, expectVersion?: number): Promise<TaskResult> {
  const row = await getActivityRow(s, id, 'task');
  await authorize(s, 'activity.write', { label: `activity #${row.id}`, ownerId: row.owner_id });
  const patch: Record<string, unknown> = {};
  if (input.title !== undefined) {
    const title = cleanText(input.title);
    if (!title) throw new UserError('A task needs a title.');
    patch.subject = title;
  }
  if (input.body !== undefined) patch.body = cleanText(input.body);
  const due = await parseDue(s, input.due);
  if (due !== undefined) patch.due_at = due?.iso ?? null;
  if (input.owner !== undefined) patch.owner_id = await resolveOwnerId(s, input.owner);
  Object.assign(patch, await resolveLinks(s, input.links ?? {}));
  if (Object.keys(patch).length === 0) throw new UsageError('Nothing to change.', `Give a field to change, e.g. crm task edit ${id} --due "next monday"`);
  return { task: await updateActivity(s, row, patch, 'update', expectVersion), due: due ?? null };
}

/** Push a task's due date: to `when` ("next monday"), default tomorrow at 09:00. */
export async function snoozeTask(s: Session, id: number, when = 'tomorrow'): Promise<TaskResult> {
  const row = await getActivityRow(s, id, 'task');
  await authorize(s, 'activity.write', { label: `activity #${row.id}`, ownerId: row.owner_id });
  if (row.done_at) throw new UserError(`Task #${id} is done.`, `Reopen it first: crm task reopen ${id}`, 'no_change');
  const due = await parseWhen(when, { now: s.now(), timeZone: s.timeZone, what: 'snooze', forward: true });
  const notDone = (current: Activity) => {
    if (current.done_at) throw new UserError(`Task #${id} is done.`, `Reopen it first: crm task reopen ${id}`, 'no_change');
  };
  return { task: await updateActivity(s, row, { due_at: due.iso }, 'snooze', undefined, notDone), due };
}

// ---------------------------------------------------------------------------------------------
// Editing and deleting any activity

export interface ActivityEdit {
  subject?: string;
  body?: string;
  at?: string;
  duration?: string;
  kind?: string;
  owner?: string;
  /** Custom field values as typed (`--set name=value`). */
  setFields?: Record<string, string>;
}

export async function editActivity(s: Session, id: number, input: ActivityEdit, expectVersion?: number): Promise<{ activity: ActivityRecord; at: ParsedWhen | null }> {
  const row = await getActivityRow(s, id);
  await authorize(s, 'activity.write', { label: `activity #${row.id}`, ownerId: row.owner_id });
  const patch: Record<string, unknown> = {};
  if (input.subject !== undefined) {
    const subject = cleanText(input.subject);
    if (!subject) throw new UserError('An activity needs a subject.');
    patch.subject = subject;
  }
  if (input.body !== undefined) patch.body = cleanText(input.body);
  let at: ParsedWhen | null = null;
  if (input.at !== undefined) {
    if (row.kind === 'task') throw new UsageError('A task has a due date, not --at.', `crm task edit ${id} --due "next monday"`);
    at = await parseWhen(input.at, { now: s.now(), timeZone: s.timeZone, what: '--at', defaultTime: { hour: 12, minute: 0 } });
    patch.occurred_at = at.iso;
  }
  if (input.duration !== undefined) patch.duration_minutes = input.duration.trim() === '' || input.duration === 'none' ? null : parseDuration(input.duration);
  if (input.kind !== undefined) {
    const k = input.kind.toLowerCase();
    if (row.kind === 'task' || k === 'task' || !(ACTIVITY_KINDS as readonly string[]).includes(k)) {
      throw new UserError(`Cannot change ${row.kind} #${id} to "${input.kind}".`, `Logged activities can be one of: ${ACTIVITY_KINDS.filter((x) => x !== 'task').join(', ')}.`);
    }
    patch.kind = k;
  }
  if (input.owner !== undefined) patch.owner_id = await resolveOwnerId(s, input.owner);
  const fieldValues = await fieldValuesFromSets(s, 'activity', input.setFields);
  if (fieldValues) patch.custom_fields = mergeFieldValues(row.custom_fields, fieldValues);
  if (Object.keys(patch).length === 0) throw new UsageError('Nothing to change.', `Give a field to change, e.g. crm activity edit ${id} --subject "…"`);
  return { activity: await updateActivity(s, row, patch, 'update', expectVersion), at };
}

/**
 * Delete a mis-logged activity (audited with its values). Follow-ups keep existing but lose the
 * link; the contact's last_touched_at is recomputed from the touches that remain.
 */
export async function deleteActivity(s: Session, id: number): Promise<ActivityRecord> {
  const row = await getActivityRow(s, id);
  await authorize(s, 'activity.write', { label: `activity #${row.id}`, ownerId: row.owner_id });
  const now = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const before = await loadActivity(trx, id);
    await trx.updateTable('activities').set({ follow_up_of_id: null }).where('follow_up_of_id', '=', id).execute();
    await trx.deleteFrom('activities').where('id', '=', id).execute();
    await recordAudit(trx, { entity: 'activity', entityId: id, action: 'delete', changes: diff(auditView(before), {}), actor: s.actor, at: now });
    if (TOUCH_KINDS.has(before.kind)) await recomputeTouch(trx, before.contact?.id ?? null, now);
    return before;
  });
}

// ---------------------------------------------------------------------------------------------
// Lists

function refIdOrText(eb: AnyEB, values: string[], idCol: string, textMatch: (v: string) => ReturnType<AnyEB['exists']> | ReturnType<AnyEB['and']>) {
  return eb.or(values.map((v) => (v === 'none' ? eb(idCol, 'is', null) : v === 'any' ? eb(idCol, 'is not', null) : /^#?\d+$/.test(v) ? eb(idCol, '=', Number(v.replace('#', ''))) : textMatch(v))));
}

export const activityFilterSpec: FilterSpec = {
  entity: 'activity',
  idColumn: 'a.id',
  fields: [
    { name: 'kind', aliases: ['type'], type: 'enum', column: 'a.kind', values: [...ACTIVITY_KINDS] },
    {
      name: 'status',
      type: 'custom',
      description: 'open | done (tasks)',
      compile: (eb, t) =>
        eb.or(
          t.values.map((v) => {
            if (v.toLowerCase() === 'open') return eb.and([eb('a.kind', '=', 'task'), eb('a.done_at', 'is', null)]);
            if (v.toLowerCase() === 'done') return eb.and([eb('a.kind', '=', 'task'), eb('a.done_at', 'is not', null)]);
            throw new UsageError(`Bad filter term "${t.token}".`, 'status is open or done. See: crm help filters', 'bad_filter');
          }),
        ),
    },
    { name: 'owner', type: 'user', column: 'a.owner_id' },
    {
      name: 'contact',
      type: 'custom',
      compile: (eb, t) =>
        refIdOrText(eb, t.values, 'a.contact_id', (v) =>
          eb('a.contact_id', 'in', eb.selectFrom('contacts').select('id').where((w) => w.or([w('email_norm', '=', v.toLowerCase()), w(sql`instr(crm_fold(first_name || ' ' || last_name), ${fold(v)})`, '>', 0)]))),
        ),
    },
    { name: 'company', type: 'custom', compile: (eb, t) => refIdOrText(eb, t.values, 'a.company_id', (v) => eb('a.company_id', 'in', eb.selectFrom('companies').select('id').where(sql<boolean>`instr(name_fold, ${fold(v)}) > 0`))) },
    { name: 'deal', type: 'custom', compile: (eb, t) => refIdOrText(eb, t.values, 'a.deal_id', (v) => eb('a.deal_id', 'in', eb.selectFrom('deals').select('id').where(sql<boolean>`instr(crm_fold(title), ${fold(v)}) > 0`))) },
    { name: 'ticket', type: 'custom', compile: (eb, t) => refIdOrText(eb, t.values, 'a.ticket_id', (v) => eb('a.ticket_id', 'in', eb.selectFrom('tickets').select('id').where(sql<boolean>`instr(crm_fold(subject), ${fold(v)}) > 0`))) },
    { name: 'at', aliases: ['occurred', 'date'], type: 'datetime', column: 'a.occurred_at' },
    { name: 'due', type: 'datetime', column: 'a.due_at' },
    { name: 'done', type: 'datetime', column: 'a.done_at' },
    { name: 'created', type: 'datetime', column: 'a.created_at' },
    { name: 'by', aliases: ['created-by'], type: 'exact', column: 'a.created_by' },
    { name: 'id', type: 'number', column: 'a.id' },
  ],
  text: (eb, folded) => eb.or([eb(sql`instr(crm_fold(a.subject), ${folded})`, '>', 0), eb(sql`instr(crm_fold(coalesce(a.body, '')), ${folded})`, '>', 0)]),
};

export interface ActivityListOptions {
  filter?: string[];
  limit?: number;
  /** 'tasks' lists tasks (open first by due date); 'logged' excludes tasks; 'all' both. */
  scope?: 'tasks' | 'logged' | 'all';
  /** Tasks only: open (default), done, all. */
  status?: 'open' | 'done' | 'all';
}

/** The activity filter with the team's custom fields and segments. */
export function activityFilterSpecFor(s: Session): Promise<FilterSpec> {
  return filterSpecFor(s, activityFilterSpec, { entity: 'activity', column: 'a.custom_fields' });
}

export async function listActivities(s: Session, opts: ActivityListOptions = {}): Promise<{ rows: ActivityRecord[]; total: number }> {
  const me = await currentUser(s);
  const where = await compileFilterWith(parseFilter(opts.filter ?? []), () => activityFilterSpecFor(s), filterEnv(s, me));
  let base = activityQuery(s.db.kysely);
  const scope = opts.scope ?? 'all';
  if (scope === 'tasks') {
    base = base.where('a.kind', '=', 'task');
    if ((opts.status ?? 'open') === 'open') base = base.where('a.done_at', 'is', null);
    else if (opts.status === 'done') base = base.where('a.done_at', 'is not', null);
  } else if (scope === 'logged') base = base.where('a.kind', '!=', 'task');
  if (where) base = base.where(where);
  const total = opts.limit ? Number((await base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) : -1;
  let q = base;
  if (scope === 'tasks') {
    q = q.orderBy(sql`a.done_at is not null`).orderBy(sql`a.due_at is null`).orderBy('a.due_at').orderBy('a.id');
  } else {
    q = q.orderBy(sql`coalesce(a.occurred_at, a.due_at, a.created_at)`, 'desc').orderBy('a.id', 'desc');
  }
  if (opts.limit) q = q.limit(opts.limit);
  const rows = (await q.execute()).map(toActivityRecord);
  return { rows, total: total < 0 ? rows.length : total };
}

// ---------------------------------------------------------------------------------------------
// Owners in scope (agenda, export)

/** undefined → the acting user when known, else everyone; "all" → everyone; else that user. */
export async function ownerScope(s: Session, owner: string | undefined): Promise<{ id: number; handle: string } | null> {
  if (owner === undefined) {
    const me = await currentUser(s);
    return me ? { id: me.id, handle: me.handle } : null;
  }
  const o = owner.trim().toLowerCase();
  if (o === 'all' || o === 'everyone' || o === '*') return null;
  if (o === 'me') {
    const me = await currentUser(s);
    if (!me) throw new UserError(`You (${s.actor}) are not a known user, so "me" owns nothing.`, `Add yourself: crm user add ${s.actor} --name "…" — or use --owner all`);
    return { id: me.id, handle: me.handle };
  }
  const u = await getUser(s, owner);
  return { id: u.id, handle: u.handle };
}

// ---------------------------------------------------------------------------------------------
// Agenda

export interface AgendaItem {
  type: 'task' | 'meeting';
  id: number;
  /** Due time of a task, start of a meeting (ISO UTC). */
  at: string | null;
  title: string;
  about: string | null;
  owner: string | null;
  durationMinutes: number | null;
}

export interface Agenda {
  owner: string | null;
  timeZone: string;
  now: string;
  days: number;
  /** [today 00:00, today + days 00:00) in the user's zone, as UTC instants. */
  from: string;
  to: string;
  overdue: AgendaItem[];
  today: AgendaItem[];
  upcoming: AgendaItem[];
}

function addDaysYmd(y: number, m: number, d: number, n: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/**
 * Overdue: open tasks due before today. Today: open tasks due today (any time) and today's
 * meetings. Upcoming: the same for the next `days` days after today. Days are cut in the
 * user's zone; times are stored in UTC.
 */
export async function agenda(s: Session, opts: { owner?: string; days?: number } = {}): Promise<Agenda> {
  const days = opts.days ?? 7;
  const owner = await ownerScope(s, opts.owner);
  const now = s.now();
  const t = zonedDate(now, s.timeZone);
  const todayStart = zonedMidnightUtc(t.y, t.m, t.d, s.timeZone);
  const tomorrowStart = zonedMidnightUtc(...addDaysYmd(t.y, t.m, t.d, 1), s.timeZone);
  const windowEnd = zonedMidnightUtc(...addDaysYmd(t.y, t.m, t.d, 1 + days), s.timeZone);
  let tasksQ = activityQuery(s.db.kysely).where('a.kind', '=', 'task').where('a.done_at', 'is', null).where('a.due_at', 'is not', null).where('a.due_at', '<', windowEnd);
  let meetingsQ = activityQuery(s.db.kysely).where('a.kind', '=', 'meeting').where('a.occurred_at', '>=', todayStart).where('a.occurred_at', '<', windowEnd);
  if (owner) {
    tasksQ = tasksQ.where('a.owner_id', '=', owner.id);
    meetingsQ = meetingsQ.where('a.owner_id', '=', owner.id);
  }
  const tasks = (await tasksQ.orderBy('a.due_at').orderBy('a.id').execute()).map(toActivityRecord);
  const meetings = (await meetingsQ.orderBy('a.occurred_at').orderBy('a.id').execute()).map(toActivityRecord);
  const item = (r: ActivityRecord): AgendaItem => ({ type: r.kind === 'task' ? 'task' : 'meeting', id: r.id, at: r.kind === 'task' ? r.dueAt : r.occurredAt, title: r.subject, about: r.about, owner: r.owner, durationMinutes: r.durationMinutes });
  const all = [...tasks, ...meetings].map(item).sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '') || a.id - b.id);
  return {
    owner: owner?.handle ?? null,
    timeZone: s.timeZone,
    now: now.toISOString(),
    days,
    from: todayStart,
    to: windowEnd,
    overdue: all.filter((i) => i.at! < todayStart),
    today: all.filter((i) => i.at! >= todayStart && i.at! < tomorrowStart),
    upcoming: all.filter((i) => i.at! >= tomorrowStart),
  };
}
