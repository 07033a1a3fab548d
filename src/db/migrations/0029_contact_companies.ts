/**
 * Frozen once shipped. Issue 21: a person may belong to more than one company, current and past,
 * each membership with its responsibility (role) and organizational unit, and when it began and
 * ended. contacts.company_id stays the primary (current) company; the memberships it already
 * describes are copied in. PostgreSQL twin: src/db/postgres/migrations/0029.
 */
export const version = 29;
export const name = 'contact companies';
export const sql = `
CREATE TABLE contact_companies (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  role TEXT,
  unit TEXT,
  started_on TEXT,
  ended_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX contact_companies_contact ON contact_companies(contact_id);
CREATE INDEX contact_companies_company ON contact_companies(company_id, contact_id);
INSERT INTO contact_companies (contact_id, company_id, role, created_at, updated_at)
  SELECT id, company_id, company_role, created_at, updated_at FROM contacts WHERE company_id IS NOT NULL ORDER BY id;
`;
