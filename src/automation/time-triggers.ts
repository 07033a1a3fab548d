/**
 * Time triggers: which records are due now, each with the key of its occurrence (so a rule fires
 * once per occurrence however often cron runs). Every query starts from an index on the time
 * column (migration 0013 adds those it needs) and reads only rows past the cutoff, so a run with
 * nothing due reads next to nothing. Business time ("30 business minutes") is the SLA engine's
 * calendar (BusinessCalendar of the ticket's policy calendar), never re-implemented here.
 */
import type { Session } from '../domain/session.js';
import { sql } from 'kysely';
import { DUE_COLUMN, OPEN_TICKET_STATUSES, refreshSlaDue } from '../domain/sla-due.js';
import type { Metric } from '../domain/sla/targets.js';
import { durationMinutes, type RuleDefinition } from './definition.js';

export interface DueOccurrence {
  entity: string;
  entityId: number;
  occurrence: string;
  why: string;
}

/** At most this many records per rule per run; the rest come on the next run. */
const BATCH = 1000;

/**
 * opts.write: a run that may store what it recomputes (not --dry-run, not rule test).
 * opts.unfired: leave out occurrences this rule already fired on (a run; rule test shows them all).
 */
export async function dueOccurrences(s: Session, def: RuleDefinition, ruleId: number, opts: { write: boolean; unfired: boolean } = { write: false, unfired: false }): Promise<DueOccurrence[]> {
  const db = s.db.kysely;
  const now = s.now();
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60000).toISOString();
  switch (def.on) {
    case 'ticket.unassigned': {
      const minutes = durationMinutes(def.for!, 'for');
      // Wall-clock time is at least business time: candidates are unassigned past the wall cutoff.
      const rows = await db
        .selectFrom('tickets')
        .select(['id', 'created_at', 'sla_policy_id'])
        .where('assignee_id', 'is', null)
        .where('created_at', '<=', minutesAgo(minutes))
        .where('status', 'in', ['new', 'open'])
        .orderBy('created_at')
        .limit(BATCH)
        .execute();
      if (!rows.length) return [];
      const calendars = await calendarsOf(s, rows.map((r) => r.sla_policy_id));
      const out: DueOccurrence[] = [];
      for (const r of rows) {
        // Unassigned since the last unassignment, else since it was opened.
        const last = await db.selectFrom('ticket_events').select('at').where('ticket_id', '=', r.id).where('kind', '=', 'assign').orderBy('id', 'desc').limit(1).executeTakeFirst();
        const since = last?.at ?? r.created_at;
        const basis = r.sla_policy_id !== null ? calendars.get(r.sla_policy_id) : undefined;
        const seconds = basis ? basis.secondsBetween(Date.parse(since), now.getTime()) : (now.getTime() - Date.parse(since)) / 1000;
        if (seconds >= minutes * 60) out.push({ entity: 'ticket', entityId: r.id, occurrence: `unassigned:${since}`, why: `unassigned since ${since} (${Math.floor(seconds / 60)} ${basis ? 'business ' : ''}minutes)` });
      }
      return out;
    }
    case 'sla.due':
    case 'sla.breached':
      return slaOccurrences(s, def, ruleId, opts);
    case 'deal.stale': {
      const rows = await db
        .selectFrom('deals as d')
        .innerJoin('stages as st', 'st.id', 'd.stage_id')
        .select(['d.id', 'd.stage_entered_at', 'st.name'])
        .where('d.stage_entered_at', '<=', minutesAgo(durationMinutes(def.for!, 'for')))
        .where('st.kind', '=', 'open')
        .where('d.archived_at', 'is', null)
        .orderBy('d.stage_entered_at')
        .limit(BATCH)
        .execute();
      return rows.map((r) => ({ entity: 'deal', entityId: r.id, occurrence: `stage:${r.stage_entered_at}`, why: `in ${r.name} since ${r.stage_entered_at}` }));
    }
    case 'contact.untouched': {
      const cutoff = minutesAgo(durationMinutes(def.for!, 'for'));
      const touched = await db.selectFrom('contacts').select(['id', 'last_touched_at as since']).where('last_touched_at', '<=', cutoff).where('archived_at', 'is', null).orderBy('last_touched_at').limit(BATCH).execute();
      const never = await db.selectFrom('contacts').select(['id', 'created_at as since']).where('last_touched_at', 'is', null).where('created_at', '<=', cutoff).where('archived_at', 'is', null).orderBy('created_at').limit(BATCH).execute();
      return [...touched, ...never].map((r) => ({ entity: 'contact', entityId: r.id, occurrence: `untouched-since:${r.since}`, why: `no touch since ${r.since}` }));
    }
    case 'task.overdue': {
      const minutes = def.for ? durationMinutes(def.for, 'for') : 0;
      const rows = await db
        .selectFrom('activities')
        .select(['id', 'due_at'])
        .where('kind', '=', 'task')
        .where('done_at', 'is', null)
        .where('due_at', '<=', minutesAgo(minutes))
        .orderBy('due_at')
        .limit(BATCH)
        .execute();
      return rows.map((r) => ({ entity: 'activity', entityId: r.id, occurrence: `due:${r.due_at}`, why: `due ${r.due_at}` }));
    }
    case 'schedule': {
      const { runsBetween } = await import('./schedule.js');
      const rule = await db.selectFrom('rules').select('updated_at').where('id', '=', ruleId).executeTakeFirstOrThrow();
      // The latest slot since the rule was last changed, at most a day back: a missed minute fires once, late.
      const from = new Date(Math.max(Date.parse(rule.updated_at), now.getTime() - 86400000) - 1);
      const slots = runsBetween(def.cron!, def.timezone ?? s.timeZone, from, now);
      const last = slots[slots.length - 1];
      return last ? [{ entity: 'none', entityId: 0, occurrence: `cron:${last.toISOString()}`, why: `scheduled ${last.toISOString()}` }] : [];
    }
    default:
      return [];
  }
}

/** The business calendar of each SLA policy (the SLA engine's own), by policy id. */
async function calendarsOf(s: Session, policyIds: (number | null)[]): Promise<Map<number, { secondsBetween(a: number, b: number): number }>> {
  const ids = [...new Set(policyIds.filter((x): x is number => x !== null))];
  const out = new Map<number, { secondsBetween(a: number, b: number): number }>();
  if (!ids.length) return out;
  const { loadCalendarDefs } = await import('../domain/calendars.js');
  const { businessCalendarOf } = await import('../domain/sla/policy.js');
  const defs = await loadCalendarDefs(s.db.kysely);
  const policies = await s.db.kysely.selectFrom('sla_policies').select(['id', 'calendar_id']).where('id', 'in', ids).execute();
  for (const p of policies) {
    const def = p.calendar_id !== null ? defs.get(p.calendar_id) : undefined;
    if (def) out.set(p.id, businessCalendarOf(def));
  }
  return out;
}

/**
 * SLA due / breached: the stored deadlines (src/domain/sla-due.ts) brought up to date, then a
 * range query on the metric's deadline index — due in (now, now + within], or breached (due at
 * or before now) — of rows at their ticket's version, leaving out the occurrences this rule
 * already fired on. The candidates' clocks are then computed by the SLA engine itself, which
 * decides (so a stored instant never fires anything the engine would not).
 */
async function slaOccurrences(s: Session, def: RuleDefinition, ruleId: number, opts: { write: boolean; unfired: boolean }): Promise<DueOccurrence[]> {
  const { slaContext, slaFor } = await import('../domain/tickets.js');
  const db = s.db.kysely;
  const now = s.now().getTime();
  const metric: Metric = def.target === 'next_reply' ? 'nextReply' : def.target === 'resolution' ? 'resolution' : 'firstReply';
  const due = def.on === 'sla.due';
  const within = due ? durationMinutes(def.within!, 'within') * 60 : 0;
  const column = DUE_COLUMN[metric];
  // A second of slack on both ends: the engine's own computation below has the last word.
  const lo = due ? new Date(now - 1000).toISOString() : null;
  const hi = new Date(now + within * 1000 + 1000).toISOString();
  const refreshed = await refreshSlaDue(s, () => slaContext(db), { write: opts.write });
  const kind = `${def.target}-${due ? 'due' : 'breached'}:`;
  // The occurrence key as text on each engine: SQLite stores the ISO string; PostgreSQL a timestamptz.
  const iso = s.db.engine === 'postgres' ? sql<string>`to_char(${sql.ref(`d.${column}`)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : sql<string>`${sql.ref(`d.${column}`)}`;
  let q = db
    .selectFrom('ticket_sla_due as d')
    .innerJoin('tickets as t', 't.id', 'd.ticket_id')
    .select('d.ticket_id')
    .where(`d.${column}`, '<=', hi)
    .whereRef('d.version', '=', 't.version')
    .where('t.status', 'in', [...OPEN_TICKET_STATUSES]);
  if (lo !== null) q = q.where(`d.${column}`, '>', lo);
  if (opts.unfired) {
    q = q.where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('rule_firings as f').select('f.id').where('f.rule_id', '=', ruleId).where('f.entity', '=', 'ticket').whereRef('f.entity_id', '=', 'd.ticket_id').where('f.occurrence', '=', sql<string>`${kind} || ${iso}`))),
    );
  }
  const rows = await q.orderBy(`d.${column}`).limit(BATCH).execute();
  const ids = new Set(rows.map((r) => r.ticket_id));
  // Rows recomputed just now and not stored (--dry-run, rule test) count as they are (a run
  // stored them: the query above has read them).
  if (!opts.write) {
    const fresh = [...refreshed.values()].filter((r) => r[column] !== null && r[column]! <= hi && (lo === null || r[column]! > lo));
    fresh.sort((a, b) => (a[column]! < b[column]! ? -1 : a[column]! > b[column]! ? 1 : 0));
    for (const r of fresh.slice(0, BATCH)) ids.add(r.ticket_id);
  }
  if (!ids.size) return [];
  const sla = await slaFor(s, [...ids], s.now());
  const out: DueOccurrence[] = [];
  // Earliest deadline first (then id), as the ticket list orders them.
  const deadline = (r: (typeof sla extends Map<number, infer R> ? R : never)) => r[metric]?.deadline ?? '';
  for (const [id, r] of [...sla].sort((a, b) => (deadline(a[1]) < deadline(b[1]) ? -1 : deadline(a[1]) > deadline(b[1]) ? 1 : a[0] - b[0]))) {
    const clock = r[metric];
    if (!clock || !clock.deadline) continue;
    const at = Date.parse(clock.deadline);
    if (due && clock.state === 'active' && at > now && at <= now + within * 1000) {
      out.push({ entity: 'ticket', entityId: id, occurrence: `${def.target}-due:${clock.deadline}`, why: `${def.target} due ${clock.deadline}` });
    }
    if (!due && (clock.state === 'breached' || (clock.state === 'active' && at <= now))) {
      out.push({ entity: 'ticket', entityId: id, occurrence: `${def.target}-breached:${clock.deadline}`, why: `${def.target} breached at ${clock.breachedAt ?? clock.deadline}` });
    }
  }
  return out;
}
