/**
 * Frozen once shipped. Nothing changes in a SQLite file: this number is PostgreSQL's trigram
 * indexes for `crm contact find` (src/db/postgres/migrations/0018_contact_search_trigrams.ts),
 * and the two engines' migrations are numbered together. SQLite's search reads every contact's
 * search_text (fast enough for a file: see README Performance).
 */
export const version = 18;
export const name = 'contact search trigrams (PostgreSQL only)';
export const sql = `-- nothing to do on SQLite`;
