/**
 * Stored SLA deadlines (migration 0024): per open ticket, the instant each running SLA metric is
 * due — or was breached, once overdue — so the `sla.due` / `sla.breached` time triggers are
 * range queries on an index instead of the SLA clocks of every open ticket recomputed each run.
 *
 * The deadline of a running metric depends on the ticket's event log, its policy and calendar
 * only, not on the moment it is looked at (between two events the remaining business time shrinks
 * exactly as the clock advances), so it is computed by the SLA engine (slaOf) at the time of the
 * ticket's latest event and stays right until the next one. Who keeps it right:
 *   - every ticket change (src/domain/tickets.ts: open, reply, message, status, priority, assign,
 *     edit …), in the change's own transaction (storeSlaDue);
 *   - `crm automate run` (refreshSlaDue) for rows missing or behind their ticket's version —
 *     tickets from before the migration (the backfill), bulk imports, restored copies;
 *   - calendar and policy changes empty the table (clearSlaDue, same transaction): every deadline
 *     may move, and the next run recomputes them.
 */
import type { StreamedEvent, StreamedTicket } from '../db/sqlite-tickets.js';
import { allTicketsWithEvents } from '../db/tickets.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import type { Session } from './session.js';
import type { MetricClock } from './sla/clock.js';
import type { Metric } from './sla/targets.js';
import { CLOCK_EVENT_KINDS, instantMs, slaOf, type SlaContext } from './ticket-sla.js';

/** The statuses whose SLA clocks can still run (the unsolved ones). */
export const OPEN_TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold'] as const;

/** The column of ticket_sla_due holding each metric's deadline. */
export const DUE_COLUMN = { firstReply: 'first_reply_due', nextReply: 'next_reply_due', resolution: 'resolution_due' } as const satisfies Record<Metric, string>;

export interface SlaDueRow {
  ticket_id: number;
  version: number;
  first_reply_due: string | null;
  next_reply_due: string | null;
  resolution_due: string | null;
}

const isOpen = (status: string) => (OPEN_TICKET_STATUSES as readonly string[]).includes(status);

/** When a running metric is due (its breach instant once breached); null when stopped, paused or without a target. */
export function runningDeadline(c: MetricClock | null): string | null {
  return c && c.stoppedAt === null && c.state !== 'paused' ? c.deadline : null;
}

/**
 * The stored deadlines of a ticket (null: not open, nothing to store), computed at its latest
 * event — the same instants the SLA engine gives at any later moment until the next event.
 */
export function slaDueRow(t: StreamedTicket, version: number, ctx: SlaContext): SlaDueRow | null {
  if (!isOpen(t.status)) return null;
  let at = instantMs(t.createdAt);
  for (const e of t.events) {
    const ms = instantMs(e.at);
    if (ms > at) at = ms;
  }
  const r = slaOf(t, ctx, new Date(at));
  return { ticket_id: t.id, version, first_reply_due: runningDeadline(r.firstReply), next_reply_due: runningDeadline(r.nextReply), resolution_due: runningDeadline(r.resolution) };
}

async function upsert(trx: Trx, rows: SlaDueRow[]): Promise<void> {
  if (!rows.length) return;
  await trx
    .insertInto('ticket_sla_due')
    .values(rows)
    .onConflict((oc) =>
      oc.column('ticket_id').doUpdateSet((eb) => ({
        version: eb.ref('excluded.version'),
        first_reply_due: eb.ref('excluded.first_reply_due'),
        next_reply_due: eb.ref('excluded.next_reply_due'),
        resolution_due: eb.ref('excluded.resolution_due'),
      })),
    )
    .execute();
}

/**
 * Recompute and store one ticket's deadlines inside the transaction that just changed it (reads
 * its row and clock events through `trx`, so the change is seen). `ctx`: the SLA policies.
 */
export async function storeSlaDue(trx: Trx, ticketId: number, ctx: SlaContext): Promise<void> {
  const t = await trx
    .selectFrom('tickets')
    .select(['id', 'created_at', 'priority', 'status', 'sla_policy_id', 'assignee_id', 'category', 'channel', 'company_id', 'satisfaction', 'version'])
    .where('id', '=', ticketId)
    .executeTakeFirst();
  if (!t || !isOpen(t.status)) {
    await trx.deleteFrom('ticket_sla_due').where('ticket_id', '=', ticketId).execute();
    return;
  }
  const events = await trx.selectFrom('ticket_events').select(['kind', 'at', 'from_value', 'to_value']).where('ticket_id', '=', ticketId).where('kind', 'in', CLOCK_EVENT_KINDS).orderBy('at').orderBy('id').execute();
  const row = slaDueRow(streamed(t, events.map((e) => ({ kind: e.kind, at: e.at, from: e.from_value, to: e.to_value }))), t.version, ctx);
  if (row) await upsert(trx, [row]);
}

/**
 * A change that moved no SLA clock (a note, an assignment, an edit of the subject or tags): the
 * stored deadlines stay right, only their ticket version follows. A row not at `fromVersion` is
 * left behind (the next `automate run` recomputes it).
 */
export async function keepSlaDue(trx: Trx, ticketId: number, fromVersion: number, toVersion: number): Promise<void> {
  await trx.updateTable('ticket_sla_due').set({ version: toVersion }).where('ticket_id', '=', ticketId).where('version', '=', fromVersion).execute();
}

/** Every stored deadline is void (a calendar's hours or holidays, a policy's targets or order changed). */
export async function clearSlaDue(trx: Trx): Promise<void> {
  await trx.deleteFrom('ticket_sla_due').execute();
}

type TicketCols = { id: number; created_at: string; priority: string; status: string; sla_policy_id: number | null; assignee_id: number | null; category: string | null; channel: string | null; company_id: number | null; satisfaction: number | null };

function streamed(t: TicketCols, events: StreamedEvent[]): StreamedTicket {
  return { id: t.id, createdAt: t.created_at, priority: t.priority, status: t.status, policyId: t.sla_policy_id, assigneeId: t.assignee_id, category: t.category, channel: t.channel, companyId: t.company_id, satisfaction: t.satisfaction, events };
}

/** Tickets recomputed per transaction by refreshSlaDue. */
const REFRESH_CHUNK = 2000;

/**
 * Bring the stored deadlines up to date: open tickets without a row or whose row is behind the
 * ticket's version are recomputed (stored unless `write` is false: --dry-run, rule test), rows of
 * tickets no longer open are dropped. Returns the recomputed rows. With nothing behind, two
 * integer comparisons per open ticket — no event is read, no clock computed.
 */
export async function refreshSlaDue(s: Session, ctx: () => Promise<SlaContext>, opts: { write: boolean }): Promise<Map<number, SlaDueRow>> {
  const db = s.db.kysely;
  const out = new Map<number, SlaDueRow>();
  // The versions are read before the events: a change in between leaves the row behind, never ahead.
  const behind = await db
    .selectFrom('tickets as t')
    .leftJoin('ticket_sla_due as d', 'd.ticket_id', 't.id')
    .select(['t.id', 't.version'])
    .where('t.status', 'in', [...OPEN_TICKET_STATUSES])
    .where((eb) => eb.or([eb('d.version', 'is', null), eb('d.version', '<>', eb.ref('t.version'))]))
    .orderBy('t.id')
    .execute();
  if (opts.write) {
    const closed = await db
      .selectFrom('ticket_sla_due as d')
      .innerJoin('tickets as t', 't.id', 'd.ticket_id')
      .select('d.ticket_id')
      .whereRef('d.version', '<>', 't.version')
      .where('t.status', 'not in', [...OPEN_TICKET_STATUSES])
      .execute();
    for (let i = 0; i < closed.length; i += REFRESH_CHUNK) {
      const ids = closed.slice(i, i + REFRESH_CHUNK).map((r) => r.ticket_id);
      await writeTransaction(s.db, (trx) => trx.deleteFrom('ticket_sla_due').where('ticket_id', 'in', ids).execute());
    }
  }
  if (!behind.length) return out;
  const context = await ctx();
  const versions = new Map(behind.map((r) => [r.id, r.version]));
  for (let i = 0; i < behind.length; i += REFRESH_CHUNK) {
    const ids = behind.slice(i, i + REFRESH_CHUNK).map((r) => r.id);
    const rows: SlaDueRow[] = [];
    for (const t of await allTicketsWithEvents(s.db, { ids, kinds: CLOCK_EVENT_KINDS })) {
      const row = slaDueRow(t, versions.get(t.id)!, context);
      if (row) {
        rows.push(row);
        out.set(row.ticket_id, row);
      }
    }
    if (opts.write) await writeTransaction(s.db, (trx) => upsert(trx, rows));
  }
  return out;
}
