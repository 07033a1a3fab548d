/**
 * Frozen once shipped. Stored SLA deadlines (issue #18, the `sla.due` / `sla.breached` time
 * triggers): per open ticket, the instant each running SLA metric is due (its breach instant once
 * overdue; NULL when the metric is stopped, paused or has no target), computed by the SLA engine
 * from the ticket's event log and written in the same transaction as the change that moved the
 * clock (src/domain/sla-due.ts). `version` is the ticket's version the row was computed from:
 * a row behind its ticket (a bulk import, a restored copy) or missing (tickets from before this
 * migration: the backfill happens on the first `crm automate run`) is recomputed before the
 * triggers read it. Calendar and policy changes empty the table (every deadline may move).
 * The triggers are range queries on the partial indexes below.
 */
export const version = 24;
export const name = 'stored SLA deadlines of open tickets';
export const sql = `
CREATE TABLE ticket_sla_due (
  ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  first_reply_due TEXT,
  next_reply_due TEXT,
  resolution_due TEXT
);
CREATE INDEX ticket_sla_due_first_reply ON ticket_sla_due(first_reply_due) WHERE first_reply_due IS NOT NULL;
CREATE INDEX ticket_sla_due_next_reply ON ticket_sla_due(next_reply_due) WHERE next_reply_due IS NOT NULL;
CREATE INDEX ticket_sla_due_resolution ON ticket_sla_due(resolution_due) WHERE resolution_due IS NOT NULL;
`;
