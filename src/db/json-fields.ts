/**
 * SQL on the values inside a custom_fields JSON column: the only place that knows how the engine
 * reads JSON. Dialect-neutral: json_extract(col, '$.name') is SQLite's own (a JSON true reads as
 * 1, a number as a number) and, on PostgreSQL, a function of the same name and meaning in text
 * (src/db/postgres/migrations/0010), so the comparisons below cast where the two would differ.
 */
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';

const path = (name: string) => `$.${name}`;

/** The value of a key as text (or null): for text, choice, date, url, email, phone fields. */
export function jsonText(column: string, name: string): RawBuilder<string | null> {
  return sql<string | null>`json_extract(${sql.ref(column)}, ${path(name)})`;
}

/** The value of a key (or of `key.sub`, e.g. a money field's amount) as a number. */
export function jsonNumber(column: string, name: string, sub?: string): RawBuilder<number | null> {
  return sql<number | null>`CAST(json_extract(${sql.ref(column)}, ${path(sub ? `${name}.${sub}` : name)}) AS REAL)`;
}

/** True when a boolean key holds true. */
export function jsonIsTrue(column: string, name: string): Expression<SqlBool> {
  return sql<SqlBool>`(CAST(json_extract(${sql.ref(column)}, ${path(name)}) AS TEXT) = '1')`;
}

/** True when an array key holds this string among its elements. */
export function jsonArrayHas(column: string, name: string, value: string): Expression<SqlBool> {
  return sql<SqlBool>`(instr(json_extract(${sql.ref(column)}, ${path(name)}), ${JSON.stringify(value)}) > 0)`;
}
