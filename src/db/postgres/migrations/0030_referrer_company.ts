/**
 * Frozen once shipped. The PostgreSQL twin of SQLite's 0030: a contact's referrer may be a company.
 */
export const version = 30;
export const name = 'referrer company';
export const sql = `
ALTER TABLE contacts ADD COLUMN referred_by_company_id bigint REFERENCES companies(id) ON DELETE SET NULL;
CREATE INDEX contacts_referred_by_company ON contacts(referred_by_company_id) WHERE referred_by_company_id IS NOT NULL;
`;
