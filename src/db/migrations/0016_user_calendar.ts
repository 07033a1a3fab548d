/**
 * Frozen once shipped. Issue 21: a user's own calendar for reading and showing dates (item 7:
 * 'persian' reads and shows Jalali dates, NULL the Gregorian default; dates are stored Gregorian
 * whatever it says), and psychological notes on contacts (item 3: append-only, author and time
 * kept). PostgreSQL twin: src/db/postgres/migrations/0016.
 */
export const version = 16;
export const name = 'user calendar and psychological notes';
export const sql = `
ALTER TABLE users ADD COLUMN calendar TEXT CHECK (calendar IN ('gregorian', 'persian'));
CREATE TABLE psych_notes (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX psych_notes_contact ON psych_notes(contact_id, id);
`;
