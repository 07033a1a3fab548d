/** What a report dimension reads: a column or custom field of companies or contacts, and a company's first person. */
import type { AnyDb } from '../../db/engine.js';

const CHUNK = 1000;

function chunks(ids: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(ids.slice(i, i + CHUNK));
  return out;
}

/** id → the column's value, or the custom field's (from the custom_fields JSON). */
export async function recordValues(db: AnyDb, table: 'companies' | 'contacts', ids: number[], read: { column: string } | { field: string }): Promise<Map<number, unknown>> {
  const out = new Map<number, unknown>();
  const column = 'column' in read ? read.column : 'custom_fields';
  for (const part of chunks([...new Set(ids)])) {
    const rows = (await db.kysely
      .selectFrom(table)
      .select(['id', column as 'id'])
      .where('id', 'in', part)
      .execute()) as unknown as Record<string, unknown>[];
    for (const r of rows) {
      const v = r[column];
      if ('column' in read) out.set(Number(r.id), v);
      else out.set(Number(r.id), typeof v === 'string' && v ? (JSON.parse(v) as Record<string, unknown>)[read.field] : null);
    }
  }
  return out;
}

/** companyId → its first person (the lowest contact id whose company it is), for person dimensions of a company. */
export async function firstPeople(db: AnyDb, companyIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const part of chunks([...new Set(companyIds)])) {
    const rows = await db.kysely
      .selectFrom('contacts')
      .select(['company_id', (eb) => eb.fn.min('id').as('contact_id')])
      .where('company_id', 'in', part)
      .where('archived_at', 'is', null)
      .groupBy('company_id')
      .execute();
    for (const r of rows) out.set(Number(r.company_id), Number(r.contact_id));
  }
  return out;
}
