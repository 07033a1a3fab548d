/**
 * Frozen once shipped. Leads (issue #21 item 5): a contact's lead status (new, working,
 * qualified, disqualified — with a reason —, converted), and when and into which deal it was
 * converted (crm lead convert). The grade is the built-in choice field lead_grade. The
 * PostgreSQL twin adds the same columns.
 */
export const version = 22;
export const name = 'leads';
export const sql = `
ALTER TABLE contacts ADD COLUMN lead_status TEXT NOT NULL DEFAULT 'new';
ALTER TABLE contacts ADD COLUMN lead_reason TEXT;
ALTER TABLE contacts ADD COLUMN converted_at TEXT;
ALTER TABLE contacts ADD COLUMN converted_deal_id INTEGER REFERENCES deals(id) ON DELETE SET NULL;
`;
