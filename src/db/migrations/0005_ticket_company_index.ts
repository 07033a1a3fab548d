/**
 * Frozen once shipped. Tickets by company: `tickets.company_id` had no index, so a company's
 * timeline (its tickets' events, and activities logged on its tickets), `crm ticket list
 * company:…` and the foreign-key check when a company is deleted (import undo) read every
 * ticket. (company_id, status) serves lookups by company alone and the default unsolved list
 * of a company (status IN new, open, pending, on hold) without reading its closed history.
 */
export const version = 5;
export const name = 'ticket company index';
export const sql = `
CREATE INDEX tickets_company_status ON tickets(company_id, status);
`;
