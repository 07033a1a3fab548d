/**
 * Frozen once shipped. Nothing changes in a SQLite file: this number is PostgreSQL's trigram
 * indexes for `crm contact find` and its change notifications for the live TUI
 * (src/db/postgres/migrations/0018_pg_search_and_notify.ts); the two engines' migrations are
 * numbered together. SQLite's search reads every contact's search_text (fast enough for a file),
 * and its TUI sees other processes' commits through PRAGMA data_version (src/db/sqlite-watch.ts).
 */
export const version = 18;
export const name = 'contact search trigrams, change notifications (PostgreSQL only)';
export const sql = `-- nothing to do on SQLite`;
