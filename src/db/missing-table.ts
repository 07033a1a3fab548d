/**
 * A database opened without migrating (`migrate: false`, or a test seeding the previous schema)
 * may lack a table a newer release reads only for optional definitions (custom fields,
 * segments): such a read means "none defined yet". SQLite says "no such table: X";
 * PostgreSQL 'relation "X" does not exist'.
 */
export function isMissingTable(err: unknown, table: string): boolean {
  const message = err instanceof Error ? err.message : '';
  return message.includes(`no such table: ${table}`) || message.includes(`relation "${table}" does not exist`);
}
