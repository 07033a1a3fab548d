/**
 * Random tickets and a random history of changes to them, through the domain's own verbs (reply,
 * message, status, priority, assign, note, edit), for the SLA property tests: the same seed gives
 * the same tickets. `later(minutes)` moves the test's clock; users `ana` and `ben` must exist.
 */
import type { TicketStatus } from '../../src/db/schema.js';
import type { Session } from '../../src/domain/session.js';
import { assignTicket, editTicket, messageOnTicket, noteOnTicket, openTicketId, replyToTicket, setTicketPriority, setTicketStatus } from '../../src/domain/tickets.js';
import { UserError } from '../../src/errors.js';

export interface RandomTicketsOptions {
  seed: number;
  tickets: number;
  /** Up to this many minutes between two tickets opened. */
  openGap: number;
  steps: number;
  /** Up to this many minutes (and one) between two changes. */
  stepGap: number;
  later: (minutes: number) => void;
}

/** Opens the tickets, then makes the changes (an illegal one — a closed ticket, the same value — writes nothing); returns the ticket ids. */
export async function randomTickets(s: Session, o: RandomTicketsOptions): Promise<number[]> {
  let seed = o.seed;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const priorities = ['low', 'normal', 'high', 'urgent'];
  const ids: number[] = [];
  for (let i = 0; i < o.tickets; i++) {
    o.later(rand(o.openGap));
    ids.push(await openTicketId(s, { subject: `Case ${i}`, priority: priorities[rand(4)], assignee: rand(3) ? 'ana' : undefined }));
  }
  const statuses: TicketStatus[] = ['open', 'pending', 'on_hold', 'solved'];
  const ops: ((id: number) => Promise<unknown>)[] = [
    (id) => replyToTicket(s, id, 'Answer'),
    (id) => messageOnTicket(s, id, 'More details'),
    (id) => setTicketStatus(s, id, statuses[rand(statuses.length)]!),
    (id) => setTicketPriority(s, id, priorities[rand(4)]!),
    (id) => assignTicket(s, id, ['ana', 'ben', 'none'][rand(3)]!),
    (id) => noteOnTicket(s, id, 'Internal'),
    (id) => editTicket(s, id, { category: ['billing', 'shipping', 'none'][rand(3)] }),
  ];
  for (let step = 0; step < o.steps; step++) {
    o.later(1 + rand(o.stepGap));
    try {
      await ops[rand(ops.length)]!(ids[rand(ids.length)]!);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
    }
  }
  return ids;
}
