/** The tickets created in the window with what they are grouped by, and their problem links. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import { ownerCondition, within } from '../query.js';
import type { ReportScope } from '../scope.js';

export interface RecurringTicketRow {
  id: number;
  status: string;
  category: string | null;
  product: string | null;
  company: string | null;
}

export interface RecurringLinkRow {
  ticketId: number;
  problemId: number;
  title: string;
  status: string;
  fixVersion: string | null;
}

export async function recurringTickets(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<RecurringTicketRow[]> {
  const q = sql<RecurringTicketRow>`
    SELECT t.id AS "id", t.status AS "status", t.category AS "category", t.product AS "product", co.name AS "company"
    FROM tickets t LEFT JOIN companies co ON co.id = t.company_id
    WHERE ${within('t.created_at', start, end)}${ownerCondition('t.assignee_id', scope)}
    ORDER BY t.id`;
  return (await q.execute(db.kysely)).rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** The problem links of the same tickets (by the same window, so no id list is sent). */
export async function recurringLinks(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<RecurringLinkRow[]> {
  const q = sql<RecurringLinkRow>`
    SELECT l.ticket_id AS "ticketId", p.id AS "problemId", p.title AS "title", p.status AS "status", p.fix_version AS "fixVersion"
    FROM problem_tickets l JOIN problems p ON p.id = l.problem_id JOIN tickets t ON t.id = l.ticket_id
    WHERE ${within('t.created_at', start, end)}${ownerCondition('t.assignee_id', scope)}
    ORDER BY p.id, l.ticket_id`;
  return (await q.execute(db.kysely)).rows.map((r) => ({ ...r, ticketId: Number(r.ticketId), problemId: Number(r.problemId) }));
}
