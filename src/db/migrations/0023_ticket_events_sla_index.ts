/**
 * Frozen once shipped. The SLA report at database speed (issue #16 item 5): every event column
 * the SLA clocks read in one index, in the order they are read (ticket, time, id), so the
 * report's event query is an index-only scan — no table row is visited per event. The PostgreSQL
 * twin keeps the same key and carries the rest as INCLUDE columns.
 */
export const version = 23;
export const name = 'covering index of ticket events for SLA clocks';
export const sql = `
CREATE INDEX ticket_events_sla ON ticket_events(ticket_id, at, id, kind, from_value, to_value);
`;
