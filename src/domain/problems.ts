/**
 * Problems (root causes): one problem links the many tickets a defect causes, so it is worked
 * once — investigated, recorded as a known error, escalated to R&D, fixed in a version — and
 * the linked tickets show it. `report recurring` ranks them (src/reports/recurring).
 * A problem is open until fixed: closing it sets status fixed and closed_at; moving it back to
 * another status reopens it.
 */
import type { Selectable } from 'kysely';
import { diff, recordAudit } from '../db/audit.js';
import type { ProblemsTable } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { NotFoundError, UsageError, UserError } from '../errors.js';
import { authorize } from './permissions.js';
import { nowIso, type Session } from './session.js';
import { getTicketRow } from './tickets.js';
import { getUser } from './users.js';
import { cleanText, rejectControlChars } from './validate.js';

export const PROBLEM_STATUSES = ['investigating', 'known-error', 'escalated', 'fixed'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

type ProblemRow = Selectable<ProblemsTable>;

export interface ProblemRecord {
  id: number;
  title: string;
  status: ProblemStatus;
  owner: string | null;
  rootCause: string | null;
  fixVersion: string | null;
  product: string | null;
  /** How many tickets are linked. */
  ticketCount: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  version: number;
}

export interface ProblemDetail extends ProblemRecord {
  tickets: { id: number; subject: string; status: string; category: string | null; linkedAt: string }[];
}

export function parseProblemStatus(text: string | undefined): ProblemStatus | undefined {
  if (text === undefined) return undefined;
  const v = text.trim().toLowerCase().replace(/[_ ]/g, '-');
  const alias: Record<string, ProblemStatus> = { known: 'known-error', 'escalated-to-r&d': 'escalated', rd: 'escalated', 'r&d': 'escalated' };
  const status = (alias[v] ?? v) as ProblemStatus;
  if (!PROBLEM_STATUSES.includes(status)) throw new UsageError(`Unknown problem status "${text}".`, `Use one of: ${PROBLEM_STATUSES.join(', ')}.`, 'bad_status');
  return status;
}

export function parseProblemId(ref: string | number): number {
  const m = /^(?:problem:)?#?(\d+)$/i.exec(String(ref).trim());
  if (!m) throw new UsageError(`A problem id is a number (3, problem:3), not "${ref}".`, 'Find it with: crm problem list', 'usage');
  return Number(m[1]);
}

async function problemRow(db: Trx, ref: string | number): Promise<ProblemRow> {
  const id = parseProblemId(ref);
  const row = await db.selectFrom('problems').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`No problem #${id}.`, 'List problems with: crm problem list --all');
  return row;
}

async function toRecords(db: Trx, rows: ProblemRow[]): Promise<ProblemRecord[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const counts = await db.selectFrom('problem_tickets').select(['problem_id', (eb) => eb.fn.countAll<number>().as('n')]).where('problem_id', 'in', ids).groupBy('problem_id').execute();
  const ownerIds = [...new Set(rows.map((r) => r.owner_id).filter((v): v is number => v !== null))];
  const owners = ownerIds.length ? await db.selectFrom('users').select(['id', 'handle']).where('id', 'in', ownerIds).execute() : [];
  const count = new Map(counts.map((c) => [c.problem_id, Number(c.n)]));
  const handle = new Map(owners.map((u) => [u.id, u.handle]));
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    status: r.status as ProblemStatus,
    owner: r.owner_id === null ? null : (handle.get(r.owner_id) ?? null),
    rootCause: r.root_cause,
    fixVersion: r.fix_version,
    product: r.product,
    ticketCount: count.get(r.id) ?? 0,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
    version: r.version,
  }));
}

export interface ProblemInput {
  title?: string;
  status?: string;
  owner?: string;
  rootCause?: string;
  fixVersion?: string;
  product?: string;
}

/** undefined: not given; null: cleared ("none" or empty). */
function optional(text: string | undefined, what: string): string | null | undefined {
  if (text === undefined) return undefined;
  const v = cleanText(text);
  if (v === null || v.toLowerCase() === 'none') return null;
  rejectControlChars(v.replace(/\n/g, ' '), what);
  return v;
}

async function ownerId(s: Session, ref: string | undefined): Promise<number | null | undefined> {
  if (ref === undefined) return undefined;
  if (ref.trim().toLowerCase() === 'none') return null;
  return (await getUser(s, ref.trim().toLowerCase() === 'me' ? s.actor : ref)).id;
}

export async function addProblem(s: Session, input: ProblemInput): Promise<ProblemDetail> {
  await authorize(s, 'problem.write');
  const title = cleanText(input.title);
  if (!title) throw new UserError('A problem needs a title.', 'crm problem add "Printers drop off Wi-Fi after firmware 4.2"');
  rejectControlChars(title, 'The title');
  const status = parseProblemStatus(input.status) ?? 'investigating';
  const at = nowIso(s);
  const values = {
    title,
    status,
    owner_id: (await ownerId(s, input.owner)) ?? null,
    root_cause: optional(input.rootCause, 'The root cause') ?? null,
    fix_version: optional(input.fixVersion, 'The fix version') ?? null,
    product: optional(input.product, 'The product') ?? null,
    created_at: at,
    updated_at: at,
    closed_at: status === 'fixed' ? at : null,
  };
  const id = await writeTransaction(s.db, async (trx) => {
    const row = await trx.insertInto('problems').values(values).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, { entity: 'problem', entityId: row.id, action: 'create', changes: diff({}, values), actor: s.actor, at });
    return row.id;
  });
  return showProblem(s, id);
}

export async function editProblem(s: Session, ref: string, input: ProblemInput, action = 'update'): Promise<ProblemDetail> {
  await authorize(s, 'problem.write');
  const title = input.title === undefined ? undefined : cleanText(input.title);
  if (title === null) throw new UserError('A problem needs a title.');
  if (title) rejectControlChars(title, 'The title');
  const status = parseProblemStatus(input.status);
  const owner = await ownerId(s, input.owner);
  const fields = { root_cause: optional(input.rootCause, 'The root cause'), fix_version: optional(input.fixVersion, 'The fix version'), product: optional(input.product, 'The product') };
  const at = nowIso(s);
  const id = await writeTransaction(s.db, async (trx) => {
    const p = await problemRow(trx, ref);
    const set: Partial<ProblemRow> = {};
    if (title !== undefined && title !== p.title) set.title = title;
    if (status !== undefined && status !== p.status) {
      set.status = status;
      set.closed_at = status === 'fixed' ? at : null;
    }
    if (owner !== undefined && owner !== p.owner_id) set.owner_id = owner;
    for (const [k, v] of Object.entries(fields) as [keyof typeof fields, string | null | undefined][]) if (v !== undefined && v !== p[k]) set[k] = v;
    if (!Object.keys(set).length) {
      throw new UserError(action === 'close' ? `Problem #${p.id} is already fixed.` : `Nothing to change: problem #${p.id} already has these values.`, `See it: crm problem show ${p.id}`, 'no_change');
    }
    await trx.updateTable('problems').set({ ...set, updated_at: at, version: p.version + 1 }).where('id', '=', p.id).execute();
    const before: Record<string, unknown> = {};
    for (const k of Object.keys(set)) before[k] = (p as Record<string, unknown>)[k];
    await recordAudit(trx, { entity: 'problem', entityId: p.id, action, changes: diff(before, set as Record<string, unknown>), actor: s.actor, at });
    return p.id;
  });
  return showProblem(s, id);
}

/** Close = fixed (optionally in a version, with the root cause written down). */
export function closeProblem(s: Session, ref: string, input: Pick<ProblemInput, 'fixVersion' | 'rootCause'> = {}): Promise<ProblemDetail> {
  return editProblem(s, ref, { ...input, status: 'fixed' }, 'close');
}

export async function showProblem(s: Session, ref: string | number): Promise<ProblemDetail> {
  const db = s.db.kysely;
  const p = await problemRow(db, ref);
  const [record] = await toRecords(db, [p]);
  const tickets = await db
    .selectFrom('problem_tickets as l')
    .innerJoin('tickets as t', 't.id', 'l.ticket_id')
    .select(['t.id', 't.subject', 't.status', 't.category', 'l.linked_at as linkedAt'])
    .where('l.problem_id', '=', p.id)
    .orderBy('t.id')
    .execute();
  return { ...record!, tickets };
}

export async function listProblems(s: Session, o: { status?: string; all?: boolean; limit?: number } = {}): Promise<{ rows: ProblemRecord[]; total: number }> {
  let q = s.db.kysely.selectFrom('problems').selectAll();
  const status = parseProblemStatus(o.status);
  if (status) q = q.where('status', '=', status);
  else if (!o.all) q = q.where('status', '<>', 'fixed');
  const all = await toRecords(s.db.kysely, await q.orderBy('id').execute());
  // Most linked tickets first: the problem hurting most customers leads.
  all.sort((a, b) => b.ticketCount - a.ticketCount || a.id - b.id);
  return { rows: o.limit ? all.slice(0, o.limit) : all, total: all.length };
}

/** "ticket:12", "#12" or "12" → 12. */
export function parseTicketRef(ref: string): number {
  const m = /^(?:ticket:)?#?(\d+)$/i.exec(ref.trim());
  if (!m) throw new UsageError(`A ticket is named ticket:12 (or 12), not "${ref}".`, 'crm problem link 3 ticket:12 ticket:19', 'usage');
  return Number(m[1]);
}

/** Link (or unlink) tickets: returns the ids whose link changed and those that already were so. */
export async function linkProblemTickets(s: Session, ref: string, ticketRefs: string[], unlink = false): Promise<{ problem: ProblemDetail; changed: number[]; unchanged: number[] }> {
  await authorize(s, 'problem.write');
  if (!ticketRefs.length) throw new UsageError('Name the tickets: crm problem link 3 ticket:12 ticket:19');
  const ids = [...new Set(ticketRefs.map(parseTicketRef))];
  const at = nowIso(s);
  const result = await writeTransaction(s.db, async (trx) => {
    const p = await problemRow(trx, ref);
    const changed: number[] = [];
    const unchanged: number[] = [];
    for (const id of ids) {
      await getTicketRow(trx, id);
      const existing = await trx.selectFrom('problem_tickets').select('ticket_id').where('problem_id', '=', p.id).where('ticket_id', '=', id).executeTakeFirst();
      if (unlink ? !existing : existing) {
        unchanged.push(id);
        continue;
      }
      if (unlink) await trx.deleteFrom('problem_tickets').where('problem_id', '=', p.id).where('ticket_id', '=', id).execute();
      else await trx.insertInto('problem_tickets').values({ problem_id: p.id, ticket_id: id, linked_by: s.actor, linked_at: at }).execute();
      changed.push(id);
    }
    if (changed.length) await recordAudit(trx, { entity: 'problem', entityId: p.id, action: unlink ? 'unlink' : 'link', changes: { tickets: unlink ? [changed, null] : [null, changed] }, actor: s.actor, at });
    return { id: p.id, changed, unchanged };
  });
  return { problem: await showProblem(s, result.id), changed: result.changed, unchanged: result.unchanged };
}

/** The problems a ticket is linked to (ticket show). */
export async function problemsForTicket(s: Session, ticketId: number): Promise<{ id: number; title: string; status: string; fixVersion: string | null }[]> {
  return s.db.kysely
    .selectFrom('problem_tickets as l')
    .innerJoin('problems as p', 'p.id', 'l.problem_id')
    .select(['p.id', 'p.title', 'p.status', 'p.fix_version as fixVersion'])
    .where('l.ticket_id', '=', ticketId)
    .orderBy('p.id')
    .execute();
}
