/**
 * Frozen once shipped. Tickets by requester: `tickets.contact_id` had no index, so a contact's
 * timeline (its tickets' events), `crm ticket list contact:…` / `requester:…`, a contact merge
 * (moving B's tickets to A) and the foreign-key check when a contact is deleted (import undo)
 * read every ticket. (contact_id, status) serves lookups by contact alone and the default
 * unsolved list of a contact (status IN new, open, pending, on hold) without reading its closed
 * history; a contact given by name (the IN subquery) is answered from it too, where an index on
 * contact_id alone left the planner on tickets_status.
 */
export const version = 7;
export const name = 'ticket contact index';
export const sql = `
CREATE INDEX tickets_contact_status ON tickets(contact_id, status);
`;
