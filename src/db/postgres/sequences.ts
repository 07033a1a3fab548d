/**
 * Identity columns after rows were written with explicit ids (crm db copy): each sequence moves
 * past the largest id, as SQLite's rowid does by itself, so the next row crm adds gets a new id.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function resetIdentitySequences(k: Kysely<Database>): Promise<void> {
  const identities = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`.execute(k);
  for (const { table_name: table, column_name: column } of identities.rows) {
    // setval(…, max, true): the next value is max + 1; an empty table starts again at 1.
    await sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}), COALESCE(max(${sql.ref(column)}), 1), max(${sql.ref(column)}) IS NOT NULL) FROM ${sql.table(table)}`.execute(k);
  }
}
