/**
 * An entity's filter language as a team has shaped it: its custom fields (`national_id:001…`,
 * `birth_date:<1990`, `gender:f`), its saved segments (`segment:vip-tehran`) and, for contacts,
 * their company's fields (`company.city:Tehran`). Every list, export and report that filters an
 * entity asks for its spec here, so the words mean the same everywhere. Companies and contacts
 * also take `bought:SKU` / `not-bought:SKU` (./purchases.ts).
 */
import { compileFilter, parseFilter, type AnyEB, type Cond, type FilterField, type FilterSpec, type FilterTerm } from '../db/filter.js';
import { jsonArrayHas, jsonIsTrue, jsonNumber, jsonText } from '../db/json-fields.js';
import { UsageError } from '../errors.js';
import { isMissingTable } from '../db/missing-table.js';
import { fieldDefinitions, type FieldDefinition, type FieldEntity } from './custom-fields.js';
import { productIdsBySku, purchaseFilterFields } from './purchases.js';
import type { Session } from './session.js';
import { NOT_YES_NO, YES_NO_HINT, yesNo } from './yes-no.js';

export interface SegmentRecord {
  id: number;
  name: string;
  entity: FieldEntity;
  filter: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export async function loadSegments(s: Session): Promise<SegmentRecord[]> {
  let rows;
  try {
    rows = await s.db.kysely.selectFrom('segments').selectAll().orderBy('name').execute();
  } catch (err) {
    if (isMissingTable(err, 'segments')) return [];
    throw err;
  }
  return rows.map((r) => ({ id: r.id, name: r.name, entity: r.entity as FieldEntity, filter: r.filter, description: r.description, createdAt: r.created_at, updatedAt: r.updated_at }));
}

/** A saved filter's text as filter terms: words split on spaces, "quoted phrases" kept whole. */
export function filterTokens(text: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"']+|"[^"]*"|'[^']*')+/g;
  for (const m of text.matchAll(re)) out.push(m[0].replace(/"([^"]*)"|'([^']*)'/g, (_x, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
  return out;
}

type FieldTerm = Extract<FilterTerm, { kind: 'field' }>;

function badTerm(term: FieldTerm, hint: string): UsageError {
  return new UsageError(`Bad filter term "${term.token}".`, `${hint}. See: crm help filters`, 'bad_filter');
}

function emptiness(eb: AnyEB, expr: ReturnType<typeof jsonText>, term: FieldTerm): Cond | null {
  const [first] = term.values;
  if (term.op !== '=' || term.values.length !== 1 || (first !== 'none' && first !== 'any')) return null;
  const empty = eb.or([eb(expr, 'is', null), eb(expr, '=', '')]);
  return first === 'none' ? empty : eb.not(empty);
}

/** One custom field as a filter field on `column` (the entity's custom_fields, qualified). */
export function customFilterField(def: FieldDefinition, column: string): FilterField {
  const description = `${def.label} (custom ${def.type})`;
  switch (def.type) {
    case 'number':
      return { name: def.name, type: 'number', expr: jsonNumber(column, def.name), description };
    case 'money':
      return { name: def.name, type: 'number', expr: jsonNumber(column, def.name, 'amount'), description };
    case 'date':
      return { name: def.name, type: 'date', expr: jsonText(column, def.name), description };
    case 'bool':
      return {
        name: def.name,
        type: 'custom',
        description,
        compile: (eb, term) => {
          const empty = emptiness(eb, jsonText(column, def.name), term);
          if (empty) return empty;
          const conds = term.values.map((v) => {
            const b = yesNo(v);
            if (b === true) return jsonIsTrue(column, def.name);
            if (b === false) return eb.not(jsonIsTrue(column, def.name));
            throw badTerm(term, `${def.name}: "${v}" ${NOT_YES_NO}; ${YES_NO_HINT.replace(/\.$/, '')}`);
          });
          return eb.or(conds);
        },
      };
    case 'choice':
    case 'multi':
      return {
        name: def.name,
        type: 'custom',
        description,
        compile: (eb, term) => {
          const empty = emptiness(eb, jsonText(column, def.name), term);
          if (empty) return empty;
          const choices = def.choices ?? [];
          const position = (v: string) => {
            const i = choices.findIndex((c) => c.toLowerCase() === v.toLowerCase());
            if (i < 0) throw badTerm(term, `${def.name} is one of: ${choices.join(', ')}`);
            return i;
          };
          if (term.op !== '=') {
            // A choice list is ordered low → high: rank:>=A is A and every choice after it.
            if (def.type !== 'choice' || term.values.length !== 1 || !['>', '>=', '<', '<='].includes(term.op)) throw badTerm(term, `${def.name} compares with one value: ${def.name}:>=${choices[0] ?? 'X'}`);
            const at = position(term.values[0]!);
            const keep = choices.filter((_c, i) => (term.op === '>' ? i > at : term.op === '>=' ? i >= at : term.op === '<' ? i < at : i <= at));
            return keep.length ? eb(jsonText(column, def.name), 'in', keep) : eb.lit(false);
          }
          const values = term.values.map((v) => choices[position(v)]!);
          return def.type === 'choice' ? eb(jsonText(column, def.name), 'in', values) : eb.or(values.map((v) => jsonArrayHas(column, def.name, v)));
        },
      };
    default:
      // text, url, email, phone, ir-national-id: a part of the value, case- and script-insensitively.
      return { name: def.name, type: 'text', expr: jsonText(column, def.name), description };
  }
}

interface SpecOptions {
  entity: FieldEntity;
  /** The entity's custom_fields column, qualified: "c.custom_fields". */
  column: string;
  /** For contacts: their company's spec and the column linking to it. */
  company?: { spec: FilterSpec; link: string };
}

/** The base spec with the team's custom fields, `segment:NAME` and (contacts) `company.FIELD`. */
export async function filterSpecFor(s: Session, base: FilterSpec, opts: SpecOptions): Promise<FilterSpec> {
  const buyers = opts.entity === 'company' || opts.entity === 'contact' ? opts.entity : undefined;
  const [defs, segments, skus] = await Promise.all([fieldDefinitions(s.db.kysely, opts.entity), loadSegments(s), buyers ? productIdsBySku(s.db.kysely) : undefined]);
  const companySpec = opts.company ? await filterSpecFor(s, opts.company.spec, { entity: 'company', column: 'co.custom_fields' }) : undefined;
  const active = new Set<string>();
  const spec: FilterSpec = {
    ...base,
    fields: [
      ...base.fields,
      ...defs.map((d) => customFilterField(d, opts.column)),
      // bought:SKU / not-bought:SKU (./purchases.ts): what a company or contact has ordered.
      ...(buyers && skus ? purchaseFilterFields(buyers, base.idColumn, skus) : []),
      {
        name: 'segment',
        type: 'custom',
        description: 'a saved filter (crm segment list)',
        compile: (eb, term, env) => {
          if (term.op !== '=') throw badTerm(term, 'segment takes a name');
          return eb.or(
            term.values.map((name) => {
              const seg = segments.find((x) => x.name.toLowerCase() === name.toLowerCase());
              if (!seg) throw badTerm(term, `No segment "${name}"; see crm segment list`);
              if (seg.entity !== opts.entity) throw badTerm(term, `segment "${seg.name}" selects ${seg.entity} records, not ${opts.entity} records`);
              if (active.has(seg.name)) throw badTerm(term, `segment "${seg.name}" refers to itself`);
              active.add(seg.name);
              try {
                return compileFilter(parseFilter(filterTokens(seg.filter)), spec, env)?.(eb) ?? eb.lit(true);
              } finally {
                active.delete(seg.name);
              }
            }) as Cond[],
          );
        },
      },
    ],
    resolve: (name) => {
      if (!companySpec || !opts.company || !name.startsWith('company.')) return base.resolve?.(name);
      const rest = name.slice('company.'.length);
      const link = opts.company.link;
      return {
        name,
        type: 'custom',
        compile: (eb, term, env) => {
          const inner = compileFilter({ kind: 'and', terms: [{ ...term, field: rest, negated: false, token: term.token }] }, companySpec, env)!;
          return eb(link, 'in', eb.selectFrom('companies as co').select('co.id').where(inner));
        },
      };
    },
  };
  return spec;
}
