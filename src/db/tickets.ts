/**
 * Tickets with their event logs on either engine: SQLite's cached-statement chunks
 * (sqlite-tickets.ts, a synchronous generator — no per-ticket await on the hot path) or
 * PostgreSQL's keyset pages (postgres/tickets.ts, an async generator). Consume with `for await`.
 */
import type { AnyDb } from './engine.js';
import { streamTicketsWithEvents, type StreamedTicket, type TicketStreamRange } from './sqlite-tickets.js';

export type { StreamedEvent, StreamedTicket, TicketStreamRange } from './sqlite-tickets.js';

export type TicketStream = Iterable<StreamedTicket> | AsyncIterable<StreamedTicket>;

export function ticketsWithEvents(db: AnyDb, range: TicketStreamRange): TicketStream {
  if (db.engine === 'postgres') return pgStream(db, range);
  return streamTicketsWithEvents(db, range);
}

async function* pgStream(db: Extract<AnyDb, { engine: 'postgres' }>, range: TicketStreamRange): AsyncGenerator<StreamedTicket> {
  const { pgTicketsWithEvents } = await import('./postgres/tickets.js');
  yield* pgTicketsWithEvents(db, range);
}

/** The whole stream in an array (a bounded set of ids: a page of a list, one ticket). */
export async function allTicketsWithEvents(db: AnyDb, range: TicketStreamRange): Promise<StreamedTicket[]> {
  const out: StreamedTicket[] = [];
  for await (const t of ticketsWithEvents(db, range)) out.push(t);
  return out;
}
