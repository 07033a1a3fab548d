/**
 * Frozen once shipped. The remaining links to a contact without an index: a deal's contact,
 * a deal role (deal_contacts' primary key starts with deal_id) and a contact's referrer. Deleting
 * a contact (import undo) had SQLite's foreign-key check read all three tables, a contact merge
 * scanned them to move B's deals, roles and referrals, and a contact's deal list and timeline
 * (its deals' stage moves: the deal's contact or a role on it) read every deal and every role.
 * (contact_id, deal_id) answers "the deals this contact has a role on" from the index alone.
 * Most contacts were referred by no one: that index is partial, as in 0006, so the statistics
 * describe real lookups rather than one huge NULL key. Most deals do have a contact.
 */
export const version = 8;
export const name = 'contact link indexes';
export const sql = `
CREATE INDEX deals_contact ON deals(contact_id);
CREATE INDEX deal_contacts_contact ON deal_contacts(contact_id, deal_id);
CREATE INDEX contacts_referred_by ON contacts(referred_by_id) WHERE referred_by_id IS NOT NULL;
`;
