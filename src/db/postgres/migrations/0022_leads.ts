/**
 * Frozen once shipped. Leads (issue #21 item 5): a contact's lead status (new, working,
 * qualified, disqualified — with a reason —, converted), and when and into which deal it was
 * converted (crm lead convert). The SQLite twin adds the same columns.
 */
export const version = 22;
export const name = 'leads';
export const sql = `
ALTER TABLE contacts ADD COLUMN lead_status text NOT NULL DEFAULT 'new';
ALTER TABLE contacts ADD COLUMN lead_reason text;
ALTER TABLE contacts ADD COLUMN converted_at timestamptz;
ALTER TABLE contacts ADD COLUMN converted_deal_id integer REFERENCES deals(id) ON DELETE SET NULL;
`;
