/**
 * Frozen once shipped. Products get the version column every imported record has (issue #19:
 * `crm import products`): an import's update bumps it, `crm product edit` bumps it, and
 * `crm import undo` refuses to restore a product edited since. The SQLite twin adds the same.
 */
export const version = 26;
export const name = 'product version';
export const sql = `
ALTER TABLE products ADD COLUMN version integer NOT NULL DEFAULT 1;
`;
