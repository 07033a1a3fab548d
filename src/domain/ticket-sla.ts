/**
 * From stored tickets and their event logs to SLA results, as of any instant. Shared by ticket
 * lists, `ticket show`, the queue and the SLA report.
 */
import type { StreamedEvent, StreamedTicket } from '../db/sqlite-tickets.js';
import { computeSla, computeSlaRaw, type ClockEvent, type ClockInput, type ClockPolicy, type SlaResult, type TicketStatusName } from './sla/clock.js';
import type { Priority } from './sla/targets.js';

/**
 * The event kinds that move the SLA clocks: replies, requester messages, status, priority and
 * policy changes. An `edit` (subject, description, category, channel, tags) never does — a
 * category or channel change that selects another policy writes its own `policy` event — nor do
 * notes, `created`, `csat`.
 */
export const CLOCK_EVENT_KINDS: readonly string[] = ['reply', 'message', 'status', 'priority', 'policy'];

/** What SLA results read of a ticket's log: the clocks' kinds, and assignments (who had it at the as-of moment). */
export const SLA_EVENT_KINDS: readonly string[] = [...CLOCK_EVENT_KINDS, 'assign'];

export interface SlaContext {
  policies: Map<number, ClockPolicy>;
  defaultPolicyId: number;
}

/** What a field was at `at`: the from_value of the first change after it, else its current value. */
function valueAt(events: StreamedEvent[], kind: string, at: string, current: string | null): string | null {
  for (const e of events) if (e.kind === kind && e.at > at) return e.from;
  return current;
}

/** Value before any change of that kind (the value at creation). */
function initialValue(events: StreamedEvent[], kind: string, current: string | null): string | null {
  for (const e of events) if (e.kind === kind) return e.from;
  return current;
}

export interface TicketAsOf {
  priority: Priority;
  status: TicketStatusName;
  /** Assignee handle at that moment (from assign events; the current one when never reassigned). */
  assignee: string | null;
}

export function attributesAt(t: StreamedTicket, at: string, currentAssignee: string | null): TicketAsOf {
  return {
    priority: (valueAt(t.events, 'priority', at, t.priority) ?? t.priority) as Priority,
    status: (valueAt(t.events, 'status', at, t.status) ?? t.status) as TicketStatusName,
    assignee: valueAt(t.events, 'assign', at, currentAssignee),
  };
}

export function slaOf(t: StreamedTicket, ctx: SlaContext, now: Date): SlaResult {
  return computeSla(clockInput(t, ctx, now), policyLookup(ctx));
}

/** Epoch-millisecond instants and no deadlines (only breach instants): for reports over many tickets. */
export function slaOfRaw(t: StreamedTicket, ctx: SlaContext, now: Date): SlaResult<number> {
  return computeSlaRaw(clockInput(t, ctx, now), policyLookup(ctx), { deadlines: false });
}

function policyLookup(ctx: SlaContext): (id: number) => ClockPolicy {
  return (id: number) => ctx.policies.get(id) ?? ctx.policies.get(ctx.defaultPolicyId)!;
}

/**
 * Epoch ms of a stored instant. Stored instants are toISOString() text ("2026-11-20T17:55:00.000Z"),
 * read here from their digits — a quarter of Date.parse's cost, which the SLA report pays for
 * every event of a million tickets; any other shape goes through Date.parse.
 */
export function instantMs(s: string): number {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 || s.charCodeAt(10) !== 84 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return Date.parse(s);
  const d = (i: number) => s.charCodeAt(i) - 48;
  let y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const m = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const h = d(11) * 10 + d(12);
  const min = d(14) * 10 + d(15);
  const sec = d(17) * 10 + d(18);
  const ms = d(20) * 100 + d(21) * 10 + d(22);
  // Anything Date.UTC would read differently (years 0–99, fields out of range, non-digits) goes through it.
  if (!(y >= 100 && y <= 9999 && m >= 1 && m <= 12 && day >= 1 && day <= 31 && h <= 23 && h >= 0 && min >= 0 && min <= 59 && sec >= 0 && sec <= 59 && ms >= 0 && ms <= 999)) return Date.UTC(y, m - 1, day, h, min, sec, ms);
  // Days since 1970-01-01 from the civil date (H. Hinnant's days_from_civil): plain arithmetic,
  // cheaper than Date.UTC for the millions of events of a report.
  if (m <= 2) y--;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return days * 86400000 + h * 3600000 + min * 60000 + sec * 1000 + ms;
}

function clockInput(t: StreamedTicket, ctx: SlaContext, now: Date): ClockInput {
  const initialPolicy = Number(initialValue(t.events, 'policy', t.policyId === null ? null : String(t.policyId)) ?? ctx.defaultPolicyId);
  const events: ClockEvent[] = [];
  for (const e of t.events) {
    // Only CLOCK_EVENT_KINDS move the clocks (written out: this runs for every event of a million tickets).
    if (e.kind !== 'reply' && e.kind !== 'message' && e.kind !== 'status' && e.kind !== 'priority' && e.kind !== 'policy') continue;
    events.push({ kind: e.kind, at: instantMs(e.at), from: e.from, to: e.to });
  }
  return {
    createdAt: instantMs(t.createdAt),
    priority: (initialValue(t.events, 'priority', t.priority) ?? t.priority) as Priority,
    policyId: Number.isFinite(initialPolicy) ? initialPolicy : ctx.defaultPolicyId,
    status: 'new',
    events,
    now: now.getTime(),
  };
}
