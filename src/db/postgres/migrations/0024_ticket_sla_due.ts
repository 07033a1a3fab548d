/**
 * Frozen once shipped. The PostgreSQL twin of src/db/migrations/0024 (stored SLA deadlines of
 * open tickets): the same table, columns and partial indexes; instants as timestamptz, read back
 * as SQLite's ISO strings.
 */
export const version = 24;
export const name = 'stored SLA deadlines of open tickets';
export const sql = `
CREATE TABLE ticket_sla_due (
  ticket_id bigint PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
  version integer NOT NULL,
  first_reply_due timestamptz,
  next_reply_due timestamptz,
  resolution_due timestamptz
);
CREATE INDEX ticket_sla_due_first_reply ON ticket_sla_due(first_reply_due) WHERE first_reply_due IS NOT NULL;
CREATE INDEX ticket_sla_due_next_reply ON ticket_sla_due(next_reply_due) WHERE next_reply_due IS NOT NULL;
CREATE INDEX ticket_sla_due_resolution ON ticket_sla_due(resolution_due) WHERE resolution_due IS NOT NULL;
`;
