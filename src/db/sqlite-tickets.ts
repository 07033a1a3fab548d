/**
 * Tickets with their event logs, streamed in one ordered query (no per-ticket queries): the SLA
 * report over a million tickets and ticket lists both read through here. Cached better-sqlite3
 * statements, raw rows; SQLite-specific (json_each), hence the file name.
 */
import type { Statement } from 'better-sqlite3';
import { sqliteOnly, type AnyDb } from './engine.js';
import type { Db } from './sqlite.js';

export interface StreamedEvent {
  kind: string;
  at: string;
  from: string | null;
  to: string | null;
}

export interface StreamedTicket {
  id: number;
  createdAt: string;
  priority: string;
  status: string;
  policyId: number | null;
  assigneeId: number | null;
  category: string | null;
  channel: string | null;
  companyId: number | null;
  satisfaction: number | null;
  events: StreamedEvent[];
}

export interface TicketStreamRange {
  /** Tickets created in [createdFrom, createdTo), and not after asOf. */
  createdFrom?: string;
  createdTo?: string;
  /** Only tickets created by then. All their events are returned: the ones after asOf tell what
   *  priority, assignee and status were at asOf (their from_value); the clock ignores them. */
  asOf?: string;
  /** Exactly these tickets instead of a creation range. */
  ids?: number[];
  /** With a creation range: only ids in [idFrom, idTo] (a share of the range for another thread). */
  idFrom?: number;
  idTo?: number;
  /**
   * Only events of these kinds (e.g. SLA_EVENT_KINDS, what the SLA clock and the as-of attributes
   * read): the others are skipped in SQL, never packed, sent or unpacked. Absent: every event.
   */
  kinds?: readonly string[];
}

/** The lowest and highest id of the tickets created in [from, to), or null when there are none. */
export function ticketIdBounds(db: Db, from: string, to: string): [number, number] | null {
  const [lo, hi] = statement(db, 'bounds').get({ from, to }) as [number | null, number | null];
  return lo === null || hi === null ? null : [lo, hi];
}

const TICKET_COLUMNS = 't.id, t.created_at, t.priority, t.status, t.sla_policy_id, t.assignee_id, t.category, t.channel, t.company_id, t.satisfaction';
/**
 * A ticket's events packed into one text per ticket: "kind␟at␟from␟to" joined by ␞, a null value
 * as an empty field and any other value behind a "=" (so '' and null stay apart). Returning one
 * row per ticket instead of one per event is what keeps the SLA report near the speed of a plain
 * SQL aggregate: better-sqlite3's cost is per row (≈ 6.3 events per ticket), not per byte. The
 * separators are bound as parameters (U+001F, U+001E: control characters, refused on every input
 * path, so never inside a stored value). The events come in index order (ticket_id, at, id) — the
 * GROUP BY walks ticket_events_ticket; an ORDER BY inside group_concat would add a sort per chunk
 * (PostgreSQL: string_agg(… ORDER BY e.at, e.id), the same shape).
 */
const EVENTS_PACKED = "e.ticket_id, group_concat(e.kind || @us || e.at || @us || coalesce('=' || e.from_value, '') || @us || coalesce('=' || e.to_value, ''), @rs)";
const US = '\x1f';
const RS = '\x1e';

/** Tickets per round trip: big enough to amortize the call, small enough to keep memory flat. */
const CHUNK = 4096;

type Key = 'bounds' | 'ticketsRange' | 'eventsRange' | 'ticketsIds' | 'eventsIds' | `${'eventsRange' | 'eventsIds'}:${string}`;

const SQL: Record<Exclude<Key, `${string}:${string}`>, string> = {
  bounds: 'SELECT min(id), max(id) FROM tickets WHERE created_at >= @from AND created_at < @to',
  // Tickets in id order within an id window; "+" keeps the planner on the rowid range.
  ticketsRange: `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id >= @lo AND t.id < @hi AND +t.created_at >= @from AND +t.created_at < @to AND +t.created_at <= @asOf ORDER BY t.id`,
  // Events in (ticket_id, at) index order: no sort.
  eventsRange: `SELECT ${EVENTS_PACKED} FROM ticket_events e INDEXED BY ticket_events_sla WHERE e.ticket_id >= @lo AND e.ticket_id <= @hi GROUP BY e.ticket_id ORDER BY e.ticket_id`,
  ticketsIds: `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id IN (SELECT value FROM json_each(@ids)) AND t.created_at <= @asOf ORDER BY t.id`,
  eventsIds: `SELECT ${EVENTS_PACKED} FROM ticket_events e INDEXED BY ticket_events_sla WHERE e.ticket_id IN (SELECT value FROM json_each(@ids)) GROUP BY e.ticket_id ORDER BY e.ticket_id`,
};

const statements = new WeakMap<object, Partial<Record<Key, Statement>>>();

function statement(db: Db, key: Key): Statement {
  let cache = statements.get(db.sqlite);
  if (!cache) statements.set(db.sqlite, (cache = {}));
  return (cache[key] ??= db.sqlite.prepare(sqlOf(key)).raw(true));
}

/** A statement's text; `eventsRange:k1,k2` is eventsRange keeping only those kinds (inlined: plain words, checked). */
function sqlOf(key: Key): string {
  const colon = key.indexOf(':');
  if (colon < 0) return SQL[key as keyof typeof SQL];
  const kinds = key.slice(colon + 1).split(',');
  if (!kinds.every((k) => /^[a-z_]+$/.test(k))) throw new Error(`not an event kind: ${kinds.join(',')}`);
  return SQL[key.slice(0, colon) as 'eventsRange' | 'eventsIds'].replace(' GROUP BY', ` AND e.kind IN (${kinds.map((k) => `'${k}'`).join(', ')}) GROUP BY`);
}

function eventsKey(base: 'eventsRange' | 'eventsIds', kinds: readonly string[] | undefined): Key {
  return kinds ? `${base}:${kinds.join(',')}` : base;
}

function* merge(tickets: unknown[][], events: unknown[][]): Generator<StreamedTicket> {
  let j = 0;
  for (const raw of tickets) {
    const id = raw[0] as number;
    const t: StreamedTicket = {
      id,
      createdAt: raw[1] as string,
      priority: raw[2] as string,
      status: raw[3] as string,
      policyId: raw[4] as number | null,
      assigneeId: raw[5] as number | null,
      category: raw[6] as string | null,
      channel: raw[7] as string | null,
      companyId: raw[8] as number | null,
      satisfaction: raw[9] as number | null,
      events: [],
    };
    while (j < events.length && (events[j]![0] as number) < id) j++;
    if (j < events.length && events[j]![0] === id) t.events = unpack(events[j++]![1] as string);
    yield t;
  }
}

/** The events of one ticket from their packed text (see EVENTS_PACKED). */
function unpack(packed: string): StreamedEvent[] {
  const out: StreamedEvent[] = [];
  let i = 0;
  const n = packed.length;
  while (i <= n) {
    const a = packed.indexOf(US, i);
    const b = packed.indexOf(US, a + 1);
    const c = packed.indexOf(US, b + 1);
    let d = packed.indexOf(RS, c + 1);
    if (d < 0) d = n;
    out.push({
      kind: packed.slice(i, a),
      at: packed.slice(a + 1, b),
      from: b + 1 === c ? null : packed.slice(b + 2, c),
      to: c + 1 === d ? null : packed.slice(c + 2, d),
    });
    i = d + 1;
  }
  return out;
}

/**
 * Tickets with their full event logs, in id order, a chunk of tickets per round trip (two
 * cached statements per chunk, never one query per ticket). No cursor stays open between
 * yields, so callers may run other queries while consuming.
 */
export function* streamTicketsWithEvents(anyDb: AnyDb, range: TicketStreamRange): Generator<StreamedTicket> {
  const db = sqliteOnly(anyDb, 'Ticket SLA state');
  const asOf = range.asOf ?? '9999-12-31T23:59:59.999Z';
  if (range.ids) {
    const ids = [...new Set(range.ids)].sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const json = JSON.stringify(ids.slice(i, i + CHUNK));
      yield* merge(statement(db, 'ticketsIds').all({ ids: json, asOf }) as unknown[][], statement(db, eventsKey('eventsIds', range.kinds)).all({ ids: json, us: US, rs: RS }) as unknown[][]);
    }
    return;
  }
  const from = range.createdFrom ?? '0000';
  const to = range.createdTo ?? '9999-12-31T23:59:59.999Z';
  // A share with both ends given (the SLA report's threads) needs no bounds query: the ticket
  // query itself keeps only the tickets created in [from, to).
  const bounds = range.idFrom !== undefined && range.idTo !== undefined ? [range.idFrom, range.idTo] : ticketIdBounds(db, from, to);
  if (!bounds) return;
  const lo = Math.max(bounds[0]!, range.idFrom ?? -Infinity);
  const hi = Math.min(bounds[1]!, range.idTo ?? Infinity);
  for (let a = lo; a <= hi; a += CHUNK) {
    const tickets = statement(db, 'ticketsRange').all({ lo: a, hi: Math.min(a + CHUNK, hi + 1), from, to, asOf }) as unknown[][];
    if (!tickets.length) continue;
    const events = statement(db, eventsKey('eventsRange', range.kinds)).all({ lo: tickets[0]![0], hi: tickets[tickets.length - 1]![0], us: US, rs: RS }) as unknown[][];
    yield* merge(tickets, events);
  }
}
