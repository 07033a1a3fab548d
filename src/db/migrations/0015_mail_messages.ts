/**
 * Frozen once shipped. Mail in (issue #20): one row per imported email, keyed by its Message-ID,
 * so importing a mailbox again changes nothing, and so a later answer (In-Reply-To, References)
 * finds the ticket its thread belongs to. What the message became is linked: a ticket it opened
 * or replied to (its events live in ticket_events as any other reply), or an email activity.
 * From, to and direction are kept here (activities have no columns for them). Attachments are
 * stored as files outside the database; attachment_names lists them (JSON array) either way.
 *
 * Also macros (issue #20 item 3): a template can set a ticket's status, priority and tags (a
 * comma-separated list) with the reply it fills (crm ticket reply 12 --template NAME).
 */
export const version = 15;
export const name = 'mail messages, macros';
export const sql = `
CREATE TABLE mail_messages (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  direction TEXT NOT NULL CHECK (direction IN ('in','out')),
  from_address TEXT,
  to_addresses TEXT,
  subject TEXT,
  sent_at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  ticket_id INTEGER REFERENCES tickets(id),
  activity_id INTEGER REFERENCES activities(id),
  contact_id INTEGER REFERENCES contacts(id),
  attachment_count INTEGER NOT NULL DEFAULT 0,
  attachment_names TEXT,
  attachment_dir TEXT,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE INDEX mail_messages_ticket ON mail_messages(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX mail_messages_contact ON mail_messages(contact_id) WHERE contact_id IS NOT NULL;
ALTER TABLE templates ADD COLUMN ticket_status TEXT;
ALTER TABLE templates ADD COLUMN ticket_priority TEXT;
ALTER TABLE templates ADD COLUMN ticket_tags TEXT;
`;
