/**
 * The filter language shared by every list, report and the TUI:
 *
 *   stage:quote owner:me amount:>5000 +renewal -lost close:<2026-12-31 not:city:berlin acme
 *
 * Terms are ANDed. `field:a,b` matches either value. `field:none` / `field:any` test for
 * emptiness. `+tag` / `-tag` require or exclude a tag. Anything else is free text.
 * parseFilter() builds a tree; compileFilter() turns it into a Kysely WHERE expression
 * using an entity's FilterSpec.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { UsageError } from '../errors.js';
import type { Engine } from './engine.js';
import { fold } from './fold.js';

export type Op = '=' | '>' | '>=' | '<' | '<=' | 'range';

export type FilterTerm =
  | { kind: 'field'; field: string; op: Op; values: string[]; negated: boolean; token: string }
  | { kind: 'tag'; tag: string; negated: boolean; token: string }
  | { kind: 'text'; text: string; negated: boolean; token: string };

export interface FilterTree {
  kind: 'and';
  terms: FilterTerm[];
}

const FIELD_RE = /^([A-Za-z][\w.-]*):(.*)$/s;

export function parseFilter(tokens: string[]): FilterTree {
  const terms: FilterTerm[] = [];
  for (const raw of tokens) {
    const token = raw.trim();
    if (token === '') continue;
    let negated = false;
    let body = token;
    if (body.startsWith('not:')) {
      negated = true;
      body = body.slice(4);
      if (body === '') throw badToken(token, 'not: needs a term after it, e.g. not:stage:lost');
    }
    if (body.length > 1 && (body.startsWith('+') || (body.startsWith('-') && !/^-\d/.test(body)))) {
      const tag = body.slice(1);
      if (!/^[\p{L}\p{N}_.\-/]+$/u.test(tag)) throw badToken(token, 'Tags are letters, digits, _ . - /, e.g. +vip');
      terms.push({ kind: 'tag', tag: tag.toLowerCase(), negated: negated !== body.startsWith('-'), token });
      continue;
    }
    const m = FIELD_RE.exec(body);
    if (m && !/^https?$/i.test(m[1]!)) {
      const field = m[1]!.toLowerCase();
      let rest = m[2]!;
      if (rest === '') throw badToken(token, `Give a value after "${field}:", e.g. ${field}:none for empty`);
      let op: Op = '=';
      const opMatch = /^(>=|<=|>|<)/.exec(rest);
      if (opMatch) {
        op = opMatch[1] as Op;
        rest = rest.slice(op.length);
        if (rest === '') throw badToken(token, `Give a value after "${field}:${op}"`);
      } else if (/^[^,]+\.\.[^,]+$/.test(rest)) {
        op = 'range';
      }
      const values = op === 'range' ? rest.split('..') : rest.split(',').map((v) => v.trim()).filter((v) => v !== '');
      if (values.length === 0) throw badToken(token, `Give a value after "${field}:"`);
      if (values.length > MAX_TERM_VALUES) {
        throw new UsageError(`The filter term "${field}:…" has ${values.length} values; one term takes at most ${MAX_TERM_VALUES}.`, `Split the values over several runs, or narrow the filter. See: crm help filters`, 'bad_filter');
      }
      terms.push({ kind: 'field', field, op, values, negated, token });
      continue;
    }
    terms.push({ kind: 'text', text: body, negated, token });
  }
  if (terms.length > MAX_FILTER_TERMS) {
    throw new UsageError(`The filter has ${terms.length} terms; at most ${MAX_FILTER_TERMS} are allowed.`, 'Narrow the filter, or run it in parts. See: crm help filters', 'bad_filter');
  }
  return { kind: 'and', terms };
}

/**
 * Limits that keep every filter within SQLite's own (expression depth 1000, 32,766 bound
 * values): the values of one term are OR-ed in a chain, and terms are AND-ed in a balanced tree.
 */
export const MAX_TERM_VALUES = 200;
export const MAX_FILTER_TERMS = 5000;

function badToken(token: string, hint: string): UsageError {
  return new UsageError(`Bad filter term "${token}".`, `${hint}. See: crm help filters`, 'bad_filter');
}

export type AnyEB = ExpressionBuilder<any, any>;
export type Cond = Expression<SqlBool>;

export interface FilterEnv {
  now: Date;
  timeZone: string;
  /** users.id of the acting user, for `owner:me`; null when the actor is not a known user. */
  actorUserId: number | null;
  actorHandle: string;
  /** First day of "this-week" / "last-week" / "next-week": 1 = Monday (default) … 7 = Sunday. */
  weekStart?: number;
  /** The engine the query runs on, where a form differs in speed (inSubquery); SQLite's form when absent. */
  engine?: Engine;
}

export type FieldType = 'text' | 'exact' | 'number' | 'date' | 'datetime' | 'enum' | 'user' | 'custom';

export interface FilterField {
  name: string;
  aliases?: string[];
  type: FieldType;
  /** Qualified column reference, e.g. "c.city". */
  column?: string;
  /** Or an expression standing for the column (a custom field's value: src/db/json-fields.ts). */
  expr?: Expression<any>;
  /** Allowed values for enum fields (checked, so typos are usage errors). */
  values?: string[];
  description?: string;
  /** Full control: build the condition for one term (not negated; negation is applied outside). */
  compile?: (eb: AnyEB, term: Extract<FilterTerm, { kind: 'field' }>, env: FilterEnv) => Cond;
}

export interface FilterSpec {
  entity: string;
  /** Qualified id column for tag lookups, e.g. "c.id". */
  idColumn: string;
  /** entity_type in the tags table; omit if the entity has no tags. */
  tagEntity?: string;
  fields: FilterField[];
  /** Fields named at filter time (`company.city`): asked when no field above has the name. */
  resolve?: (name: string) => FilterField | undefined;
  /** Free-text search condition. */
  text?: (eb: AnyEB, folded: string, env?: Pick<FilterEnv, 'engine'>) => Cond;
}

export function compileFilter(tree: FilterTree, spec: FilterSpec, env: FilterEnv): ((eb: AnyEB) => Cond) | undefined {
  if (tree.terms.length === 0) return undefined;
  return (eb) => balancedAnd(eb, tree.terms.map((t) => compileTerm(eb, t, spec, env)));
}

/**
 * compileFilter with a spec that is built only when the filter has terms: an entity's full spec
 * reads the team's custom fields, segments and SKUs from the database, which an unfiltered list
 * never needs (on PostgreSQL those reads also opened extra connections).
 */
export async function compileFilterWith(tree: FilterTree, spec: () => Promise<FilterSpec>, env: FilterEnv): Promise<((eb: AnyEB) => Cond) | undefined> {
  return tree.terms.length === 0 ? undefined : compileFilter(tree, await spec(), env);
}

/**
 * `a AND b AND c …` parses as a tree as deep as the list is long, and SQLite refuses expressions
 * deeper than 1000 ("Expression tree is too large"): a filter of 1,000 words failed. Nested
 * halves keep the depth logarithmic.
 */
function balancedAnd(eb: AnyEB, conds: Cond[]): Cond {
  if (conds.length <= 8) return eb.and(conds);
  const mid = Math.ceil(conds.length / 2);
  return eb.and([balancedAnd(eb, conds.slice(0, mid)), balancedAnd(eb, conds.slice(mid))]);
}

function compileTerm(eb: AnyEB, term: FilterTerm, spec: FilterSpec, env: FilterEnv): Cond {
  let cond: Cond;
  if (term.kind === 'tag') {
    if (!spec.tagEntity) throw badToken(term.token, `${spec.entity} records have no tags`);
    // A list subquery run once, not a correlated EXISTS: with stale statistics SQLite scanned
    // the whole tags table for each row of the list (test/db/list-plans.test.ts).
    cond = eb(eb.ref(spec.idColumn), 'in', eb.selectFrom('tags').select('tags.entity_id').where('tags.entity_type', '=', spec.tagEntity).where('tags.tag', '=', term.tag));
  } else if (term.kind === 'text') {
    if (!spec.text) throw badToken(term.token, `free text is not supported for ${spec.entity}`);
    cond = spec.text(eb, fold(term.text), env);
  } else {
    const field = spec.fields.find((f) => f.name === term.field || f.aliases?.includes(term.field)) ?? spec.resolve?.(term.field);
    if (!field) {
      const names = spec.fields.map((f) => f.name);
      const close = closest(term.field, names);
      throw badToken(term.token, `Unknown field "${term.field}" for ${spec.entity}${close ? ` (did you mean ${close}?)` : ''}; fields: ${names.join(', ')}`);
    }
    cond = compileField(eb, field, term, env);
  }
  return term.negated ? eb.not(cond) : cond;
}

function compileField(eb: AnyEB, field: FilterField, term: Extract<FilterTerm, { kind: 'field' }>, env: FilterEnv): Cond {
  if (field.compile) return field.compile(eb, term, env);
  const col: any = field.column ?? field.expr!;
  const colSql = typeof col === 'string' ? sql.ref(col) : col;
  const [first] = term.values;
  if (term.op === '=' && term.values.length === 1 && (first === 'none' || first === 'any')) {
    const empty = eb.or([eb(col, 'is', null), eb(col, '=', '')]);
    return first === 'none' ? empty : eb.not(empty);
  }
  switch (field.type) {
    case 'text':
      requireEq(field, term);
      return eb.or(term.values.map((v) => eb(sql`instr(crm_fold(${colSql}), ${fold(v)})`, '>', 0)));
    case 'exact':
      requireEq(field, term);
      return eb(sql`crm_fold(${colSql})`, 'in', term.values.map(fold));
    case 'enum': {
      requireEq(field, term);
      const values = term.values.map((v) => v.toLowerCase());
      for (const v of values) {
        if (field.values && !field.values.includes(v)) throw badToken(term.token, `${field.name} is one of: ${field.values.join(', ')}`);
      }
      return eb(col, 'in', values);
    }
    case 'user': {
      requireEq(field, term);
      const ids: Cond[] = [];
      for (const v of term.values) {
        if (v.toLowerCase() === 'me') {
          // "me" for someone who is no crm user names nobody: say so rather than match nothing.
          if (env.actorUserId === null) throw new UsageError(`${term.token}: "me" names nobody — you (${env.actorHandle}) are not a crm user.`, `Name the user instead (crm user list), or have an admin add you: crm user add ${env.actorHandle} --name "…"`, 'me_unknown');
          ids.push(eb(col, '=', env.actorUserId));
        } else {
          ids.push(eb(col, 'in', eb.selectFrom('users').select('users.id').where((u) => u.or([u('users.handle', '=', v.toLowerCase()), u(sql`crm_fold(users.name)`, '=', fold(v))]))));
        }
      }
      return eb.or(ids);
    }
    case 'number': {
      const nums = term.values.map((v) => {
        const n = Number(v.replace(/_/g, ''));
        if (!Number.isFinite(n)) throw badToken(term.token, `${field.name} needs a number`);
        return n;
      });
      return compare(eb, col, term.op, nums);
    }
    case 'date':
    case 'datetime': {
      const ranges = term.values.map((v) => dateRange(v, env, term.token));
      // A date column holds calendar days: compare with the day the instant falls on in the user's zone.
      const asValue = (iso: string) => (field.type === 'date' ? zonedDay(iso, env.timeZone) : iso);
      if (term.op === 'range') return eb.and([eb(col, '>=', asValue(ranges[0]!.start)), eb(col, '<', asValue(ranges[1]!.end))]);
      const r = ranges[0]!;
      switch (term.op) {
        case '>':
          return eb(col, '>=', asValue(r.end));
        case '>=':
          return eb(col, '>=', asValue(r.start));
        case '<':
          return eb(col, '<', asValue(r.start));
        case '<=':
          return eb(col, '<', asValue(r.end));
        default:
          return eb.or(ranges.map((x) => eb.and([eb(col, '>=', asValue(x.start)), eb(col, '<', asValue(x.end))])));
      }
    }
    default:
      throw badToken(term.token, `${field.name} cannot be filtered this way`);
  }
}

function requireEq(field: FilterField, term: Extract<FilterTerm, { kind: 'field' }>): void {
  if (term.op !== '=') throw badToken(term.token, `${field.name} does not support ${term.op === 'range' ? 'ranges' : 'comparisons'}`);
}

export function compare(eb: AnyEB, col: string | Expression<any>, op: Op, nums: (number | string)[]): Cond {
  const ref = typeof col === 'string' ? eb.ref(col) : col;
  switch (op) {
    case 'range':
      return eb.and([eb(ref, '>=', nums[0]), eb(ref, '<=', nums[1])]);
    case '=':
      return eb(ref, 'in', nums);
    default:
      return eb(ref, op, nums[0]);
  }
}

/**
 * A date value as a half-open range of UTC instants [start, end): "2026-12-31" is that whole
 * day in the user's zone; "2026-11" a month; "2026" a year; also today, yesterday, tomorrow,
 * this-week, this-month, last-month, this-quarter, this-year, and "-30d" / "30d" (that many days ago);
 * and the report period words: last-week, next-week, last-quarter, last-year, last-30d, 2026-Q4, 2026-W48.
 */
export function dateRange(value: string, env: FilterEnv, token = value): { start: string; end: string } {
  const v = value.toLowerCase();
  const today = zonedDate(env.now, env.timeZone);
  const day = (y: number, m: number, d: number) => zonedMidnightUtc(y, m, d, env.timeZone);
  const addDays = (y: number, m: number, d: number, n: number) => {
    const t = new Date(Date.UTC(y, m - 1, d + n));
    return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()] as const;
  };
  const range = (a: readonly [number, number, number], b: readonly [number, number, number]) => ({ start: day(...a), end: day(...b) });
  const t = [today.y, today.m, today.d] as const;
  let m: RegExpExecArray | null;
  if (v === 'today') return range(t, addDays(...t, 1));
  if (v === 'yesterday') return range(addDays(...t, -1), t);
  if (v === 'tomorrow') return range(addDays(...t, 1), addDays(...t, 2));
  if (v === 'this-week') {
    const first = weekFirstDay(t, env.weekStart ?? 1, addDays);
    return range(first, addDays(...first, 7));
  }
  if (v === 'this-month') return range([t[0], t[1], 1], t[1] === 12 ? [t[0] + 1, 1, 1] : [t[0], t[1] + 1, 1]);
  if (v === 'last-month') return range(t[1] === 1 ? [t[0] - 1, 12, 1] : [t[0], t[1] - 1, 1], [t[0], t[1], 1]);
  if (v === 'next-month') {
    const s: [number, number, number] = t[1] === 12 ? [t[0] + 1, 1, 1] : [t[0], t[1] + 1, 1];
    return range(s, s[1] === 12 ? [s[0] + 1, 1, 1] : [s[0], s[1] + 1, 1]);
  }
  if (v === 'this-quarter') {
    const q = Math.floor((t[1] - 1) / 3);
    return range([t[0], q * 3 + 1, 1], q === 3 ? [t[0] + 1, 1, 1] : [t[0], q * 3 + 4, 1]);
  }
  if (v === 'this-year') return range([t[0], 1, 1], [t[0] + 1, 1, 1]);
  if ((m = /^-?(\d+)d$/.exec(v))) {
    const s = addDays(...t, -Number(m[1]));
    return range(s, addDays(...s, 1));
  }
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v))) {
    const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
    if (!validYmd(y, mo, d)) throw badToken(token, `"${value}" is not a date`);
    return range([y, mo, d], addDays(y, mo, d, 1));
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(v))) {
    const y = Number(m[1]), mo = Number(m[2]);
    if (mo < 1 || mo > 12) throw badToken(token, `"${value}" is not a month`);
    return range([y, mo, 1], mo === 12 ? [y + 1, 1, 1] : [y, mo + 1, 1]);
  }
  if ((m = /^(\d{4})$/.exec(v))) return range([Number(m[1]), 1, 1], [Number(m[1]) + 1, 1, 1]);
  if (/^\d{4}-\d{2}-\d{2}t/.test(v) && !Number.isNaN(Date.parse(value))) {
    const iso = new Date(value).toISOString();
    return { start: iso, end: iso };
  }
  const period = periodWords(v, t, range, addDays);
  if (period) return period;
  throw badToken(token, `"${value}" is not a date: use YYYY-MM-DD, YYYY-MM, 2026-Q4, 2026-W48, today, this-month, last-week, last-30d, 30d`);
}

type Ymd3 = readonly [number, number, number];

/**
 * The period words reports take (--period, src/domain/period.ts resolvePeriod) that a filter
 * date also understands: last-week, last-quarter, last-year, last-30d (the 30 days ending today),
 * 2026-Q4 and ISO weeks such as 2026-W48.
 */
/** The first day of the week holding `d`, weeks starting on `weekStart` (1 = Monday … 7 = Sunday). */
function weekFirstDay(d: Ymd3, weekStart: number, addDays: (y: number, m: number, d: number, n: number) => Ymd3): Ymd3 {
  const dow = new Date(Date.UTC(d[0], d[1] - 1, d[2])).getUTCDay() || 7;
  return addDays(...d, -((dow - weekStart + 7) % 7));
}

function periodWords(v: string, t: Ymd3, range: (a: Ymd3, b: Ymd3) => { start: string; end: string }, addDays: (y: number, m: number, d: number, n: number) => Ymd3, weekStart = 1): { start: string; end: string } | null {
  const monday = (d: Ymd3) => weekFirstDay(d, 1, addDays);
  const quarter = (y: number, q: number): [Ymd3, Ymd3] => [[y, q * 3 + 1, 1], q === 3 ? [y + 1, 1, 1] : [y, q * 3 + 4, 1]];
  let m: RegExpExecArray | null;
  if (v === 'last-week') {
    const first = addDays(...weekFirstDay(t, weekStart, addDays), -7);
    return range(first, addDays(...first, 7));
  }
  if (v === 'next-week') {
    const first = addDays(...weekFirstDay(t, weekStart, addDays), 7);
    return range(first, addDays(...first, 7));
  }
  if (v === 'last-quarter') {
    const q = Math.floor((t[1] - 1) / 3);
    return range(...(q === 0 ? quarter(t[0] - 1, 3) : quarter(t[0], q - 1)));
  }
  if (v === 'last-year') return range([t[0] - 1, 1, 1], [t[0], 1, 1]);
  if ((m = /^last-(\d{1,4})d$/.exec(v)) && Number(m[1]) > 0) return range(addDays(...t, 1 - Number(m[1])), addDays(...t, 1));
  if ((m = /^(\d{4})-q([1-4])$/.exec(v))) return range(...quarter(Number(m[1]), Number(m[2]) - 1));
  if ((m = /^(\d{4})-w(\d{2})$/.exec(v))) {
    const y = Number(m[1]);
    const week1 = monday([y, 1, 4]);
    const mon = addDays(...week1, (Number(m[2]) - 1) * 7);
    const thursday = addDays(...mon, 3);
    if (Number(m[2]) < 1 || thursday[0] !== y) return null;
    return range(mon, addDays(...mon, 7));
  }
  return null;
}

function validYmd(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** "YYYY-MM-DD" of an instant in a zone (the local midnight instants of dateRange map back to their day). */
export function zonedDay(iso: string, timeZone: string): string {
  const { y, m, d } = zonedDate(new Date(iso), timeZone);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The calendar date of an instant in a zone. */
export function zonedDate(at: Date, timeZone: string): { y: number; m: number; d: number } {
  if (UTC_ZONES.has(timeZone)) return { y: at.getUTCFullYear(), m: at.getUTCMonth() + 1, d: at.getUTCDate() };
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), m: get('month'), d: get('day') };
}

/** The UTC instant of 00:00 on a calendar date in a zone (DST-safe via offset probing). */
export function zonedMidnightUtc(y: number, m: number, d: number, timeZone: string): string {
  const guess = Date.UTC(y, m - 1, d);
  const offset = zoneOffsetMs(new Date(guess), timeZone);
  let instant = guess - offset;
  const offset2 = zoneOffsetMs(new Date(instant), timeZone);
  if (offset2 !== offset) instant = guess - offset2;
  return new Date(instant).toISOString();
}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu']);

function zoneOffsetMs(at: Date, timeZone: string): number {
  if (UTC_ZONES.has(timeZone)) return 0; // no Intl (and its start-up cost) for UTC, as cron often runs
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** Levenshtein-closest candidate within distance 2, for "did you mean". */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return dp[a.length]![b.length]!;
}

/**
 * `column` contains `folded` (both already folded: src/db/fold.ts), as `LIKE '%…%'` with the
 * wildcards in the needle escaped — the same result as instr() > 0 on both engines, and a form
 * PostgreSQL's trigram indexes (pg_trgm, migration 0018) answer without reading every row.
 */
export function containsFolded(column: string, folded: string): Expression<SqlBool> {
  const pattern = `%${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`;
}

/**
 * `column IN (subquery)`. On PostgreSQL written `column = ANY(ARRAY(subquery))`: the same rows,
 * but inside an OR (contact search: its own text OR its company's name) PostgreSQL answers that
 * form from indexes (a BitmapOr of the trigram and the company_id index), where an IN subquery
 * makes it read every contact.
 */
export function inSubquery(eb: AnyEB, column: string, subquery: Expression<any>, engine?: Engine): Cond {
  if (engine === 'postgres') return sql<SqlBool>`${sql.ref(column)} = ANY(ARRAY(${subquery}))`;
  return eb(column, 'in', subquery);
}
