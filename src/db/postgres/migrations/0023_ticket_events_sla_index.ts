/**
 * Frozen once shipped. The PostgreSQL twin of src/db/migrations/0023: the event columns the SLA
 * clocks read, covered by one index keyed (ticket, time, id) — an index-only scan once the table
 * is vacuumed.
 */
export const version = 23;
export const name = 'covering index of ticket events for SLA clocks';
export const sql = `
CREATE INDEX ticket_events_sla ON ticket_events(ticket_id, at, id) INCLUDE (kind, from_value, to_value);
`;
