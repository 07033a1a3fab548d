/**
 * SQL on the values inside a custom_fields JSON column: the only place that knows how the engine
 * reads JSON. SQLite-specific: json_extract(col, '$.name') (a JSON true reads as 1, a number as a
 * number) and the instr() test for an array element. A PostgreSQL twin replaces these four with
 * (col::jsonb ->> 'name'), ((col::jsonb ->> 'name')::boolean) and (col::jsonb -> 'name') ? value.
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
  return sql<SqlBool>`(json_extract(${sql.ref(column)}, ${path(name)}) = 1)`;
}

/** True when an array key holds this string among its elements. */
export function jsonArrayHas(column: string, name: string, value: string): Expression<SqlBool> {
  return sql<SqlBool>`(instr(json_extract(${sql.ref(column)}, ${path(name)}), ${JSON.stringify(value)}) > 0)`;
}
