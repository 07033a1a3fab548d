/**
 * PostgreSQL for tests: the run's one server (test/setup/postgres.ts) and a fresh database per
 * test file. Use createTestPgDatabase() in beforeAll; its URL goes to --db / CRM_DB like a path.
 */
import pg from 'pg';
import { inject } from 'vitest';

let counter = 0;

/** The server's superuser URL with another database name. */
export function pgUrlFor(database: string): string {
  const url = new URL(inject('pgUrl'));
  url.pathname = `/${database}`;
  return url.toString();
}

/** A new, empty UTF-8 database on the run's server; returns its URL (with the superuser's password). */
export async function createTestPgDatabase(label = 'crm'): Promise<string> {
  const name = `${label.replace(/\W+/g, '_').toLowerCase()}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: inject('pgUrl') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await admin.end();
  }
  return pgUrlFor(name);
}

/** Run SQL on a test database (for assertions on what crm stored). */
export async function pgQuery<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
