/**
 * The PostgreSQL twin of src/db/sqlite-tickets.ts: tickets with their event logs in id order,
 * keyset pages of tickets (id > last, LIMIT) and one ordered query for each page's events —
 * never one query per ticket, no cursor held open between yields, memory flat.
 */
import type { PgDb } from './types.js';
import type { StreamedTicket, TicketStreamRange } from '../sqlite-tickets.js';

/** Tickets per round trip, as on SQLite. */
const CHUNK = 4096;

type TicketRow = {
  id: number;
  created_at: string;
  priority: string;
  status: string;
  sla_policy_id: number | null;
  assignee_id: number | null;
  category: string | null;
  channel: string | null;
  company_id: number | null;
  satisfaction: number | null;
};

async function page(db: PgDb, tickets: TicketRow[], kinds?: readonly string[]): Promise<StreamedTicket[]> {
  if (!tickets.length) return [];
  const events = await db.kysely
    .selectFrom('ticket_events')
    .select(['ticket_id', 'kind', 'at', 'from_value', 'to_value'])
    .where('ticket_id', '>=', tickets[0]!.id)
    .where('ticket_id', '<=', tickets[tickets.length - 1]!.id)
    .$if(kinds !== undefined, (q) => q.where('kind', 'in', kinds!))
    .orderBy('ticket_id')
    .orderBy('at')
    .orderBy('id')
    .execute();
  const out: StreamedTicket[] = [];
  let j = 0;
  for (const r of tickets) {
    const t: StreamedTicket = {
      id: r.id,
      createdAt: r.created_at,
      priority: r.priority,
      status: r.status,
      policyId: r.sla_policy_id,
      assigneeId: r.assignee_id,
      category: r.category,
      channel: r.channel,
      companyId: r.company_id,
      satisfaction: r.satisfaction,
      events: [],
    };
    while (j < events.length && events[j]!.ticket_id < r.id) j++;
    for (; j < events.length && events[j]!.ticket_id === r.id; j++) {
      const e = events[j]!;
      t.events.push({ kind: e.kind, at: e.at, from: e.from_value, to: e.to_value });
    }
    out.push(t);
  }
  return out;
}

const COLUMNS = ['id', 'created_at', 'priority', 'status', 'sla_policy_id', 'assignee_id', 'category', 'channel', 'company_id', 'satisfaction'] as const;

export async function* pgTicketsWithEvents(db: PgDb, range: TicketStreamRange): AsyncGenerator<StreamedTicket> {
  const base = () => {
    let q = db.kysely.selectFrom('tickets').select([...COLUMNS]);
    if (range.asOf !== undefined) q = q.where('created_at', '<=', range.asOf);
    return q;
  };
  if (range.ids) {
    const ids = [...new Set(range.ids)].sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = (await base().where('id', 'in', ids.slice(i, i + CHUNK)).orderBy('id').execute()) as TicketRow[];
      yield* await page(db, rows, range.kinds);
    }
    return;
  }
  let after = -1;
  for (;;) {
    let q = base().where('id', '>', after);
    if (range.createdFrom !== undefined) q = q.where('created_at', '>=', range.createdFrom);
    if (range.createdTo !== undefined) q = q.where('created_at', '<', range.createdTo);
    const rows = (await q.orderBy('id').limit(CHUNK).execute()) as TicketRow[];
    if (!rows.length) return;
    yield* await page(db, rows, range.kinds);
    after = rows[rows.length - 1]!.id;
  }
}
