/** Companies (accounts): rules for create, edit, archive, lookup by id or name. */
import { sql } from 'kysely';
import { diff, recordAudit } from '../db/audit.js';
import { compileFilter, compileFilterWith, parseFilter, type FilterSpec } from '../db/filter.js';
import { filterSpecFor } from './field-filters.js';
import { assertRequiredFields, fieldValuesFromSets, mergeFieldValues } from './custom-fields.js';
import { fold } from '../db/fold.js';
import type { Company } from '../db/schema.js';
import { normalizeTag, setTags, tagsFor } from '../db/tags.js';
import { changedColumns, nextTags, noChangeError } from './no-change.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { ConflictError, NotFoundError, UserError, versionConflict } from '../errors.js';
import { filterEnv, nowIso, type Session } from './session.js';
import { currentUser, resolveOwnerId } from './users.js';
import { cleanText, normalizePhone } from './validate.js';
import { bumpVersion, updateIfVersion } from '../db/versioned.js';
import { parseWarrantyDate } from './warranty.js';
import { authorize } from './permissions.js';

export interface CompanyRecord {
  id: number;
  name: string;
  domain: string | null;
  industry: string | null;
  phone: string | null;
  website: string | null;
  address: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  postalCode: string | null;
  tier: string | null;
  source: string | null;
  owner: string | null;
  /** Warranty end date (YYYY-MM-DD) of what the company bought: tickets without their own date use it. */
  warrantyUntil: string | null;
  tags: string[];
  notes: string | null;
  externalId: string | null;
  customFields: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  version: number;
}

export const COMPANY_TEXT_FIELDS = ['domain', 'industry', 'phone', 'website', 'address', 'city', 'region', 'country', 'postalCode', 'tier', 'source', 'notes', 'externalId'] as const;

export interface CompanyInput {
  name?: string;
  domain?: string;
  industry?: string;
  phone?: string;
  website?: string;
  address?: string;
  city?: string;
  region?: string;
  country?: string;
  postalCode?: string;
  tier?: string;
  source?: string;
  owner?: string;
  /** YYYY-MM-DD, or none to clear. */
  warrantyUntil?: string;
  notes?: string;
  externalId?: string;
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
  customFields?: Record<string, unknown>;
  /** Custom field values as typed (`--set name=value`), checked against the field definitions. */
  setFields?: Record<string, string>;
}

type CompanyRow = Company & { owner_handle?: string | null };

export function toCompanyRecord(c: CompanyRow, tags: string[] = []): CompanyRecord {
  return {
    id: c.id,
    name: c.name,
    domain: c.domain,
    industry: c.industry,
    phone: c.phone,
    website: c.website,
    address: c.address,
    city: c.city,
    region: c.region,
    country: c.country,
    postalCode: c.postal_code,
    tier: c.tier,
    source: c.source,
    owner: c.owner_handle ?? null,
    warrantyUntil: c.warranty_until ?? null,
    tags,
    notes: c.notes,
    externalId: c.external_id,
    customFields: c.custom_fields ? (JSON.parse(c.custom_fields) as Record<string, unknown>) : null,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    archivedAt: c.archived_at,
    version: c.version,
  };
}

function normalizeDomain(domain: string | undefined): string | null | undefined {
  if (domain === undefined) return undefined;
  const d = domain.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (d === '') return null;
  if (!/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(d)) throw new UserError(`"${domain}" is not a domain name.`, 'Write it like acme.example.');
  return d;
}

/** Column values from input (only keys the user gave). */
function columnsFrom(input: CompanyInput): Record<string, unknown> {
  const cols: Record<string, unknown> = {};
  if (input.name !== undefined) {
    const name = cleanText(input.name);
    if (!name) throw new UserError('A company needs a name.', 'crm company add "Acme Ltd"');
    cols.name = name;
    cols.name_fold = fold(name);
  }
  const domain = normalizeDomain(input.domain);
  if (domain !== undefined) cols.domain = domain;
  if (input.phone !== undefined) cols.phone = normalizePhone(input.phone);
  const plain: [keyof CompanyInput, string][] = [
    ['industry', 'industry'],
    ['website', 'website'],
    ['address', 'address'],
    ['city', 'city'],
    ['region', 'region'],
    ['country', 'country'],
    ['postalCode', 'postal_code'],
    ['tier', 'tier'],
    ['source', 'source'],
    ['notes', 'notes'],
    ['externalId', 'external_id'],
  ];
  for (const [key, col] of plain) if (input[key] !== undefined) cols[col] = cleanText(input[key] as string);
  const warranty = parseWarrantyDate(input.warrantyUntil);
  if (warranty !== undefined) cols.warranty_until = warranty;
  if (input.customFields !== undefined) cols.custom_fields = Object.keys(input.customFields).length ? JSON.stringify(input.customFields) : null;
  return cols;
}

/** The owner's handle by a scalar subquery, not a join: see contactQuery (domain/contacts.ts). */
function companyQuery(db: Trx) {
  return db.selectFrom('companies as co').selectAll('co').select((eb) => eb.selectFrom('users as ou').select('ou.handle').whereRef('ou.id', '=', 'co.owner_id').as('owner_handle'));
}

export async function loadCompanyRecord(db: Trx, id: number): Promise<CompanyRecord> {
  const row = await companyQuery(db).where('co.id', '=', id).executeTakeFirstOrThrow();
  const tags = (await tagsFor(db, 'company', [id])).get(id) ?? [];
  return toCompanyRecord(row, tags);
}

export async function addCompany(s: Session, input: CompanyInput & { name: string }, opts: { allowDuplicate?: boolean; allowMissingRequired?: boolean } = {}): Promise<CompanyRecord> {
  await authorize(s, 'company.write');
  const cols = columnsFrom(input);
  const fieldValues = await fieldValuesFromSets(s, 'company', input.setFields);
  if (fieldValues) cols.custom_fields = mergeFieldValues((cols.custom_fields as string | null) ?? null, fieldValues);
  // A company made on the side (contact add --company NEW) waits for its required fields: data-quality lists it.
  if (!opts.allowMissingRequired) await assertRequiredFields(s, 'company', (cols.custom_fields as string | null) ?? null);
  const ownerId = await resolveOwnerId(s, input.owner);
  const tags = (input.tags ?? []).map(normalizeTag);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    if (!opts.allowDuplicate) {
      const clash = await trx.selectFrom('companies').select(['id', 'name']).where('name_fold', '=', cols.name_fold as string).where('archived_at', 'is', null).executeTakeFirst();
      if (clash) {
        throw new ConflictError(`A company named "${clash.name}" already exists (#${clash.id}).`, `See it with: crm company show ${clash.id} — or add anyway with --allow-duplicate`, 'duplicate');
      }
    }
    const row = await trx
      .insertInto('companies')
      .values({ ...(cols as { name: string; name_fold: string }), owner_id: ownerId, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (tags.length) await setTags(trx, 'company', row.id, tags);
    const record = await loadCompanyRecord(trx, row.id);
    await recordAudit(trx, { entity: 'company', entityId: row.id, action: 'create', changes: diff({}, recordForAudit(record)), actor: s.actor, at });
    return record;
  });
}

function recordForAudit(r: CompanyRecord): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, version: _v, ...rest } = r;
  return rest;
}

/** A company by id or (case-insensitive, any script) unique name; archived ones only by id. */
export async function findCompany(s: Session, ref: string): Promise<Company | undefined> {
  const db = s.db.kysely;
  const r = ref.trim();
  if (/^#?\d+$/.test(r)) return db.selectFrom('companies').selectAll().where('id', '=', Number(r.replace('#', ''))).executeTakeFirst();
  const matches = await db.selectFrom('companies').selectAll().where('name_fold', '=', fold(r)).where('archived_at', 'is', null).execute();
  if (matches.length > 1) {
    throw new UserError(`"${ref}" matches ${matches.length} companies: ${matches.map((c) => `#${c.id}`).join(', ')}.`, 'Name the company by id: crm company list ' + JSON.stringify(r), 'ambiguous');
  }
  return matches[0];
}

export async function getCompany(s: Session, ref: string): Promise<Company> {
  const c = await findCompany(s, ref);
  if (!c) throw new NotFoundError(`No company "${ref}".`, `Find it with: crm company list ${JSON.stringify(ref)} — or add it: crm company add ${JSON.stringify(ref)}`);
  return c;
}

/** For `--company NAME` on contacts and deals: an existing company, or a new one (reported via onCreate). */
export async function findOrCreateCompany(s: Session, ref: string, onCreate: (c: CompanyRecord) => void): Promise<number> {
  const existing = await findCompany(s, ref);
  if (existing) {
    if (existing.archived_at) throw new UserError(`Company #${existing.id} ${existing.name} is archived.`, `Restore it first: crm company restore ${existing.id}`);
    return existing.id;
  }
  if (/^#?\d+$/.test(ref.trim())) throw new NotFoundError(`No company #${ref.replace('#', '')}.`, 'List companies with: crm company list');
  const created = await addCompany(s, { name: ref }, { allowMissingRequired: true });
  onCreate(created);
  return created.id;
}

export async function showCompany(s: Session, ref: string): Promise<CompanyRecord> {
  const c = await getCompany(s, ref);
  return loadCompanyRecord(s.db.kysely, c.id);
}

/** expectVersion: refuse unless the company is still at this version (`--if-version`). */
export async function editCompany(s: Session, ref: string, input: CompanyInput, expectVersion?: number): Promise<CompanyRecord> {
  const company = await getCompany(s, ref);
  await authorize(s, 'company.write', { label: `company #${company.id}`, ownerId: company.owner_id });
  const stale = (current: number) => versionConflict(`Company #${company.id}`, `crm company show ${company.id}`, current, expectVersion ?? company.version);
  if (expectVersion !== undefined && expectVersion !== company.version) throw stale(company.version);
  const cols = columnsFrom(input);
  const fieldValues = await fieldValuesFromSets(s, 'company', input.setFields);
  if (input.owner !== undefined) cols.owner_id = await resolveOwnerId(s, input.owner);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    // The row as it is under the write lock: only values that differ from it are written.
    // Without --if-version the edit applies to this row and waits its turn: there is nothing to conflict with.
    const row = await trx.selectFrom('companies').selectAll().where('id', '=', company.id).executeTakeFirstOrThrow();
    if (expectVersion !== undefined && row.version !== expectVersion) throw stale(row.version);
    const before = await loadCompanyRecord(trx, company.id);
    if (fieldValues) cols.custom_fields = mergeFieldValues((cols.custom_fields as string | null | undefined) ?? row.custom_fields, fieldValues);
    const changed = changedColumns(row as unknown as Record<string, unknown>, cols);
    const tags = nextTags(before.tags, input);
    const noChange = () => noChangeError('company', `#${company.id}`, cols, input, `crm company show ${company.id}`);
    if (!Object.keys(changed).length && !tags) throw noChange();
    if (!(await updateIfVersion(trx, 'companies', company.id, row.version, changed, at))) throw stale(row.version);
    if (tags) await setTags(trx, 'company', company.id, tags);
    const after = await loadCompanyRecord(trx, company.id);
    const changes = diff(recordForAudit(before), recordForAudit(after));
    // A value that differs only in form: still nothing to change (rolled back).
    if (!Object.keys(changes).length) throw noChange();
    await recordAudit(trx, { entity: 'company', entityId: company.id, action: 'update', changes, actor: s.actor, at });
    return after;
  });
}

export async function setCompanyArchived(s: Session, ref: string, archived: boolean): Promise<CompanyRecord> {
  const company = await getCompany(s, ref);
  await authorize(s, 'company.write', { label: `company #${company.id}`, ownerId: company.owner_id });
  if (Boolean(company.archived_at) === archived) {
    throw new UserError(`Company #${company.id} ${company.name} is ${archived ? 'already archived' : 'not archived'}.`, undefined, 'no_change');
  }
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    await trx
      .updateTable('companies')
      .set({ archived_at: archived ? at : null, updated_at: at, version: bumpVersion })
      .where('id', '=', company.id)
      .execute();
    await recordAudit(trx, { entity: 'company', entityId: company.id, action: archived ? 'archive' : 'restore', changes: { archivedAt: [company.archived_at, archived ? at : null] }, actor: s.actor, at });
    return loadCompanyRecord(trx, company.id);
  });
}

export const companyFilterSpec: FilterSpec = {
  entity: 'company',
  idColumn: 'co.id',
  tagEntity: 'company',
  fields: [
    { name: 'name', type: 'text', column: 'co.name' },
    { name: 'domain', type: 'text', column: 'co.domain' },
    { name: 'industry', type: 'text', column: 'co.industry' },
    { name: 'city', type: 'text', column: 'co.city' },
    { name: 'region', aliases: ['state', 'province'], type: 'text', column: 'co.region' },
    { name: 'country', type: 'text', column: 'co.country' },
    { name: 'tier', type: 'exact', column: 'co.tier' },
    { name: 'source', type: 'text', column: 'co.source' },
    { name: 'owner', type: 'user', column: 'co.owner_id' },
    { name: 'created', type: 'datetime', column: 'co.created_at' },
    { name: 'updated', type: 'datetime', column: 'co.updated_at' },
    { name: 'id', type: 'number', column: 'co.id' },
  ],
  text: (eb, folded) => eb(sql`instr(co.name_fold || ' ' || coalesce(co.domain, ''), ${folded})`, '>', 0),
};

/** The company filter with the team's custom fields and segments. */
export function companyFilterSpecFor(s: Session): Promise<FilterSpec> {
  return filterSpecFor(s, companyFilterSpec, { entity: 'company', column: 'co.custom_fields' });
}

export interface ListOptions {
  filter?: string[];
  limit?: number;
  archived?: boolean;
}

export interface CompanyListItem extends CompanyRecord {
  contacts: number;
}

export async function listCompanies(s: Session, opts: ListOptions = {}): Promise<{ rows: CompanyListItem[]; total: number }> {
  const me = await currentUser(s);
  const where = await compileFilterWith(parseFilter(opts.filter ?? []), () => companyFilterSpecFor(s), filterEnv(s, me));
  let base = s.db.kysely.selectFrom('companies as co');
  base = opts.archived ? base.where('co.archived_at', 'is not', null) : base.where('co.archived_at', 'is', null);
  if (where) base = base.where(where);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  let q = base
    .selectAll('co')
    .select((eb) => eb.selectFrom('users as ou').select('ou.handle').whereRef('ou.id', '=', 'co.owner_id').as('owner_handle'))
    .select((eb) => eb.selectFrom('contacts').select(eb.fn.countAll<number>().as('n')).whereRef('contacts.company_id', '=', 'co.id').where('contacts.archived_at', 'is', null).as('contact_count'))
    .orderBy('co.name_fold')
    .orderBy('co.id');
  if (opts.limit) q = q.limit(opts.limit);
  const rows = await q.execute();
  const tags = await tagsFor(s.db.kysely, 'company', rows.map((r) => r.id));
  return { rows: rows.map((r) => ({ ...toCompanyRecord(r, tags.get(r.id) ?? []), contacts: Number(r.contact_count ?? 0) })), total };
}
