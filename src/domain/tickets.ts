/**
 * Support tickets: a lifecycle (new → open → pending / on hold → solved → closed; reopen from
 * solved), every change an event in ticket_events with actor and time, and SLA states derived
 * from that log by the SLA clock — never stored as the only truth.
 */
import { sql } from 'kysely';
import { diff, recordAudit } from '../db/audit.js';
import { compileFilter, compileFilterWith, parseFilter, type FilterSpec } from '../db/filter.js';
import { filterSpecFor } from './field-filters.js';
import { assertRequiredFields, fieldValuesFromSets, mergeFieldValues } from './custom-fields.js';
import { fold } from '../db/fold.js';
import { zonedDay } from '../db/filter.js';
import type { Ticket, TicketPriority, TicketStatus } from '../db/schema.js';
import { allTicketsWithEvents } from '../db/tickets.js';
import { normalizeTag, setTags, tagsFor } from '../db/tags.js';
import { isWriteRefused, writeTransaction, type Trx } from '../db/transaction.js';
import { ConflictError, NotFoundError, UsageError, UserError, versionConflict } from '../errors.js';
import { getContact } from './contacts.js';
import { getCompany } from './companies.js';
import { filterEnv, nowIso, sessionIn, type Session } from './session.js';
import { loadClockPolicies, matchPolicy, policyRows } from './sla-policies.js';
import type { MetricClock, SlaResult } from './sla/clock.js';
import { parseDuration, durationSeconds, PRIORITIES } from './sla/targets.js';
import { CLOCK_EVENT_KINDS, slaOf, type SlaContext } from './ticket-sla.js';
import { DUE_COLUMN, keepSlaDue, OPEN_TICKET_STATUSES as OPEN_STATUSES, refreshSlaDue, storeSlaDue } from './sla-due.js';
import { currentUser, getUser } from './users.js';
import { cleanText, fullName } from './validate.js';
import { dayNumber, dayOfNumber, installedWarrantySql, parseWarrantyDate, warrantyOf, type Warranty } from './warranty.js';
import { updateIfVersion } from '../db/versioned.js';
import { authorize } from './permissions.js';

export const STATUSES: TicketStatus[] = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
/** The statuses of a ticket not yet solved (filter `status:unsolved`, the queue's default, a team's load): ./sla-due.ts's list. */
export const OPEN_TICKET_STATUSES: TicketStatus[] = [...OPEN_STATUSES];
export const TICKET_PRIORITIES: TicketPriority[] = [...PRIORITIES];
/**
 * `edit`: one per field `crm ticket edit` changed — body names the field (subject, description,
 * category, channel, tags), from/to hold the old and new value (tags as "a, b"; null when empty).
 */
export const EVENT_KINDS = ['created', 'reply', 'note', 'message', 'status', 'assign', 'priority', 'policy', 'csat', 'edit'] as const;

/** Allowed status moves. Closed is final. */
const TRANSITIONS: Record<TicketStatus, TicketStatus[]> = {
  new: ['open', 'pending', 'on_hold', 'solved'],
  open: ['pending', 'on_hold', 'solved'],
  pending: ['open', 'on_hold', 'solved'],
  on_hold: ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
};

export interface TicketSla {
  firstReply: MetricClock | null;
  nextReply: MetricClock | null;
  resolution: MetricClock | null;
}

export interface TicketEventRecord {
  id: number;
  kind: string;
  at: string;
  actor: string;
  body: string | null;
  from: string | null;
  to: string | null;
}

export interface TicketRecord {
  id: number;
  subject: string;
  description: string | null;
  status: TicketStatus;
  priority: TicketPriority;
  requester: { id: number; name: string; email: string | null } | null;
  company: { id: number; name: string } | null;
  assignee: string | null;
  channel: string | null;
  category: string | null;
  /** Free-text product the ticket is about. */
  product: string | null;
  satisfaction: number | null;
  tags: string[];
  /** The ticket's own warranty end date (YYYY-MM-DD), when set; else the company's applies. */
  warrantyUntil: string | null;
  /** Whether the customer's product is under warranty today: the ticket's date, else the company's. */
  warranty: Warranty | null;
  policy: string | null;
  externalId: string | null;
  customFields: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  solvedAt: string | null;
  closedAt: string | null;
  version: number;
  sla: TicketSla;
  /** The earliest deadline of a running SLA metric (or its breach time when overdue). */
  nextDeadline: string | null;
  breaching: boolean;
}

export interface TicketDetail extends TicketRecord {
  events: TicketEventRecord[];
}

type TicketRow = Ticket & {
  contact_first: string | null;
  contact_last: string | null;
  contact_email: string | null;
  company_name: string | null;
  assignee_handle: string | null;
  policy_name: string | null;
  company_warranty: string | null;
  product_warranty: number | string | null;
};

/** Linked names by scalar subqueries on the primary key, not joins: see contactQuery (domain/contacts.ts). */
function ticketQuery(db: Trx) {
  return db
    .selectFrom('tickets as t')
    .selectAll('t')
    .select((eb) => [
      eb.selectFrom('contacts as c').select('c.first_name').whereRef('c.id', '=', 't.contact_id').as('contact_first'),
      eb.selectFrom('contacts as c').select('c.last_name').whereRef('c.id', '=', 't.contact_id').as('contact_last'),
      eb.selectFrom('contacts as c').select('c.email').whereRef('c.id', '=', 't.contact_id').as('contact_email'),
      eb.selectFrom('companies as co').select('co.name').whereRef('co.id', '=', 't.company_id').as('company_name'),
      eb.selectFrom('users as u').select('u.handle').whereRef('u.id', '=', 't.assignee_id').as('assignee_handle'),
      eb.selectFrom('sla_policies as p').select('p.name').whereRef('p.id', '=', 't.sla_policy_id').as('policy_name'),
      eb.selectFrom('companies as co').select('co.warranty_until').whereRef('co.id', '=', 't.company_id').as('company_warranty'),
      installedWarrantySql().as('product_warranty'),
    ]);
}

function toRecord(r: TicketRow, tags: string[], sla: SlaResult | undefined, today: string): TicketRecord {
  return {
    id: r.id,
    subject: r.subject,
    description: r.description,
    status: r.status,
    priority: r.priority,
    requester: r.contact_id !== null ? { id: r.contact_id, name: fullName(r.contact_first, r.contact_last), email: r.contact_email } : null,
    company: r.company_id !== null ? { id: r.company_id, name: r.company_name ?? '' } : null,
    assignee: r.assignee_handle,
    channel: r.channel,
    category: r.category,
    product: r.product,
    satisfaction: r.satisfaction,
    tags,
    warrantyUntil: r.warranty_until,
    warranty: warrantyOf(r.warranty_until, r.company_warranty, today, r.product_warranty === null ? null : dayOfNumber(r.product_warranty)),
    policy: r.policy_name,
    externalId: r.external_id,
    customFields: r.custom_fields ? (JSON.parse(r.custom_fields) as Record<string, unknown>) : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    solvedAt: r.solved_at,
    closedAt: r.closed_at,
    version: r.version,
    sla: { firstReply: sla?.firstReply ?? null, nextReply: sla?.nextReply ?? null, resolution: sla?.resolution ?? null },
    nextDeadline: sla?.nextDeadline ?? null,
    breaching: sla?.breaching ?? false,
  };
}

export async function slaContext(db: Trx): Promise<SlaContext> {
  const policies = await loadClockPolicies(db);
  const def = await db.selectFrom('sla_policies').select('id').where('is_default', '=', 1).executeTakeFirstOrThrow();
  return { policies, defaultPolicyId: def.id };
}

/** SLA results for these tickets, from one ordered query over their events. */
export async function slaFor(s: Session, ids: number[], now: Date): Promise<Map<number, SlaResult>> {
  const out = new Map<number, SlaResult>();
  if (!ids.length) return out;
  const ctx = await slaContext(s.db.kysely);
  const tickets = await allTicketsWithEvents(s.db, { ids });
  for (const t of tickets) out.set(t.id, slaOf(t, ctx, now));
  return out;
}

async function loadRecords(s: Session, rows: TicketRow[]): Promise<TicketRecord[]> {
  const ids = rows.map((r) => r.id);
  const [tags, sla] = [await tagsFor(s.db.kysely, 'ticket', ids), await slaFor(s, ids, s.now())];
  const today = zonedDay(nowIso(s), s.timeZone);
  return rows.map((r) => toRecord(r, tags.get(r.id) ?? [], sla.get(r.id), today));
}

export async function getTicketRow(db: Trx, ref: string | number): Promise<Ticket> {
  const text = String(ref).trim();
  const m = /^#?(\d+)$/.exec(text);
  if (!m) throw new UserError(`Ticket id must be a number, not "${text}".`, 'Find it with: crm ticket list', 'usage');
  const row = await db.selectFrom('tickets').selectAll().where('id', '=', Number(m[1])).executeTakeFirst();
  if (!row) throw new NotFoundError(`No ticket #${m[1]}.`, 'List tickets with: crm ticket list status:any');
  return row;
}

export async function showTicket(s: Session, ref: string | number): Promise<TicketDetail> {
  const t = await getTicketRow(s.db.kysely, ref);
  const row = await ticketQuery(s.db.kysely).where('t.id', '=', t.id).executeTakeFirstOrThrow();
  const [record] = await loadRecords(s, [row]);
  const events = await s.db.kysely.selectFrom('ticket_events').selectAll().where('ticket_id', '=', t.id).orderBy('at').orderBy('id').execute();
  return { ...record!, events: events.map((e) => ({ id: e.id, kind: e.kind, at: e.at, actor: e.actor, body: e.body, from: e.from_value, to: e.to_value })) };
}

/** A priority as typed ("High") → the stored one; unknown is an error listing them. */
export function parsePriority(v: string | undefined): TicketPriority | undefined {
  if (v === undefined) return undefined;
  const p = v.trim().toLowerCase() as TicketPriority;
  if (!TICKET_PRIORITIES.includes(p)) throw new UserError(`Unknown priority "${v}".`, `Use one of: ${TICKET_PRIORITIES.join(', ')}.`, 'bad_priority');
  return p;
}

/** A status as people type it ("On hold", "on-hold", "hold") → the stored spelling (on_hold); not checked. */
export function statusWord(v: string): string {
  return v.trim().toLowerCase().replace(/[- ]+/g, '_').replace(/^hold$/, 'on_hold');
}

function cleanLabel(v: string | undefined): string | null | undefined {
  if (v === undefined) return undefined;
  const c = cleanText(v);
  return c === null || c.toLowerCase() === 'none' ? null : c.toLowerCase();
}

async function tierOf(db: Trx, companyId: number | null): Promise<string | null> {
  if (companyId === null) return null;
  return (await db.selectFrom('companies').select('tier').where('id', '=', companyId).executeTakeFirst())?.tier ?? null;
}

async function resolvePolicyId(db: Trx, t: { priority: string; category: string | null; channel: string | null; company_id: number | null }): Promise<number> {
  return matchPolicy(await policyRows(db), { priority: t.priority, category: t.category, channel: t.channel, tier: await tierOf(db, t.company_id) }).id;
}

export interface OpenTicketInput {
  subject: string;
  description?: string;
  contact?: string;
  company?: string;
  priority?: string;
  channel?: string;
  category?: string;
  product?: string;
  /** Warranty end date (YYYY-MM-DD) of the customer's installed product. */
  warrantyUntil?: string;
  assignee?: string;
  tags?: string[];
  externalId?: string;
  /** Custom field values as typed (`--set name=value`), checked against the field definitions. */
  setFields?: Record<string, string>;
}

/**
 * Work another writer (crm mail import) does in the same write transaction as a ticket change,
 * given the ticket's id: a message's record is written with the ticket it opened or replied to,
 * or not at all.
 */
export type WithinWrite = (trx: Trx, ticketId: number) => Promise<void>;

export async function openTicket(s: Session, input: OpenTicketInput): Promise<TicketDetail> {
  return showTicket(s, await openTicketId(s, input));
}

/** openTicket without reading the ticket back: its id (for bulk writers such as mail import). */
export async function openTicketId(s: Session, input: OpenTicketInput, within?: WithinWrite): Promise<number> {
  await authorize(s, 'ticket.write');
  const subject = cleanText(input.subject);
  if (!subject) throw new UserError('A ticket needs a subject.', 'crm ticket open "Printer on fire" --contact sara@example.com');
  const priority = parsePriority(input.priority) ?? 'normal';
  const contact = input.contact !== undefined ? await getContact(s, input.contact) : undefined;
  const companyId = input.company !== undefined ? (await getCompany(s, input.company)).id : (contact?.company_id ?? null);
  const assignee = input.assignee !== undefined && input.assignee.toLowerCase() !== 'none' ? await resolveAssignee(s, input.assignee) : null;
  const tags = (input.tags ?? []).map(normalizeTag);
  const fieldValues = await fieldValuesFromSets(s, 'ticket', input.setFields);
  const customFields = fieldValues ? mergeFieldValues(null, fieldValues) : null;
  await assertRequiredFields(s, 'ticket', customFields);
  const at = nowIso(s);
  const values = {
    subject,
    description: cleanText(input.description),
    contact_id: contact?.id ?? null,
    company_id: companyId,
    priority,
    status: 'new' as TicketStatus,
    assignee_id: assignee?.id ?? null,
    channel: cleanLabel(input.channel) ?? null,
    category: cleanLabel(input.category) ?? null,
    product: cleanText(input.product),
    warranty_until: parseWarrantyDate(input.warrantyUntil) ?? null,
    external_id: cleanText(input.externalId),
    custom_fields: customFields,
    created_at: at,
    updated_at: at,
  };
  const id = await writeTransaction(s.db, async (trx) => {
    if (values.external_id && (await trx.selectFrom('tickets').select('id').where('external_id', '=', values.external_id).executeTakeFirst())) {
      throw new ConflictError(`A ticket with external id ${values.external_id} already exists.`, undefined, 'duplicate');
    }
    const policyId = await resolvePolicyId(trx, values);
    const row = await trx.insertInto('tickets').values({ ...values, sla_policy_id: policyId }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('ticket_events').values({ ticket_id: row.id, kind: 'created', body: subject, to_value: 'new', actor: s.actor, at }).execute();
    if (assignee) await trx.insertInto('ticket_events').values({ ticket_id: row.id, kind: 'assign', from_value: null, to_value: assignee.handle, actor: s.actor, at }).execute();
    if (tags.length) await setTags(trx, 'ticket', row.id, tags);
    await recordAudit(trx, { entity: 'ticket', entityId: row.id, action: 'create', changes: diff({}, { ...values, tags }), actor: s.actor, at });
    if (within) await within(trx, row.id);
    await storeSlaDue(trx, row.id, await slaContext(trx));
    return row.id;
  });
  return id;
}

async function resolveAssignee(s: Session, ref: string): Promise<{ id: number; handle: string }> {
  if (ref.toLowerCase() === 'me') {
    const me = await currentUser(s);
    if (!me) throw new UserError(`You (${s.actor}) are not a crm user, so "me" names nobody.`, `Add yourself: crm user add ${s.actor} --name "…" --role agent`);
    return { id: me.id, handle: me.handle };
  }
  const u = await getUser(s, ref);
  return { id: u.id, handle: u.handle };
}

interface NewEvent {
  kind: (typeof EVENT_KINDS)[number];
  body?: string | null;
  from?: string | null;
  to?: string | null;
  actor?: string;
}

interface Change {
  set: Partial<Record<'status' | 'priority' | 'assignee_id' | 'sla_policy_id' | 'satisfaction' | 'solved_at' | 'closed_at' | 'subject' | 'category' | 'channel' | 'description' | 'custom_fields' | 'product' | 'warranty_until', unknown>>;
  events: NewEvent[];
  action: string;
  tags?: { add: string[]; remove: string[] };
  /** An edit whose every value is already stored: thrown (nothing written) when the tags do not change either. */
  noChange?: () => UserError;
}

function closedError(t: Ticket): UserError {
  return new UserError(`Ticket #${t.id} is closed; closed tickets are final.`, `Open a follow-up: crm ticket open "Follow-up to #${t.id}: ${t.subject.slice(0, 40)}"`, 'closed');
}

/** Validate a status move and describe it; throws (and changes nothing) when illegal. */
function statusChange(t: Ticket, to: TicketStatus, at: string): Change {
  if (t.status === to) throw new UserError(`Ticket #${t.id} is already ${label(to)}.`, undefined, 'no_change');
  if (t.status === 'closed') throw closedError(t);
  if (!TRANSITIONS[t.status].includes(to)) {
    const hint =
      to === 'closed'
        ? `Only a solved ticket can be closed. Solve it first: crm ticket solve ${t.id}`
        : `From ${label(t.status)} a ticket can go to: ${TRANSITIONS[t.status].map(label).join(', ')}.`;
    throw new UserError(`Ticket #${t.id} is ${label(t.status)}; it cannot be ${to === 'closed' ? 'closed' : `set to ${label(to)}`}.`, hint, 'bad_transition');
  }
  const set: Change['set'] = { status: to };
  if (to === 'solved') set.solved_at = at;
  if (to === 'closed') set.closed_at = at;
  if (t.status === 'solved' && to === 'open') set.solved_at = null;
  return { set, events: [{ kind: 'status', from: t.status, to }], action: 'status' };
}

export function label(status: string): string {
  return status === 'on_hold' ? 'on hold' : status;
}

function ticketVersionConflict(id: number, current: number, expected: number) {
  return versionConflict(`Ticket #${id}`, `crm ticket show ${id}`, current, expected);
}

/** Refuse early (before validating the change) when the ticket is no longer at the expected version. */
function checkVersion(t: Ticket, expectVersion: number | undefined): void {
  if (expectVersion !== undefined && t.version !== expectVersion) throw ticketVersionConflict(t.id, t.version, expectVersion);
}

/**
 * Read the ticket, plan the change from it and write it, all in one BEGIN IMMEDIATE transaction:
 * a change waits its turn behind other writers and is planned from the ticket as it is then, so
 * without expectVersion there is nothing to conflict with. expectVersion (`--if-version`, the
 * TUI) is checked first, under the write lock, so two writers holding the same version cannot
 * both succeed and the loser is told the current version. The plan reads through the session it
 * is given (bound to the transaction) and must not open a transaction of its own.
 */
async function applyChange(s: Session, ref: string | number, plan: (t: Ticket, at: string, s: Session) => Promise<Change> | Change, expectVersion?: number): Promise<TicketDetail> {
  return showTicket(s, await applyChangeId(s, ref, plan, expectVersion));
}

/** applyChange without reading the ticket back; `within` runs in the same transaction. */
async function applyChangeId(s: Session, ref: string | number, plan: (t: Ticket, at: string, s: Session) => Promise<Change> | Change, expectVersion?: number, within?: WithinWrite): Promise<number> {
  // Refused before the write transaction: a refusal is audited, and a rollback would lose that.
  if (s.principal) {
    const first = await getTicketRow(s.db.kysely, ref);
    await authorize(s, 'ticket.write', { label: `ticket #${first.id}`, ownerId: first.assignee_id, unowned: 'queue' });
  }
  const at = nowIso(s);
  const id = await writeTransaction(s.db, async (trx) => {
    const t = await getTicketRow(trx, ref);
    checkVersion(t, expectVersion);
    const change = await plan(t, at, sessionIn(s, trx));
    // The tags as they are now, under the write lock: an edit that changes nothing writes nothing.
    let tags: [string[], string[]] | undefined;
    if (change.tags) {
      const current = (await tagsFor(trx, 'ticket', [t.id])).get(t.id) ?? [];
      const remove = new Set(change.tags.remove);
      const next = [...new Set([...current, ...change.tags.add])].filter((x) => !remove.has(x)).sort();
      if (JSON.stringify(next) !== JSON.stringify(current)) tags = [current, next];
    }
    if (!tags && change.noChange && !Object.keys(change.set).length && !change.events.length) throw change.noChange();
    if (!(await updateIfVersion(trx, 'tickets', t.id, t.version, change.set as Record<string, unknown>, at))) throw new ConflictError(`Ticket #${t.id} was changed by someone else since you read it.`, `Look again: crm ticket show ${t.id} — then repeat.`, 'stale');
    const events = [...change.events];
    if (tags) {
      await setTags(trx, 'ticket', t.id, tags[1]);
      // After the other fields' edit events, before a policy event.
      const pos = events.findIndex((e) => e.kind !== 'edit');
      events.splice(pos < 0 ? events.length : pos, 0, { kind: 'edit', body: 'tags', from: tags[0].join(', ') || null, to: tags[1].join(', ') || null });
    }
    for (const e of events) {
      await trx.insertInto('ticket_events').values({ ticket_id: t.id, kind: e.kind, body: e.body ?? null, from_value: e.from ?? null, to_value: e.to ?? null, actor: e.actor ?? s.actor, at }).execute();
    }
    const before: Record<string, unknown> = {};
    for (const k of Object.keys(change.set)) before[k] = (t as Record<string, unknown>)[k];
    const changes = diff(before, change.set as Record<string, unknown>);
    if (tags) changes.tags = tags;
    await recordAudit(trx, { entity: 'ticket', entityId: t.id, action: change.action, changes, actor: s.actor, at });
    if (within) await within(trx, t.id);
    // The stored SLA deadlines follow in the same transaction (sla-due.ts): recomputed when an
    // event moved a clock, else only their ticket version moves on.
    if (events.some((e) => CLOCK_EVENT_KINDS.includes(e.kind))) await storeSlaDue(trx, t.id, await slaContext(trx));
    else await keepSlaDue(trx, t.id, t.version, t.version + 1);
    return t.id;
  });
  return id;
}

/** Re-resolve the policy after a change of priority, category or channel: a `policy` event if it differs. */
async function withPolicy(s: Session, t: Ticket, change: Change): Promise<Change> {
  const next = { priority: (change.set.priority as string) ?? t.priority, category: 'category' in change.set ? (change.set.category as string | null) : t.category, channel: 'channel' in change.set ? (change.set.channel as string | null) : t.channel, company_id: t.company_id };
  const policyId = await resolvePolicyId(s.db.kysely, next);
  if (policyId !== t.sla_policy_id) {
    change.set.sla_policy_id = policyId;
    const names = await s.db.kysely.selectFrom('sla_policies').select(['id', 'name']).where('id', 'in', [policyId, t.sla_policy_id ?? policyId]).execute();
    const nameOf = (id: number | null) => names.find((n) => n.id === id)?.name ?? 'none';
    change.events.push({ kind: 'policy', body: `${nameOf(t.sla_policy_id)} → ${nameOf(policyId)}`, from: t.sla_policy_id === null ? null : String(t.sla_policy_id), to: String(policyId) });
  }
  return change;
}

async function autoAssign(s: Session, t: Ticket, change: Change): Promise<void> {
  if (t.assignee_id !== null) return;
  const me = await currentUser(s);
  if (!me) return;
  change.set.assignee_id = me.id;
  change.events.push({ kind: 'assign', from: null, to: me.handle });
}

function requireText(text: string | undefined, what: string, example: string): string {
  const body = cleanText(text);
  if (!body) throw new UserError(`${what} needs some text.`, example, 'missing_field');
  return body;
}

/** What a macro (a template with ticket actions) does with its reply, in the same step. */
export interface ReplyActions {
  status?: TicketStatus;
  priority?: TicketPriority;
  addTags?: string[];
}

/** The statuses a macro may set with its reply (closing needs a solved ticket first). */
export const MACRO_STATUSES: TicketStatus[] = ['open', 'pending', 'on_hold', 'solved'];

/**
 * A public agent reply. Takes a new ticket to open and assigns an unassigned ticket to the replier.
 * `actions` (a macro's): the status, priority and tags set in the same transaction as the reply;
 * a value the ticket already has is left alone.
 */
export async function replyToTicket(s: Session, ref: string | number, text: string, expectVersion?: number, actions: ReplyActions = {}): Promise<TicketDetail> {
  return applyChange(s, ref, async (t, at, s) => {
    if (t.status === 'closed') throw closedError(t);
    const body = requireText(text, 'A reply', `crm ticket reply ${t.id} "We're on it"`);
    let change: Change = { set: {}, events: [{ kind: 'reply', body }], action: 'reply' };
    let status = t.status;
    if (t.status === 'new') {
      const st = statusChange(t, 'open', at);
      Object.assign(change.set, st.set);
      change.events.push(...st.events);
      status = 'open';
    }
    await autoAssign(s, t, change);
    if (actions.status && actions.status !== status) {
      const st = statusChange({ ...t, status }, actions.status, at);
      Object.assign(change.set, st.set);
      change.events.push(...st.events);
    }
    if (actions.priority && actions.priority !== t.priority) {
      change.set.priority = actions.priority;
      change.events.push({ kind: 'priority', from: t.priority, to: actions.priority });
      change = await withPolicy(s, t, change);
    }
    if (actions.addTags?.length) change.tags = { add: actions.addTags.map(normalizeTag), remove: [] };
    return change;
  }, expectVersion);
}

/** An internal note: never visible to the requester, never counts as a reply. */
export async function noteOnTicket(s: Session, ref: string | number, text: string, expectVersion?: number): Promise<TicketDetail> {
  return applyChange(s, ref, (t) => {
    if (t.status === 'closed') throw closedError(t);
    return { set: {}, events: [{ kind: 'note', body: requireText(text, 'A note', `crm ticket note ${t.id} "Called the customer"`) }], action: 'note' };
  }, expectVersion);
}

/** A message from the requester: a pending ticket goes back to open, a solved one reopens. */
export async function messageOnTicket(s: Session, ref: string | number, text: string, expectVersion?: number): Promise<TicketDetail> {
  return applyChange(s, ref, messagePlan(text), expectVersion);
}

/** messageOnTicket for bulk writers (mail import): the ticket's id; `within` runs in its transaction. */
export async function messageOnTicketId(s: Session, ref: string | number, text: string, within?: WithinWrite): Promise<number> {
  return applyChangeId(s, ref, messagePlan(text), undefined, within);
}

function messagePlan(text: string) {
  return async (t: Ticket, at: string, s: Session): Promise<Change> => {
    if (t.status === 'closed') throw closedError(t);
    const body = requireText(text, 'A message', `crm ticket message ${t.id} "Here is the serial number"`);
    let actor = 'requester';
    if (t.contact_id !== null) {
      const c = await s.db.kysely.selectFrom('contacts').select(['email', 'id']).where('id', '=', t.contact_id).executeTakeFirst();
      actor = c?.email ?? `contact:${t.contact_id}`;
    }
    const change: Change = { set: {}, events: [{ kind: 'message', body, actor }], action: 'message' };
    if (t.status === 'pending' || t.status === 'solved') {
      const st = statusChange(t, 'open', at);
      Object.assign(change.set, st.set);
      change.events.push(...st.events);
    }
    return change;
  };
}

/** opts.expectVersion: refuse unless the ticket is still at this version (`--if-version`). */
export async function setTicketStatus(s: Session, ref: string | number, to: TicketStatus, opts: { csat?: number; note?: string; expectVersion?: number } = {}): Promise<TicketDetail> {
  return applyChange(s, ref, (t, at) => {
    const change = statusChange(t, to, at);
    if (opts.csat !== undefined) {
      if (!Number.isInteger(opts.csat) || opts.csat < 1 || opts.csat > 5) throw new UserError(`Satisfaction must be a whole number from 1 to 5, not "${opts.csat}".`, `crm ticket close ${t.id} --csat 5`);
      change.set.satisfaction = opts.csat;
      change.events.push({ kind: 'csat', from: t.satisfaction === null ? null : String(t.satisfaction), to: String(opts.csat) });
    }
    if (opts.note) change.events.unshift({ kind: 'note', body: opts.note });
    return change;
  }, opts.expectVersion);
}

/** Satisfaction (CSAT) is asked of a requester whose ticket is done: only a solved or closed ticket is rated. */
export function canRate(status: string): boolean {
  return status === 'solved' || status === 'closed';
}

/** Why a ticket in `status` cannot be rated ("is pending; only a solved or closed ticket can be rated"), or null (crm ticket rate and the ticket import). */
export function rateRefusal(status: string): string | null {
  return canRate(status) ? null : `is ${label(status as TicketStatus)}; only a solved or closed ticket can be rated`;
}

export function parseSatisfaction(text: string | number, example: string): number {
  const v = String(text).trim();
  if (!/^[1-5]$/.test(v)) throw new UserError(`Satisfaction must be a whole number from 1 to 5, not "${text}".`, example, 'invalid_score');
  return Number(v);
}

/**
 * `crm ticket rate`: the requester's satisfaction (1–5) with an optional comment, on a solved or
 * closed ticket (closed tickets are final otherwise, but a rating may still arrive). A `csat`
 * event keeps the score, the previous one and the comment; rating again replaces the score.
 */
export async function rateTicket(s: Session, ref: string | number, score: string | number, comment?: string, expectVersion?: number): Promise<TicketDetail> {
  return applyChange(s, ref, (t) => {
    const csat = parseSatisfaction(score, `crm ticket rate ${t.id} 5 --comment "Quick and friendly"`);
    const refused = rateRefusal(t.status);
    if (refused) throw new UserError(`Ticket #${t.id} ${refused}.`, `Solve it first: crm ticket solve ${t.id}`, 'bad_status');
    const note = cleanText(comment);
    if (t.satisfaction === csat && !note) throw new UserError(`Ticket #${t.id} is already rated ${csat}.`, undefined, 'no_change');
    return { set: { satisfaction: csat }, events: [{ kind: 'csat', body: note, from: t.satisfaction === null ? null : String(t.satisfaction), to: String(csat) }], action: 'rate' };
  }, expectVersion);
}

/** Reopen: solved → open. Also takes a pending or on-hold ticket back to open. */
export async function reopenTicket(s: Session, ref: string | number, expectVersion?: number): Promise<TicketDetail> {
  const t = await getTicketRow(s.db.kysely, ref);
  await authorize(s, 'ticket.write', { label: `ticket #${t.id}`, ownerId: t.assignee_id, unowned: 'queue' });
  checkVersion(t, expectVersion);
  if (t.status === 'new' || t.status === 'open') throw new UserError(`Ticket #${t.id} is ${t.status}; there is nothing to reopen.`, undefined, 'no_change');
  return setTicketStatus(s, t.id, 'open', { expectVersion });
}

export async function assignTicket(s: Session, ref: string | number, who: string, expectVersion?: number): Promise<TicketDetail> {
  return applyChange(s, ref, async (t, _at, s) => {
    if (t.status === 'closed') throw closedError(t);
    const target = who.toLowerCase() === 'none' ? null : await resolveAssignee(s, who);
    if ((target?.id ?? null) === t.assignee_id) throw new UserError(`Ticket #${t.id} is already ${target ? `assigned to ${target.handle}` : 'unassigned'}.`, undefined, 'no_change');
    const from = t.assignee_id === null ? null : ((await s.db.kysely.selectFrom('users').select('handle').where('id', '=', t.assignee_id).executeTakeFirst())?.handle ?? null);
    return { set: { assignee_id: target?.id ?? null }, events: [{ kind: 'assign', from, to: target?.handle ?? null }], action: 'assign' };
  }, expectVersion);
}

export async function setTicketPriority(s: Session, ref: string | number, priority: string, expectVersion?: number): Promise<TicketDetail> {
  const p = parsePriority(priority)!;
  return applyChange(s, ref, async (t, _at, s) => {
    if (t.status === 'closed') throw closedError(t);
    if (t.priority === p) throw new UserError(`Ticket #${t.id} is already ${p} priority.`, undefined, 'no_change');
    return withPolicy(s, t, { set: { priority: p }, events: [{ kind: 'priority', from: t.priority, to: p }], action: 'priority' });
  }, expectVersion);
}

export interface EditTicketInput {
  subject?: string;
  description?: string;
  category?: string;
  channel?: string;
  product?: string;
  warrantyUntil?: string;
  addTags?: string[];
  removeTags?: string[];
  /** Custom field values as typed (`--set name=value`). */
  setFields?: Record<string, string>;
}

export async function editTicket(s: Session, ref: string | number, input: EditTicketInput, expectVersion?: number): Promise<TicketDetail> {
  const fieldValues = await fieldValuesFromSets(s, 'ticket', input.setFields);
  return applyChange(s, ref, async (t, _at, s) => {
    if (t.status === 'closed') throw closedError(t);
    const set: Change['set'] = {};
    if (input.subject !== undefined) {
      const subject = cleanText(input.subject);
      if (!subject) throw new UserError('A ticket needs a subject.');
      if (subject !== t.subject) set.subject = subject;
    }
    const description = input.description === undefined ? undefined : cleanText(input.description);
    if (description !== undefined && description !== t.description) set.description = description;
    const category = cleanLabel(input.category);
    if (category !== undefined && category !== t.category) set.category = category;
    const channel = cleanLabel(input.channel);
    if (channel !== undefined && channel !== t.channel) set.channel = channel;
    const product = input.product === undefined ? undefined : cleanText(input.product)?.toLowerCase() === 'none' ? null : cleanText(input.product);
    if (product !== undefined && product !== t.product) set.product = product;
    const warranty = parseWarrantyDate(input.warrantyUntil);
    if (warranty !== undefined && warranty !== t.warranty_until) set.warranty_until = warranty;
    if (fieldValues) {
      const custom = mergeFieldValues(t.custom_fields, fieldValues);
      if (custom !== t.custom_fields) set.custom_fields = custom;
    }
    const tags = input.addTags || input.removeTags ? { add: (input.addTags ?? []).map(normalizeTag), remove: (input.removeTags ?? []).map(normalizeTag) } : undefined;
    // Every value given is the stored one (the tags are checked in the transaction).
    const noChange = () => {
      const has = [
        ...(input.subject !== undefined ? ['that subject'] : []),
        ...(description !== undefined ? [description === null ? 'no description' : 'that description'] : []),
        ...(category !== undefined ? [category === null ? 'no category' : `category ${category}`] : []),
        ...(channel !== undefined ? [channel === null ? 'no channel' : `channel ${channel}`] : []),
        ...(product !== undefined ? [product === null ? 'no product' : `product ${product}`] : []),
        ...(warranty !== undefined ? [warranty === null ? 'no warranty date' : `warranty until ${warranty}`] : []),
        ...(fieldValues ? ['those field values'] : []),
        ...(tags?.add.length ? [`${tags.add.length > 1 ? 'tags' : 'tag'} ${tags.add.join(', ')}`] : []),
        ...(tags?.remove.length ? [`no ${tags.remove.length > 1 ? 'tags' : 'tag'} ${tags.remove.join(', ')}`] : []),
      ];
      const list = has.length > 1 ? `${has.slice(0, -1).join(', ')} and ${has.at(-1)}` : (has[0] ?? 'these values');
      return new UserError(`Nothing to change: ticket #${t.id} already has ${list}.`, `See it with: crm ticket show ${t.id}`, 'no_change');
    };
    if (!Object.keys(set).length && !tags) throw noChange();
    // One `edit` event per changed field (tags: added inside the transaction, from the tags then).
    const events: NewEvent[] = [];
    for (const [field, to] of Object.entries(set)) {
      const from = (t as Record<string, unknown>)[field] as string | null;
      if (from !== to) events.push({ kind: 'edit', body: field, from, to: to as string | null });
    }
    const change: Change = { set, events, action: 'update', tags, noChange };
    return 'category' in set || 'channel' in set ? withPolicy(s, t, change) : change;
  }, expectVersion);
}

export const ticketFilterSpec: FilterSpec = {
  entity: 'ticket',
  idColumn: 't.id',
  tagEntity: 'ticket',
  fields: [
    { name: 'status', type: 'custom', compile: (eb, term) => {
      const values = term.values.map(statusWord);
      if (values.length === 1 && values[0] === 'any') return eb.lit(true) as never;
      if (values.length === 1 && values[0] === 'unsolved') return eb('t.status', 'in', OPEN_TICKET_STATUSES);
      for (const v of values) if (!STATUSES.includes(v as TicketStatus)) throw new UsageError(`Bad filter term "${term.token}".`, `status is one of: ${STATUSES.join(', ')}, unsolved, any. See: crm help filters`, 'bad_filter');
      return eb('t.status', 'in', values);
    } },
    { name: 'priority', type: 'enum', column: 't.priority', values: TICKET_PRIORITIES },
    { name: 'assignee', aliases: ['agent', 'owner'], type: 'user', column: 't.assignee_id' },
    { name: 'category', type: 'exact', column: 't.category' },
    { name: 'channel', type: 'exact', column: 't.channel' },
    { name: 'subject', type: 'text', column: 't.subject' },
    { name: 'company', type: 'custom', compile: (eb, term) => eb.or(term.values.map((v) => (v === 'none' ? eb('t.company_id', 'is', null) : eb('t.company_id', 'in', eb.selectFrom('companies').select('id').where(sql<boolean>`instr(name_fold, ${fold(v)}) > 0`))))) },
    { name: 'contact', aliases: ['requester'], type: 'custom', compile: (eb, term) => eb.or(term.values.map((v) => (v === 'none' ? eb('t.contact_id', 'is', null) : /^\d+$/.test(v) ? eb('t.contact_id', '=', Number(v)) : eb('t.contact_id', 'in', eb.selectFrom('contacts').select('id').where(sql<boolean>`instr(search_text, ${fold(v)}) > 0`))))) },
    { name: 'policy', type: 'custom', compile: (eb, term) => eb('t.sla_policy_id', 'in', eb.selectFrom('sla_policies').select('id').where('name', 'in', term.values)) },
    { name: 'csat', aliases: ['satisfaction'], type: 'number', column: 't.satisfaction' },
    { name: 'product', type: 'text', column: 't.product' },
    { name: 'warranty', type: 'custom', compile: (eb, term, env) => {
      // The ticket's own end date, else its customer's installed product, else its company's date (./warranty.ts).
      const ticket = sql.ref('t.warranty_until');
      const company = eb.selectFrom('companies as wc').select('wc.warranty_until').whereRef('wc.id', '=', 't.company_id');
      const product = installedWarrantySql();
      const today = zonedDay(env.now.toISOString(), env.timeZone);
      const todayN = dayNumber(today);
      const none = sql<boolean>`(${ticket} IS NULL AND ${product} IS NULL AND (${company}) IS NULL)`;
      const compare = (op: '<' | '>=') =>
        sql<boolean>`(CASE WHEN ${ticket} IS NOT NULL THEN ${ticket} ${sql.raw(op)} ${today} WHEN ${product} IS NOT NULL THEN ${product} ${sql.raw(op)} ${todayN} ELSE (${company}) ${sql.raw(op)} ${today} END)`;
      return eb.or(term.values.map((v) => {
        switch (v.toLowerCase()) {
          case 'expired': return eb(compare('<'), '=', sql<boolean>`TRUE`);
          case 'active': case 'valid': case 'under': return eb(compare('>='), '=', sql<boolean>`TRUE`);
          case 'none': return eb(none, '=', sql<boolean>`TRUE`);
          case 'any': return eb(none, '=', sql<boolean>`FALSE`);
          default: throw new UsageError(`Bad filter term "${term.token}".`, 'warranty is one of: expired, active, none, any (from the ticket\'s --warranty-until, else its installed product, else its company\'s). See: crm help filters', 'bad_filter');
        }
      }));
    } },
    { name: 'created', type: 'datetime', column: 't.created_at' },
    { name: 'updated', type: 'datetime', column: 't.updated_at' },
    { name: 'solved', type: 'datetime', column: 't.solved_at' },
    { name: 'id', type: 'number', column: 't.id' },
  ],
  text: (eb, folded) => eb(sql`instr(crm_fold(t.subject), ${folded})`, '>', 0),
};

export interface TicketListOptions {
  filter?: string[];
  limit?: number;
  breaching?: boolean;
  /** Seconds: only tickets with a running deadline within this long from now (overdue included). */
  dueWithinSeconds?: number;
  /** Only this assignee id (the queue). */
  assigneeId?: number;
  sort?: 'deadline' | 'urgency' | 'created' | 'id';
}

export function parseDueWithin(text: string): number {
  return durationSeconds(parseDuration(text, '--due-within'), null);
}

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** The ticket filter with the team's custom fields and segments. */
export function ticketFilterSpecFor(s: Session): Promise<FilterSpec> {
  return filterSpecFor(s, ticketFilterSpec, { entity: 'ticket', column: 't.custom_fields' });
}

/**
 * --breaching / --due-within narrowed as `automate run` narrows its SLA triggers: the stored
 * deadlines (./sla-due.ts) brought up to date by the same function, then a range query on each
 * metric's deadline index — a running deadline at or before `until` (overdue ones included), a
 * second of slack — gives the candidates, whose clocks the SLA engine then computes and which it
 * alone keeps or drops (the filter after loadRecords). Rows are at their ticket's version once
 * refreshed (every ticket write keeps its row in the same transaction). Only unsolved tickets have
 * stored rows: a solved or closed one (status: terms) stays a candidate and the engine decides.
 */
async function dueCandidates<Q extends ReturnType<typeof ticketQuery>>(s: Session, q: Q, until: number): Promise<Q> {
  try {
    await refreshSlaDue(s, () => slaContext(s.db.kysely), { write: true });
  } catch (err) {
    // A user who may only read (a read-only file, a role without INSERT) still gets the list:
    // every candidate goes to the engine, as before the deadlines were stored.
    if (isWriteRefused(err)) return q;
    throw err;
  }
  const hi = new Date(until + 1000).toISOString();
  const [first, ...rest] = Object.values(DUE_COLUMN).map((column) => s.db.kysely.selectFrom('ticket_sla_due as d').select('d.ticket_id').where(`d.${column}`, '<=', hi));
  const due = rest.reduce((all, one) => all.union(one), first!);
  return q.where((eb) => eb.or([eb('t.status', 'not in', OPEN_TICKET_STATUSES), eb('t.id', 'in', due)])) as Q;
}

/** Tickets matching a filter (unsolved unless a status: term says otherwise), with SLA states. */
export async function listTickets(s: Session, opts: TicketListOptions = {}): Promise<{ rows: TicketRecord[]; total: number }> {
  const tree = parseFilter(opts.filter ?? []);
  const me = await currentUser(s);
  const where = await compileFilterWith(tree, () => ticketFilterSpecFor(s), filterEnv(s, me));
  let q = ticketQuery(s.db.kysely);
  if (!tree.terms.some((t) => t.kind === 'field' && t.field === 'status')) q = q.where('t.status', 'in', OPEN_TICKET_STATUSES);
  if (where) q = q.where(where as never);
  if (opts.assigneeId !== undefined) q = q.where('t.assignee_id', '=', opts.assigneeId);
  const now = s.now().getTime();
  if (opts.breaching || opts.dueWithinSeconds !== undefined) q = await dueCandidates(s, q, opts.breaching ? now : now + opts.dueWithinSeconds! * 1000);
  const rows = await q.orderBy('t.id').execute();
  let records = await loadRecords(s, rows);
  if (opts.breaching) records = records.filter((r) => r.breaching);
  if (opts.dueWithinSeconds !== undefined) {
    const limit = now + opts.dueWithinSeconds * 1000;
    records = records.filter((r) => r.nextDeadline !== null && Date.parse(r.nextDeadline) <= limit);
  }
  const byDeadline = (a: TicketRecord, b: TicketRecord) => {
    if (a.nextDeadline === b.nextDeadline) return 0;
    if (a.nextDeadline === null) return 1;
    if (b.nextDeadline === null) return -1;
    return a.nextDeadline < b.nextDeadline ? -1 : 1;
  };
  switch (opts.sort ?? 'deadline') {
    case 'created':
      records.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id));
      break;
    case 'id':
      records.sort((a, b) => a.id - b.id);
      break;
    case 'urgency': {
      // Breached first, then by deadline; paused and waiting tickets after; priority breaks ties.
      const group = (r: TicketRecord) => (r.breaching ? 0 : r.nextDeadline ? 1 : r.status === 'new' || r.status === 'open' ? 2 : 3);
      records.sort((a, b) => group(a) - group(b) || byDeadline(a, b) || PRIORITY_RANK[a.priority]! - PRIORITY_RANK[b.priority]! || a.id - b.id);
      break;
    }
    default:
      records.sort((a, b) => byDeadline(a, b) || PRIORITY_RANK[a.priority]! - PRIORITY_RANK[b.priority]! || a.id - b.id);
  }
  const total = records.length;
  return { rows: opts.limit ? records.slice(0, opts.limit) : records, total };
}

/** The acting agent's work queue (or everyone's), most urgent first. */
export async function ticketQueue(s: Session, opts: { all?: boolean; limit?: number; filter?: string[] } = {}): Promise<{ rows: TicketRecord[]; total: number; agent: string | null }> {
  let assigneeId: number | undefined;
  let agent: string | null = null;
  if (!opts.all) {
    const me = await currentUser(s);
    if (!me) throw new UserError(`You (${s.actor}) are not a crm user, so you have no queue.`, `See everyone's: crm queue --all — or act as an agent: crm queue --as support.anna`);
    assigneeId = me.id;
    agent = me.handle;
  }
  const { rows, total } = await listTickets(s, { filter: opts.filter, assigneeId, limit: opts.limit, sort: 'urgency' });
  return { rows, total, agent };
}

