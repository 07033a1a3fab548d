/**
 * `crm export ENTITY`: every record as CSV (the one CSV writer, ./formula.ts), JSON or NDJSON, streamed from a
 * better-sqlite3 iterator in batches. The CSV columns are exactly the importer's canonical
 * field names, so export → import into an empty database → export gives the same bytes.
 *
 * Formula injection: cells go through the one CSV writer (csvRecords in ./formula.ts), which
 * marks a cell a spreadsheet would execute — or one starting with ' — with a leading '; the
 * importer removes exactly that mark again. --raw writes cells as stored.
 */
import { CompiledQuery, type Compilable } from 'kysely';
import type { AnyDb, Engine } from '../db/engine.js';
import { Money } from '../domain/money.js';
import { formatFieldValue, type FieldDefinition } from '../domain/custom-fields.js';
import type { EntityName as ImportEntityName } from './entities.js';

/** The entities exported here (products: ./sales-export.ts, with its price list). */
type EntityName = Exclude<ImportEntityName, 'products'>;
import { csvRecords } from './formula.js';
import { jsonEscaped } from '../output/safe.js';

export { neutralizeCell, unneutralizeCell } from './formula.js';

export type ExportFormat = 'csv' | 'json' | 'ndjson';

export interface ExportOptions {
  format: ExportFormat;
  raw: boolean;
  excel: boolean;
  /** SQL condition on the entity's alias (from the filter language) and its parameters. */
  where?: { sql: string; params: unknown[] };
  /** The entity's custom fields: in CSV each is a column of its own, before custom_fields (which keeps the other keys). */
  fields?: FieldDefinition[];
}

export interface Sink {
  write(chunk: string): void | Promise<void>;
}

/** A record's tags, sorted, as "a, b": the one aggregate the engines spell differently. */
const TAG_LISTS: Record<Engine, (entity: string, alias: string) => string> = {
  sqlite: (entity, alias) => `(SELECT group_concat(tag, ', ') FROM (SELECT tag FROM tags WHERE entity_type = '${entity}' AND entity_id = ${alias}.id ORDER BY tag))`,
  postgres: (entity, alias) => `(SELECT string_agg(tag, ', ' ORDER BY tag) FROM tags WHERE entity_type = '${entity}' AND entity_id = ${alias}.id)`,
};

interface ExportSpec {
  alias: string;
  sql: string;
  columns: string[];
}

/** The export queries, in SQL both engines read alike except for the tag list. */
const specsFor = (TAGS: (entity: string, alias: string) => string): Record<EntityName, ExportSpec> => ({
  contacts: {
    alias: 'c',
    columns: ['first_name', 'last_name', 'email', 'phone', 'mobile', 'company', 'title', 'prefix', 'company_role', 'lifecycle', 'source', 'owner', 'notes', 'tags', 'external_id', 'created', 'custom_fields'],
    sql: `SELECT c.first_name, c.last_name, c.email, c.phone, c.mobile, co.name AS company, c.title, c.prefix, c.company_role, c.lifecycle, c.source, u.handle AS owner, c.notes, ${TAGS('contact', 'c')} AS tags, c.external_id, c.created_at AS created, c.custom_fields
      FROM contacts c LEFT JOIN companies co ON co.id = c.company_id LEFT JOIN users u ON u.id = c.owner_id WHERE c.archived_at IS NULL`,
  },
  companies: {
    alias: 'co',
    columns: ['name', 'domain', 'industry', 'phone', 'website', 'address', 'city', 'region', 'country', 'postal_code', 'tier', 'source', 'owner', 'notes', 'tags', 'external_id', 'created', 'custom_fields'],
    sql: `SELECT co.name, co.domain, co.industry, co.phone, co.website, co.address, co.city, co.region, co.country, co.postal_code, co.tier, co.source, u.handle AS owner, co.notes, ${TAGS('company', 'co')} AS tags, co.external_id, co.created_at AS created, co.custom_fields
      FROM companies co LEFT JOIN users u ON u.id = co.owner_id WHERE co.archived_at IS NULL`,
  },
  deals: {
    alias: 'd',
    columns: ['title', 'company', 'contact', 'amount', 'currency', 'stage', 'probability', 'expected_close', 'owner', 'source', 'lost_reason', 'created', 'closed', 'tags', 'external_id', 'custom_fields'],
    sql: `SELECT d.title, co.name AS company, ct.email AS contact, d.amount_minor AS amount, d.currency, st.name AS stage, d.probability, d.expected_close, u.handle AS owner, d.source, d.lost_reason, d.created_at AS created, coalesce(d.won_at, d.lost_at) AS closed, ${TAGS('deal', 'd')} AS tags, d.external_id, d.custom_fields
      FROM deals d JOIN stages st ON st.id = d.stage_id LEFT JOIN companies co ON co.id = d.company_id LEFT JOIN contacts ct ON ct.id = d.contact_id LEFT JOIN users u ON u.id = d.owner_id WHERE d.archived_at IS NULL`,
  },
  tickets: {
    alias: 't',
    columns: ['subject', 'description', 'requester_email', 'requester_name', 'company', 'priority', 'status', 'assignee', 'channel', 'category', 'satisfaction', 'created', 'solved', 'closed', 'tags', 'external_id', 'custom_fields'],
    sql: `SELECT t.subject, t.description, ct.email AS requester_email, trim(ct.first_name || ' ' || ct.last_name) AS requester_name, co.name AS company, t.priority, t.status, u.handle AS assignee, t.channel, t.category, t.satisfaction, t.created_at AS created, t.solved_at AS solved, t.closed_at AS closed, ${TAGS('ticket', 't')} AS tags, t.external_id, t.custom_fields
      FROM tickets t LEFT JOIN contacts ct ON ct.id = t.contact_id LEFT JOIN companies co ON co.id = t.company_id LEFT JOIN users u ON u.id = t.assignee_id WHERE 1 = 1`,
  },
  activities: {
    alias: 'a',
    columns: ['kind', 'subject', 'body', 'contact', 'company', 'deal', 'occurred', 'duration', 'due', 'done', 'owner', 'external_id', 'created', 'custom_fields'],
    sql: `SELECT a.kind, a.subject, a.body, ct.email AS contact, co.name AS company, coalesce(d.external_id, d.title) AS deal, a.occurred_at AS occurred, a.duration_minutes AS duration, a.due_at AS due, a.done_at AS done, u.handle AS owner, a.external_id, a.created_at AS created, a.custom_fields
      FROM activities a LEFT JOIN contacts ct ON ct.id = a.contact_id LEFT JOIN companies co ON co.id = a.company_id LEFT JOIN deals d ON d.id = a.deal_id LEFT JOIN users u ON u.id = a.owner_id WHERE 1 = 1`,
  },
  users: {
    alias: 'u',
    columns: ['handle', 'name', 'email', 'role', 'team', 'timezone', 'active', 'created'],
    sql: `SELECT u.handle, u.name, u.email, u.role, u.team, u.timezone, CASE WHEN u.active THEN 'true' ELSE 'false' END AS active, u.created_at AS created FROM users u WHERE 1 = 1`,
  },
});

const SPECS = { sqlite: specsFor(TAG_LISTS.sqlite), postgres: specsFor(TAG_LISTS.postgres) };

export function exportColumns(entity: EntityName, fields: FieldDefinition[] = []): string[] {
  const columns = SPECS.sqlite[entity].columns;
  if (!fields.length || !columns.includes('custom_fields')) return columns;
  return [...columns.filter((c) => c !== 'custom_fields'), ...fields.map((f) => f.name), 'custom_fields'];
}

/** A CSV row's custom field columns from its custom_fields JSON; the JSON keeps the keys no field names. */
function splitCustomFields(r: Record<string, unknown>, fields: FieldDefinition[]): void {
  const obj = r.custom_fields ? (JSON.parse(String(r.custom_fields)) as Record<string, unknown>) : {};
  for (const f of fields) {
    r[f.name] = formatFieldValue(f, obj[f.name]);
    delete obj[f.name];
  }
  r.custom_fields = Object.keys(obj).length ? JSON.stringify(obj) : null;
}

export function exportAlias(entity: EntityName): string {
  return SPECS.sqlite[entity].alias;
}

type Rec = Record<string, unknown>;

function amountText(minor: unknown, currency: unknown): string | null {
  if (minor === null || minor === undefined || !currency) return null;
  return new Money(BigInt(minor as number), String(currency)).amount;
}

/** A column name as a JSON key: external_id → externalId (the export's and the sales export's). */
export function camel(k: string): string {
  return k.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase());
}

function jsonRecord(entity: EntityName, r: Rec): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'custom_fields') out.customFields = v ? JSON.parse(String(v)) : null;
    else if (k === 'tags') out.tags = v ? String(v).split(', ') : [];
    else if (k === 'active') out.active = v === 'true';
    else if (entity === 'deals' && k === 'amount') out.amount = new Money(BigInt(v as number), String(r.currency)).toJSON();
    else out[camel(k)] = v;
  }
  return out;
}

/** Rows per PostgreSQL round trip. */
const PG_PAGE = 2000;

/**
 * A query streamed in a stable order: `sql` (SQL both engines read alike) ends in a WHERE clause;
 * `keys` are the expressions it is ordered by, unique together (the keyset of PostgreSQL's pages).
 */
export interface OrderedQuery {
  sql: string;
  params?: unknown[];
  keys: string[];
}

/** A domain's Kysely query (its WHERE clause last, compiled for the database's engine) streamed by `keys`. */
export function orderedQuery(q: Compilable, keys: string[]): OrderedQuery {
  const compiled = q.compile();
  return { sql: compiled.sql, params: [...compiled.parameters], keys };
}

/**
 * The rows in key order: SQLite's statement iterator, or on PostgreSQL keyset pages (keys > the
 * last row's) read inside one REPEATABLE READ READ ONLY transaction, so every page sees the same
 * snapshot. Memory stays flat whatever the row count.
 */
export async function streamOrdered(db: AnyDb, q: OrderedQuery, each: (r: Rec) => void | Promise<void>): Promise<void> {
  const params = q.params ?? [];
  const order = ` ORDER BY ${q.keys.join(', ')}`;
  if (db.engine === 'sqlite') {
    const iter = db.sqlite.prepare(`${q.sql}${order}`).iterate(...params) as IterableIterator<Rec>;
    for (const r of iter) {
      const wait = each(r);
      if (wait) await wait;
    }
    return;
  }
  const keyNames = q.keys.map((_, i) => `crm_key_${i}`);
  const withKeys = q.sql.replace(/^\s*SELECT /i, `SELECT ${q.keys.map((k, i) => `${k} AS ${keyNames[i]}`).join(', ')}, `);
  const after = ` AND (${q.keys.join(', ')}) > (${q.keys.map((_, i) => `$${params.length + i + 1}`).join(', ')})`;
  await db.kysely
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      for (let last: unknown[] | undefined; ; ) {
        const sql = `${withKeys}${last ? after : ''}${order} LIMIT ${PG_PAGE}`;
        const { rows } = await trx.executeQuery<Rec>(CompiledQuery.raw(sql, last ? [...params, ...last] : params));
        for (const r of rows) {
          last = keyNames.map((k) => r[k]);
          for (const k of keyNames) delete r[k];
          const wait = each(r);
          if (wait) await wait;
        }
        if (rows.length < PG_PAGE) return;
      }
    });
}

/** The entity's rows in id order. */
async function exportRows(db: AnyDb, entity: EntityName, where: ExportOptions['where'], each: (r: Rec) => void | Promise<void>): Promise<void> {
  const spec = SPECS[db.engine][entity];
  await streamOrdered(db, { sql: where ? `${spec.sql} AND ${where.sql}` : spec.sql, params: where?.params, keys: [`${spec.alias}.id`] }, each);
}

/**
 * Writes records to a sink as they come: CSV through the one CSV writer (a header, then batches
 * of rows), a JSON array (pretty, as JSON.stringify(all, null, 2) would write it) or NDJSON.
 */
export class RecordWriter {
  private batch: string[][] = [];
  private json = '';
  private first = true;
  private readonly eol: string;

  constructor(
    private readonly sink: Sink,
    private readonly opts: Pick<ExportOptions, 'format' | 'raw' | 'excel'>,
  ) {
    this.eol = opts.excel ? '\r\n' : '\n';
  }

  /** The CSV header (with Excel's BOM) or the JSON array's opening. */
  async start(columns: readonly string[]): Promise<void> {
    if (this.opts.format === 'csv') await this.sink.write((this.opts.excel ? '\uFEFF' : '') + csvRecords([columns], { eol: this.eol }));
    else if (this.opts.format === 'json') await this.sink.write('[');
  }

  /** One CSV row (the cells as text, in column order). */
  csv(cells: string[]): void | Promise<void> {
    this.batch.push(cells);
    if (this.batch.length >= 1000) return this.flushCsv();
  }

  /** One JSON record. */
  record(value: unknown): void | Promise<void> {
    const line = jsonEscaped(JSON.stringify(value, null, this.opts.format === 'json' ? 2 : undefined));
    if (this.opts.format === 'json') {
      this.json += (this.first ? '\n' : ',\n') + line.replace(/^/gm, '  ');
      this.first = false;
    } else this.json += line + '\n';
    if (this.json.length > 1 << 16) return this.flushJson();
  }

  async end(): Promise<void> {
    await this.flushCsv();
    await this.flushJson();
    if (this.opts.format === 'json') await this.sink.write(this.first ? ']\n' : '\n]\n');
  }

  private async flushCsv(): Promise<void> {
    if (!this.batch.length) return;
    const rows = this.batch;
    this.batch = [];
    await this.sink.write(csvRecords(rows, { raw: this.opts.raw, eol: this.eol }));
  }

  private async flushJson(): Promise<void> {
    if (!this.json) return;
    const chunk = this.json;
    this.json = '';
    await this.sink.write(chunk);
  }
}

export async function exportEntity(db: AnyDb, entity: EntityName, opts: ExportOptions, sink: Sink): Promise<number> {
  const fields = opts.fields ?? [];
  const columns = exportColumns(entity, fields);
  const out = new RecordWriter(sink, opts);
  let count = 0;
  await out.start(columns);
  await exportRows(db, entity, opts.where, (r) => {
    count++;
    if (opts.format !== 'csv') return out.record(jsonRecord(entity, r));
    if (entity === 'deals') r.amount = amountText(r.amount, r.currency);
    if (fields.length) splitCustomFields(r, fields);
    return out.csv(
      columns.map((c) => {
        const v = r[c];
        return v === null || v === undefined ? '' : String(v);
      }),
    );
  });
  await out.end();
  return count;
}
