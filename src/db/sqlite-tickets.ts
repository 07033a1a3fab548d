/**
 * Tickets with their event logs, streamed in one ordered query (no per-ticket queries): the SLA
 * report over a million tickets and ticket lists both read through here. Cached better-sqlite3
 * statements, raw rows; SQLite-specific (json_each), hence the file name.
 */
import type { Statement } from 'better-sqlite3';
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
}

const COLUMNS = `t.id, t.created_at, t.priority, t.status, t.sla_policy_id, t.assignee_id, t.category, t.channel, t.company_id, t.satisfaction,
  e.kind, e.at, e.from_value, e.to_value`;

const statements = new WeakMap<object, Record<string, Statement>>();

function statement(db: Db, key: 'range' | 'ids'): Statement {
  let cache = statements.get(db.sqlite);
  if (!cache) statements.set(db.sqlite, (cache = {}));
  if (!cache[key]) {
    const where = key === 'range' ? 't.created_at >= @from AND t.created_at < @to AND t.created_at <= @asOf' : 't.id IN (SELECT value FROM json_each(@ids)) AND t.created_at <= @asOf';
    cache[key] = db.sqlite
      .prepare(`SELECT ${COLUMNS} FROM tickets t LEFT JOIN ticket_events e ON e.ticket_id = t.id WHERE ${where} ORDER BY t.id, e.at, e.id`)
      .raw(true);
  }
  return cache[key]!;
}

export function* streamTicketsWithEvents(db: Db, range: TicketStreamRange): Generator<StreamedTicket> {
  const asOf = range.asOf ?? '9999-12-31T23:59:59.999Z';
  const rows = range.ids
    ? statement(db, 'ids').iterate({ ids: JSON.stringify(range.ids), asOf })
    : statement(db, 'range').iterate({ from: range.createdFrom ?? '0000', to: range.createdTo ?? '9999-12-31T23:59:59.999Z', asOf });
  let current: StreamedTicket | null = null;
  for (const raw of rows as Iterable<unknown[]>) {
    const id = raw[0] as number;
    if (!current || current.id !== id) {
      if (current) yield current;
      current = {
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
    }
    if (raw[10] !== null) current.events.push({ kind: raw[10] as string, at: raw[11] as string, from: raw[12] as string | null, to: raw[13] as string | null });
  }
  if (current) yield current;
}
