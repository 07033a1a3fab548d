/**
 * Frozen once shipped. Issue 21: a contact's referrer may be a company as well as a contact
 * (crm contact edit 5 --referred-by company:3; crm report referrals). At most one of
 * referred_by_id and referred_by_company_id is set (the domain keeps it so).
 * PostgreSQL twin: src/db/postgres/migrations/0030.
 */
export const version = 30;
export const name = 'referrer company';
export const sql = `
ALTER TABLE contacts ADD COLUMN referred_by_company_id INTEGER REFERENCES companies(id) ON DELETE SET NULL;
CREATE INDEX contacts_referred_by_company ON contacts(referred_by_company_id) WHERE referred_by_company_id IS NOT NULL;
`;
