/**
 * The six importable entities: their fields (with the header spellings that map to them),
 * natural keys, and how one row becomes column values — using the same validation as the
 * domain (normalizeEmail, normalizePhone, tags, handles, search_text as addContact computes it).
 */
import { fold, phoneDigits } from '../db/fold.js';
import { normalizeTag } from '../db/tags.js';
import { LIFECYCLES, searchText } from '../domain/contacts.js';
import { parseAmount as parseDealAmount, parseOverride } from '../domain/deals.js';
import { isCurrencyCode, Money } from '../domain/money.js';
import { formatPriceList, parsePrice, parsePriceList, parseSku, productColumns, type ProductInput } from '../domain/products.js';
import { customSearchText, parseFieldValue } from '../domain/custom-fields.js';
import { NOT_YES_NO, yesNo } from '../domain/yes-no.js';
import { handleFromName, normalizeHandle, ROLES, validateTimeZone } from '../domain/users.js';
import { cleanText, normalizeEmail, normalizePhone, splitName } from '../domain/validate.js';
import { CrmError, UsageError } from '../errors.js';
import type { SlaPolicy } from '../db/schema.js';
import { matchPolicy } from '../domain/sla-policies.js';
import { rateRefusal } from '../domain/tickets.js';
import { DateError, parseDate, parseDateTime } from './dates.js';
import type { ImportEnv, ImportOptions, Row } from './importer.js';
import { headerKey, type FieldDef, type Mapping } from './mapping.js';
import { RowError, type MappedRow } from './row.js';

export type EntityName = 'contacts' | 'companies' | 'deals' | 'activities' | 'tickets' | 'users' | 'products';
export const ENTITY_NAMES: EntityName[] = ['contacts', 'companies', 'deals', 'activities', 'tickets', 'users', 'products'];
export type MatchKey = 'email' | 'external-id' | 'name' | 'handle' | 'sku';

export interface Converted {
  /** Columns compared with the stored record and written on create and update. */
  cols: Row;
  /** Columns written only when creating (created_at, default owner…). */
  createDefaults: Row;
  keys: Partial<Record<MatchKey, string | null>>;
  custom: Record<string, unknown> | null;
  tags?: string[];
  keyName?: MatchKey;
  keyValue?: string;
  /** Entity-specific values for the after-write hooks. */
  extra: Record<string, any>;
  /**
   * A required value (a contact's name, a deal's title) whose cell is empty: the row cannot
   * create a record, but with --empty keep it may still update one it matches by key.
   */
  incomplete?: RowError;
  /** The file has no column for that value at all (a price update by SKU): it may update a record under --empty clear too. */
  incompleteByAbsence?: boolean;
  /** The child set this row wants (ChildSet.wanted), once compared with the stored one. */
  child?: string;
}

/**
 * Rows of a child table replaced whole per record, as tags are (a product's price list): the
 * importer compares the stored set with the one the row wants, writes it, and keeps the old one
 * in the run so `crm import undo` restores it. A set travels as one canonical text.
 */
export interface ChildSet {
  /** Its name in the changes, the audit entry and the undo record: "prices". */
  field: string;
  /** The stored set as canonical text ('' when empty). */
  read(sqlite: ImportEnv['sqlite'], id: number): string;
  /** The set the row wants, from the stored one ('' for a new record); undefined when the row says nothing about it. */
  wanted(conv: Converted, stored: string): string | undefined;
  write(sqlite: ImportEnv['sqlite'], id: number, canonical: string): void;
}

export interface EntitySpec {
  name: EntityName;
  singular: string;
  table: string;
  auditEntity: string;
  /** A permission a real import of this entity needs besides import.run (the catalogue's own). */
  permission?: string;
  tagEntity?: string;
  fields: FieldDef[];
  customFields: boolean;
  matchKeys: MatchKey[];
  defaultMatch: MatchKey[];
  keySql: Partial<Record<MatchKey, string>>;
  /**
   * Match keys whose value is the text MappedRow.get gives for one field (named here), trimmed
   * and perhaps lower-cased, and nothing else — a field no row feeds through useColumn. Their
   * repeats can be spotted in the raw cells while a bulk load is parsed (key-cells.ts).
   */
  cellKeys?: Partial<Record<MatchKey, string>>;
  /** The field holding each key (for error messages). */
  keyField: Partial<Record<MatchKey, string>>;
  convert(r: MappedRow, env: ImportEnv): Converted;
  /** Derived columns (search_text, name_fold) from the values being written and the stored row. */
  derive?(values: Row, existing: Row | null, conv: Converted): void;
  contentCandidates?(env: ImportEnv, conv: Converted): number[];
  afterInsert?(env: ImportEnv, id: number, conv: Converted): void;
  /** Before an update is compared with the stored record: drop what must not change it (or refuse the row: RowError). */
  beforeUpdate?(existing: Row, conv: Converted): void;
  /** Before a new record is queued: refuse the row (RowError) when what it creates breaks a rule. */
  beforeInsert?(conv: Converted): void;
  /** Returns ids of event rows it wrote (removed again by undo). */
  afterUpdate?(env: ImportEnv, id: number, existing: Row, conv: Converted): { table: string; id: number }[];
  /** Event-log files: a later row for the same record may change it (ITSM state changes). */
  /** Event-log files: the time of the state a row describes; older rows leave the record alone. */
  updatedAtFrom?(conv: Converted): string | undefined;
  adjustMapping?(keys: string[]): Map<number, string>;
  checkMapping?(m: Mapping, opts: ImportOptions): void;
  fieldOfColumn?: Record<string, string>;
  /** The stored columns a field feeds, where they are not just the field's own name (--empty keep). */
  fieldColumns?: Record<string, string[]>;
  childSet?: ChildSet;
}

const f = (name: string, ...aliases: string[]): FieldDef => ({ name, aliases: aliases.map(headerKey) });

// ---------------------------------------------------------------- value helpers

function domainCall<T>(r: MappedRow, field: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CrmError) r.fail(field, err.message.replace(/\.$/, ''));
    throw err;
  }
}

/** An `active` cell (users, products): the domain's yes/no words and active/inactive/archived; empty is active. */
function activeCell(r: MappedRow): boolean {
  const v = r.get('active');
  if (v === null) return true;
  const active = yesNo(v, { active: true });
  if (active === undefined) r.fail('active', NOT_YES_NO);
  return active;
}

function text(r: MappedRow, cols: Row, field: string, col: string): void {
  if (r.has(field)) cols[col] = cleanText(r.get(field));
}

function dateTime(r: MappedRow, env: ImportEnv, field: string): string | null {
  const v = r.get(field);
  if (v === null) return null;
  try {
    return parseDateTime(v, env.opts.dateOrder, env.timeZone, env.opts.dateReading);
  } catch (err) {
    if (err instanceof DateError) r.fail(field, err.message);
    throw err;
  }
}

function date(r: MappedRow, env: ImportEnv, field: string): string | null {
  const v = r.get(field);
  if (v === null) return null;
  try {
    return parseDate(v, env.opts.dateOrder, env.opts.dateReading);
  } catch (err) {
    if (err instanceof DateError) r.fail(field, err.message);
    throw err;
  }
}

function integer(r: MappedRow, field: string, min: number, max: number): number | null {
  const v = r.get(field);
  if (v === null) return null;
  const m = /^(-?\d+)(?:\.0+)?$/.exec(v.replace(/%$/, '').trim());
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) r.fail(field, `must be a whole number from ${min} to ${max}`);
  return n;
}

function tagsOf(r: MappedRow, field = 'tags'): string[] | undefined {
  if (!r.has(field)) return undefined;
  const v = r.get(field);
  if (v === null) return [];
  return v
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => domainCall(r, field, () => normalizeTag(t.replace(/\s+/g, '-'))));
}

function customOf(r: MappedRow, env: ImportEnv): Record<string, unknown> | null {
  let custom: Record<string, unknown> | null = r.custom();
  const json = r.get('custom_fields');
  if (json !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      r.fail('custom_fields', 'is not a JSON object');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) r.fail('custom_fields', 'is not a JSON object');
    custom = { ...(parsed as Record<string, unknown>), ...custom };
  }
  return custom && typedCustom(custom, env);
}

/**
 * Cells of columns named like a custom field (its name, or "National ID" for national_id) are
 * checked by the field's own validator, the one --set uses, and kept under the field's name.
 * Values from a custom_fields JSON cell are already typed and stay as they are.
 */
function typedCustom(custom: Record<string, unknown>, env: ImportEnv): Record<string, unknown> | null {
  const defs = env.fieldDefinitions();
  if (!defs.length) return custom;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(custom)) {
    const def = typeof value === 'string' ? defs.find((d) => headerKey(d.name) === headerKey(key)) : undefined;
    if (!def) {
      out[key] = value;
      continue;
    }
    try {
      const parsed = parseFieldValue(def, value as string);
      if (parsed !== null) out[def.name] = parsed;
    } catch (err) {
      if (err instanceof CrmError) throw new RowError(key, value as string, err.message.replace(/^[a-z0-9_]+: "[^"]*" /, '').replace(/\.$/, ''));
      throw err;
    }
  }
  return Object.keys(out).length ? out : null;
}

/**
 * A deal amount in a cell, parsed by the rule `crm deal add --amount` uses (the domain's
 * parseAmount: no negative amounts, none too large): "1250", "1,250.50", "$1,250.50",
 * "1250 EUR", "500000.0". Exact: digits only, never a float. A currency in the cell wins over
 * --currency.
 */
export function parseAmount(raw: string, fallbackCurrency: string | undefined): { minor: number; currency: string } | { error: string } {
  try {
    const m = parseDealAmount(raw, fallbackCurrency, undefined);
    const minor = Number(m.minor);
    if (!Number.isSafeInteger(minor)) return { error: `"${raw}" is too large` };
    return { minor, currency: m.currency };
  } catch (err) {
    if (err instanceof CrmError) return { error: err.message.replace(/\.$/, '') + (err.code === 'missing_currency' ? ' (pass --currency USD or map a currency column)' : '') };
    throw err;
  }
}

function emailOf(r: MappedRow, field: string): string | null {
  return domainCall(r, field, () => normalizeEmail(r.get(field)));
}

/**
 * A phone cell that is not a phone number ("pager", "phone work" in address-book samples)
 * does not reject the row: the text is kept as a custom field under its column and reported.
 */
function softPhone(r: MappedRow, env: ImportEnv, cols: Row, field: string, kept: Record<string, string>): void {
  if (!r.has(field)) return;
  try {
    cols[field] = normalizePhone(r.get(field), field);
  } catch (err) {
    if (!(err instanceof CrmError)) throw err;
    const column = r.column(field);
    kept[column] = r.get(field)!;
    env.warn(r.row, column, r.get(field)!, `not a ${field} number; kept as a custom field`);
  }
}

const googlePairs = new WeakMap<Mapping, [number, number][]>();

/**
 * Google Contacts exports phones as "Phone N - Type" / "Phone N - Value" pairs, the type per row
 * (Mobile, Work, Home, Main, Pager, Work Fax…). Unless --map chose columns: the first Mobile
 * number is the mobile, the first other voice number the phone; the rest stay custom fields.
 */
function googlePhones(r: MappedRow): void {
  if (r.mapping.fields.has('phone') || r.mapping.fields.has('mobile')) return;
  let pairs = googlePairs.get(r.mapping);
  if (!pairs) {
    pairs = [];
    r.mapping.header.forEach((h, i) => {
      const m = /^Phone (\d+) - Type$/i.exec(h);
      const v = m ? r.mapping.header.findIndex((x) => x.toLowerCase() === `phone ${m[1]} - value`) : -1;
      if (m && v >= 0) pairs!.push([i, v]);
    });
    googlePairs.set(r.mapping, pairs);
  }
  let phone: number | undefined;
  let mobile: number | undefined;
  for (const [t, v] of pairs) {
    if (!r.cells[v]?.trim()) continue;
    const type = (r.cells[t] ?? '').replace(/^\*\s*/, '').trim().toLowerCase();
    if (type === 'mobile') mobile ??= v;
    else if (!/fax|pager/.test(type)) phone ??= v;
  }
  if (phone !== undefined) r.useColumn('phone', phone);
  if (mobile !== undefined) r.useColumn('mobile', mobile);
}

function ownerOf(r: MappedRow, env: ImportEnv, field = 'owner'): number | null {
  const v = r.get(field);
  if (v === null || v.toLowerCase() === 'none') return null;
  return env.userId(v, r, field, handleFromName);
}

/** A required value is missing: the row may still update a record it matches (see Converted.incomplete). */
function incomplete(r: MappedRow, field: string, reason: string): RowError {
  return new RowError(r.column(field), '', reason);
}

function baseConverted(): Converted {
  return { cols: {}, createDefaults: {}, keys: {}, custom: null, extra: {} };
}

function stamp(conv: Converted, env: ImportEnv, created: string | null): void {
  conv.createDefaults.created_at = created ?? env.now;
  conv.createDefaults.updated_at = env.now;
}

/** Ids of rows whose columns equal the given values (content match for rows without a key). */
function candidates(env: ImportEnv, table: string, where: Record<string, unknown>): number[] {
  return env.contentMatches(table, where);
}

function normalizeDomain(r: MappedRow, field = 'domain'): string | null {
  const v = r.get(field);
  if (v === null) return null;
  const d = v.toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/.*$/, '');
  if (!/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(d)) r.fail(field, 'is not a domain name (acme.example)');
  return d;
}

// ---------------------------------------------------------------- contacts

const ASCII = /^[\x00-\x7f]*$/;

const ASCII_NO_SPACE = /^[\x21-\x7e]*$/;

/** fold() for ASCII text, where NFKC and the Arabic-script rules change nothing. */
function fastFold(t: string | null | undefined): string {
  if (!t) return '';
  if (ASCII_NO_SPACE.test(t)) return t.toLowerCase(); // nothing to collapse or trim
  return ASCII.test(t) ? t.toLowerCase().replace(/\s+/g, ' ').trim() : fold(t);
}

/**
 * searchText() of the contacts domain, with the ASCII fast path (same result; tested). With
 * emailNorm — the address lower-cased, as email_norm holds it — a printable-ASCII address is not
 * folded again. The words are joined once: the string comes out flat, where joining them one by
 * one made a rope that SQLite's binding then flattened (together ~40 ms of 1M rows).
 */
export function fastSearchText(first: string | null | undefined, last: string | null | undefined, email: string | null | undefined, phone: string | null | undefined, mobile: string | null | undefined, emailNorm?: string | null): string {
  const words: string[] = [];
  addWord(words, fastFold(first));
  addWord(words, fastFold(last));
  addWord(words, emailNorm && email && ASCII_NO_SPACE.test(email) ? emailNorm : fastFold(email));
  addWord(words, phone);
  addWord(words, phoneDigits(phone));
  addWord(words, mobile);
  addWord(words, phoneDigits(mobile));
  return words.join(' ');
}

function addWord(words: string[], word: string | null | undefined): void {
  if (word) words.push(word);
}

const CONTACT_FIELDS: FieldDef[] = [
  f('name', 'name', 'full name', 'fullname', 'display name', 'contact name', 'customer name', 'contact'),
  f('first_name', 'first name', 'firstname', 'given name', 'forename', 'first'),
  f('last_name', 'last name', 'lastname', 'family name', 'surname', 'last'),
  f('prefix', 'prefix', 'name prefix', 'salutation'),
  f('title', 'job title', 'title', 'position', 'organization 1 - title', 'occupation'),
  f('email', 'email', 'e-mail', 'email address', 'e-mail address', 'primary email', 'e-mail 1 - value', 'email 1', 'work email', 'email work', 'business email', 'customer email', 'home email', 'email home', 'personal email', 'email other'),
  f('phone', 'phone', 'phone number', 'telephone', 'tel', 'work phone', 'business phone', 'primary phone', 'home phone', 'other phone'),
  f('mobile', 'mobile', 'mobile phone', 'mobile number', 'cell', 'cell phone', 'home mobile'),
  f('company', 'company', 'company name', 'organization', 'organisation', 'organization 1 - name', 'account', 'account name', 'employer'),
  f('company_role', 'company role', 'role'),
  f('lifecycle', 'lifecycle', 'lifecycle stage', 'lead status'),
  f('source', 'source', 'lead source', 'original source', 'how did you hear about us'),
  f('owner', 'owner', 'contact owner', 'sales rep', 'rep'),
  f('notes', 'notes', 'note', 'comments', 'description'),
  f('tags', 'tags', 'tag', 'labels', 'categories'),
  f('external_id', 'external id', 'id', 'contact id', 'record id'),
  f('created', 'created', 'created at', 'created date', 'create date', 'date created'),
  f('custom_fields', 'custom fields'),
];

const contacts: EntitySpec = {
  name: 'contacts',
  singular: 'contact',
  table: 'contacts',
  auditEntity: 'contact',
  tagEntity: 'contact',
  fields: CONTACT_FIELDS,
  customFields: true,
  matchKeys: ['email', 'external-id', 'name'],
  defaultMatch: ['email', 'external-id'],
  keySql: {
    email: 'SELECT id FROM contacts WHERE email_norm = ?',
    'external-id': 'SELECT id FROM contacts WHERE external_id = ?',
    name: "SELECT id FROM contacts WHERE crm_fold(first_name || ' ' || last_name) = ? ORDER BY archived_at IS NOT NULL, id LIMIT 1",
  },
  // email: normalizeEmail (trims) then lower-cased; external id: cleanText (trims).
  cellKeys: { email: 'email', 'external-id': 'external_id' },
  keyField: { email: 'email', 'external-id': 'external_id', name: 'name' },
  fieldOfColumn: { owner_id: 'owner', company_id: 'company', email_norm: 'email' },
  fieldColumns: { name: ['first_name', 'last_name'], email: ['email', 'email_norm'], company: ['company_id'], owner: ['owner_id'] },
  checkMapping(m) {
    if (!m.fields.has('name') && !m.fields.has('first_name') && !m.fields.has('last_name')) {
      throw new UsageError('The file has no column for the contact name.', 'Map one: --map "Full Name=name" (or first_name / last_name; see --show-mapping).');
    }
  },
  /** Outlook calls the prefix (Mr., Dr.) "Title" and the job "Job Title". */
  adjustMapping(keys) {
    const m = new Map<number, string>();
    if (keys.includes('jobtitle')) keys.forEach((k, i) => k === 'title' && m.set(i, 'prefix'));
    return m;
  },
  convert(r: MappedRow, env: ImportEnv) {
    const conv = baseConverted();
    const c = conv.cols;
    let first = r.get('first_name');
    let last = r.get('last_name');
    const name = r.get('name');
    const split = first === null && last === null && name !== null;
    if (split) ({ first, last } = splitName(name));
    if (r.has('name') || r.has('first_name') || r.has('last_name')) {
      if (!first && !last) conv.incomplete = incomplete(r, r.has('name') ? 'name' : 'last_name', 'a contact needs a name');
      else {
        // A part no column gives (a file with first names only) is not given: '' for a new
        // contact, the stored one otherwise.
        if (split || r.has('first_name')) c.first_name = first ?? '';
        else conv.createDefaults.first_name = '';
        if (split || r.has('last_name')) c.last_name = last ?? '';
        else conv.createDefaults.last_name = '';
      }
    } else {
      r.fail('name', 'a contact needs a name (map a column with --map "Column=name")');
    }
    if (r.has('email')) {
      c.email = emailOf(r, 'email');
      c.email_norm = c.email ? (c.email as string).toLowerCase() : null;
    }
    const kept: Record<string, string> = {};
    googlePhones(r);
    softPhone(r, env, c, 'phone', kept);
    softPhone(r, env, c, 'mobile', kept);
    text(r, c, 'prefix', 'prefix');
    text(r, c, 'title', 'title');
    text(r, c, 'company_role', 'company_role');
    text(r, c, 'source', 'source');
    text(r, c, 'notes', 'notes');
    text(r, c, 'external_id', 'external_id');
    if (r.has('lifecycle')) {
      const l = r.get('lifecycle')?.toLowerCase() ?? 'lead';
      if (!(LIFECYCLES as string[]).includes(l)) r.fail('lifecycle', `must be one of ${LIFECYCLES.join(', ')}`);
      c.lifecycle = l;
    }
    if (r.has('company')) {
      const co = r.get('company');
      c.company_id = co === null ? null : env.companyId(co, r, 'company', true, fold);
    }
    if (r.has('owner')) c.owner_id = ownerOf(r, env);
    else conv.createDefaults.owner_id = env.actorUserId();
    stamp(conv, env, r.has('created') ? dateTime(r, env, 'created') : null);
    conv.custom = customOf(r, env);
    if (Object.keys(kept).length) conv.custom = { ...conv.custom, ...kept };
    conv.tags = tagsOf(r);
    conv.keys = { email: (c.email_norm as string | null) ?? null, 'external-id': (c.external_id as string | null) ?? null };
    if (env.opts.match?.includes('name') && !conv.incomplete) conv.keys.name = fastFold(`${first ?? ''} ${last ?? ''}`);
    return conv;
  },
  derive(values, existing) {
    if (!existing) {
      values.search_text = fastSearchText(values.first_name as string, values.last_name as string, values.email as string | null, values.phone as string | null, values.mobile as string | null, values.email_norm as string | null);
      // Custom field values are searchable too (crm contact find), as addContact makes them.
      if (values.custom_fields) values.search_text = [values.search_text, fold(customSearchText(values.custom_fields as string))].filter(Boolean).join(' ');
    } else if (['first_name', 'last_name', 'email', 'phone', 'mobile', 'custom_fields'].some((k) => k in values)) {
      const merged = { ...existing, ...values } as Parameters<typeof searchText>[0];
      values.search_text = searchText(merged);
    }
  },
  contentCandidates(env, conv) {
    return candidates(env, 'contacts', { first_name: conv.cols.first_name ?? conv.createDefaults.first_name, last_name: conv.cols.last_name ?? conv.createDefaults.last_name });
  },
};

// ---------------------------------------------------------------- companies

const companies: EntitySpec = {
  name: 'companies',
  singular: 'company',
  table: 'companies',
  auditEntity: 'company',
  tagEntity: 'company',
  fields: [
    f('name', 'name', 'company', 'company name', 'account', 'account name', 'organization', 'organisation'),
    f('domain', 'domain', 'company domain name', 'email domain'),
    f('industry', 'industry', 'sector'),
    f('phone', 'phone', 'phone number', 'telephone', 'main phone'),
    f('website', 'website', 'web site', 'url', 'homepage', 'website url'),
    f('address', 'address', 'street', 'street address', 'billing street', 'billingstreet'),
    f('city', 'city', 'billing city', 'town'),
    f('region', 'region', 'state', 'province', 'state/region', 'billing state', 'state/province'),
    f('country', 'country', 'billing country', 'country/region'),
    f('postal_code', 'postal code', 'zip', 'zip code', 'postcode', 'billing postal code', 'billing zip'),
    f('tier', 'tier', 'rank', 'rating'),
    f('source', 'source', 'lead source', 'account source'),
    f('owner', 'owner', 'account owner', 'company owner'),
    f('notes', 'notes', 'note', 'description', 'about'),
    f('tags', 'tags', 'tag', 'labels'),
    f('external_id', 'external id', 'id', 'account id', 'company id', 'record id'),
    f('created', 'created', 'created at', 'created date', 'create date'),
    f('custom_fields', 'custom fields'),
  ],
  customFields: true,
  matchKeys: ['external-id', 'name'],
  defaultMatch: ['external-id', 'name'],
  checkMapping(m) {
    if (!m.fields.has('name')) throw new UsageError('The file has no column for the company name.', 'Map one: --map "Account=name" (see --show-mapping).');
  },
  keySql: {
    'external-id': 'SELECT id FROM companies WHERE external_id = ?',
    name: 'SELECT id FROM companies WHERE name_fold = ? ORDER BY archived_at IS NOT NULL, id LIMIT 1',
  },
  keyField: { 'external-id': 'external_id', name: 'name' },
  fieldOfColumn: { owner_id: 'owner' },
  fieldColumns: { owner: ['owner_id'] },
  convert(r: MappedRow, env: ImportEnv) {
    const conv = baseConverted();
    const c = conv.cols;
    const name = r.get('name');
    if (name === null) conv.incomplete = incomplete(r, 'name', 'a company needs a name');
    else c.name = name;
    if (r.has('domain')) c.domain = normalizeDomain(r);
    const kept: Record<string, string> = {};
    softPhone(r, env, c, 'phone', kept);
    for (const k of ['industry', 'website', 'address', 'city', 'region', 'country', 'postal_code', 'tier', 'source', 'notes', 'external_id']) text(r, c, k, k);
    if (r.has('owner')) c.owner_id = ownerOf(r, env);
    else conv.createDefaults.owner_id = env.actorUserId();
    stamp(conv, env, r.has('created') ? dateTime(r, env, 'created') : null);
    conv.custom = customOf(r, env);
    if (Object.keys(kept).length) conv.custom = { ...conv.custom, ...kept };
    conv.tags = tagsOf(r);
    conv.keys = { 'external-id': (c.external_id as string | null) ?? null, name: name === null ? null : fold(name) };
    return conv;
  },
  derive(values) {
    if ('name' in values) values.name_fold = fold(values.name as string);
  },
  afterInsert(env, id, conv) {
    env.noteCompany(id, fold(conv.cols.name as string), (conv.cols.external_id as string | null) ?? null);
  },
};

// ---------------------------------------------------------------- users

const users: EntitySpec = {
  name: 'users',
  singular: 'user',
  table: 'users',
  auditEntity: 'user',
  fields: [
    f('handle', 'handle', 'username', 'user name', 'login', 'alias'),
    f('name', 'name', 'full name', 'display name', 'sales agent', 'agent', 'rep', 'user'),
    f('email', 'email', 'e-mail', 'email address'),
    f('role', 'role', 'profile'),
    f('team', 'team', 'regional office', 'office', 'department', 'group'),
    f('timezone', 'timezone', 'time zone', 'tz'),
    f('active', 'active', 'is active', 'enabled'),
    f('created', 'created', 'created at', 'created date'),
  ],
  customFields: false,
  matchKeys: ['handle', 'email'],
  defaultMatch: ['handle'],
  checkMapping(m) {
    if (!m.fields.has('name') && !m.fields.has('handle')) throw new UsageError('The file has no column for the user name or handle.', 'Map one: --map "sales_agent=name" (see --show-mapping).');
  },
  keySql: { handle: 'SELECT id FROM users WHERE handle = ?', email: 'SELECT id FROM users WHERE lower(email) = ?' },
  keyField: { handle: 'handle', email: 'email' },
  convert(r: MappedRow, env: ImportEnv) {
    const conv = baseConverted();
    const c = conv.cols;
    const name = r.get('name');
    const handleRaw = r.get('handle');
    if (handleRaw === null && name === null) r.fail('name', 'a user needs a handle or a name');
    c.handle = handleRaw !== null ? domainCall(r, 'handle', () => normalizeHandle(handleRaw)) : handleFromName(name!);
    if (r.has('name') || handleRaw === null) c.name = name ?? c.handle;
    else conv.createDefaults.name = c.handle;
    if (r.has('email')) c.email = emailOf(r, 'email');
    if (r.has('role')) {
      const role = r.get('role')?.toLowerCase() ?? 'rep';
      if (!(ROLES as readonly string[]).includes(role)) r.fail('role', `must be one of ${ROLES.join(', ')}`);
      c.role = role;
    }
    text(r, c, 'team', 'team');
    if (r.has('timezone')) c.timezone = domainCall(r, 'timezone', () => validateTimeZone(r.get('timezone') ?? '') ?? null);
    if (r.has('active')) {
      c.active = activeCell(r) ? 1 : 0;
    }
    stamp(conv, env, r.has('created') ? dateTime(r, env, 'created') : null);
    conv.keys = { handle: c.handle as string, email: (c.email as string | null)?.toLowerCase() ?? null };
    return conv;
  },
  afterInsert(env, id, conv) {
    env.noteUser(id, conv.cols.handle as string, (conv.cols.name ?? conv.createDefaults.name) as string);
  },
};

// ---------------------------------------------------------------- deals

function currencyFor(r: MappedRow, env: ImportEnv): string | undefined {
  const col = r.get('currency');
  if (col !== null) {
    if (!isCurrencyCode(col)) r.fail('currency', 'is not an ISO currency code (USD, EUR, JPY…)');
    return col.toUpperCase();
  }
  return env.opts.currency?.toUpperCase();
}

function contactRef(r: MappedRow, env: ImportEnv, field: string): number | null {
  const v = r.get(field);
  if (v === null) return null;
  if (v.includes('@')) {
    const hit = env.stmt('SELECT id FROM contacts WHERE email_norm = ?').get(v.toLowerCase()) as { id: number } | undefined;
    if (hit) return hit.id;
    r.fail(field, `no contact with email ${v}`);
  }
  const hits = env.stmt("SELECT id FROM contacts WHERE crm_fold(first_name || ' ' || last_name) = ? AND archived_at IS NULL LIMIT 2").all(fold(v)) as { id: number }[];
  if (hits.length === 1) return hits[0]!.id;
  r.fail(field, hits.length ? `more than one contact is named "${v}"; use the email` : `no contact named "${v}"`);
}

const deals: EntitySpec = {
  name: 'deals',
  singular: 'deal',
  table: 'deals',
  auditEntity: 'deal',
  tagEntity: 'deal',
  fields: [
    f('title', 'title', 'name', 'deal name', 'deal', 'opportunity name', 'opportunity', 'subject'),
    f('company', 'company', 'account', 'account name', 'company name', 'account id', 'organization'),
    f('company_domain', 'company domain', 'company domain name', 'associated company domain', 'account domain'),
    f('contact', 'contact', 'primary contact', 'contact email', 'contact id'),
    f('amount', 'amount', 'value', 'deal value', 'deal amount', 'close value', 'opportunity amount'),
    f('currency', 'currency', 'currency code', 'currency iso code', 'currencyisocode'),
    f('stage', 'stage', 'deal stage', 'stage name', 'stagename', 'pipeline stage', 'status'),
    // Open / won / lost beside the stage (Pipedrive's "Deal - Status": a won deal keeps the stage it was won from).
    f('outcome', 'outcome', 'deal outcome'),
    f('probability', 'probability', 'probability (%)', 'win probability'),
    f('expected_close', 'expected close', 'expected close date', 'close date', 'closedate'),
    f('owner', 'owner', 'deal owner', 'opportunity owner', 'owner id', 'ownerid', 'sales agent', 'sales rep', 'rep'),
    f('source', 'source', 'lead source', 'deal source'),
    f('lost_reason', 'lost reason', 'reason lost', 'closed lost reason'),
    f('created', 'created', 'created at', 'created date', 'createddate', 'create date', 'engage date'),
    f('closed', 'closed', 'closed at', 'actual close date', 'won at', 'lost at', 'date closed'),
    f('tags', 'tags', 'tag', 'labels'),
    f('external_id', 'external id', 'id', 'opportunity id', 'deal id', 'record id'),
    f('custom_fields', 'custom fields'),
  ],
  customFields: true,
  matchKeys: ['external-id', 'name'],
  defaultMatch: ['external-id'],
  keySql: {
    'external-id': 'SELECT id FROM deals WHERE external_id = ?',
    name: 'SELECT id FROM deals WHERE crm_fold(title) = ? ORDER BY archived_at IS NOT NULL, id LIMIT 1',
  },
  keyField: { 'external-id': 'external_id', name: 'title' },
  fieldOfColumn: { amount_minor: 'amount', stage_id: 'stage', pipeline_id: 'stage', company_id: 'company', owner_id: 'owner', contact_id: 'contact', won_at: 'closed', lost_at: 'closed' },
  fieldColumns: {
    company: ['company_id'],
    company_domain: ['company_id'],
    contact: ['contact_id'],
    amount: ['amount_minor', 'currency'],
    stage: ['stage_id', 'pipeline_id', 'won_at', 'lost_at'],
    outcome: ['stage_id', 'pipeline_id', 'won_at', 'lost_at'],
    closed: ['won_at', 'lost_at'],
    owner: ['owner_id'],
  },
  checkMapping(m) {
    if (!m.fields.has('title')) throw new UsageError('The file has no column for the deal title.', 'Map one: --map "Product=title" (see --show-mapping).');
  },
  convert(r: MappedRow, env: ImportEnv) {
    const conv = baseConverted();
    const c = conv.cols;
    const title = r.get('title');
    if (title === null) conv.incomplete = incomplete(r, 'title', 'a deal needs a title');
    else c.title = title;
    if (r.has('company')) {
      const co = r.get('company');
      c.company_id = co === null ? null : env.companyId(co, r, 'company', false, fold);
    }
    // A deal attached to its company by the company's web domain (HubSpot's "Company Domain Name").
    if (r.has('company_domain') && (c.company_id === undefined || c.company_id === null)) {
      const domain = normalizeDomain(r, 'company_domain');
      if (domain !== null) c.company_id = env.companyByDomain(domain, r, 'company_domain');
      else if (!r.has('company')) c.company_id = null;
    }
    if (r.has('contact')) c.contact_id = contactRef(r, env, 'contact');
    const currency = currencyFor(r, env);
    if (r.has('amount')) {
      const a = r.get('amount');
      if (a === null) {
        c.amount_minor = 0;
        if (currency) c.currency = currency;
      } else {
        const parsed = parseAmount(a, currency);
        if ('error' in parsed) r.fail('amount', parsed.error);
        c.amount_minor = parsed.minor;
        c.currency = parsed.currency;
      }
    } else if (currency) c.currency = currency;
    // A new deal of no amount and no currency is in the team's currency, as `crm deal add` makes it.
    if (c.currency === undefined && env.opts.homeCurrency) conv.createDefaults.currency = env.opts.homeCurrency;
    let kind = 'open';
    // A won or lost outcome puts the deal in the Won or Lost stage whatever stage the file names.
    const outcome = r.get('outcome')?.trim().toLowerCase() ?? null;
    if (outcome !== null && !['open', 'won', 'lost', 'deleted'].includes(outcome)) r.fail('outcome', `"${r.get('outcome')}" is not open, won or lost`);
    const s = outcome === 'won' ? 'Won' : outcome === 'lost' ? 'Lost' : r.get('stage');
    // An empty stage cell is no stage given (--empty keep): a new deal starts in the first stage.
    if (s === null && r.has('stage') && env.opts.empty === 'clear') r.fail('stage', 'a deal needs a stage');
    if (s !== null) {
      const st = env.stage(s, r, 'stage', fold);
      c.stage_id = st.id;
      c.pipeline_id = st.pipelineId;
      kind = st.kind;
    } else {
      const st = env.stage('Prospecting', r, 'stage', fold);
      conv.createDefaults.stage_id = st.id;
      conv.createDefaults.pipeline_id = st.pipelineId;
    }
    if (r.has('probability')) {
      const p = r.get('probability');
      c.probability = p === null ? null : domainCall(r, 'probability', () => parseOverride(p) ?? null); // as deal add --probability
    }
    if (r.has('expected_close')) c.expected_close = date(r, env, 'expected_close');
    if (r.has('owner')) c.owner_id = ownerOf(r, env);
    else conv.createDefaults.owner_id = env.actorUserId();
    text(r, c, 'source', 'source');
    text(r, c, 'lost_reason', 'lost_reason');
    text(r, c, 'external_id', 'external_id');
    const created = r.has('created') ? dateTime(r, env, 'created') : null;
    stamp(conv, env, created);
    // A won or lost deal closed when the file says (closed, else the close date), never "now" on re-import.
    const closedRaw = r.has('closed') ? dateTime(r, env, 'closed') : null;
    const closed = closedRaw ?? (c.expected_close ? parseDateTime(c.expected_close as string, 'YMD', env.timeZone) : null);
    if (closed && created && closed < created) env.warn(r.row, r.column(closedRaw ? 'closed' : 'expected_close'), closed.slice(0, 10), `closes before the deal was created (${created.slice(0, 10)}); imported as given`);
    if (c.stage_id !== undefined) {
      c.won_at = null;
      c.lost_at = null;
      if (kind === 'won' || kind === 'lost') {
        const col = kind === 'won' ? 'won_at' : 'lost_at';
        if (closed) c[col] = closed;
        else {
          delete c[col];
          conv.createDefaults[col] = created ?? env.now;
        }
      }
    }
    conv.extra.enteredAt = kind !== 'open' ? (closed ?? created ?? env.now) : (created ?? env.now);
    conv.createDefaults.stage_entered_at = conv.extra.enteredAt;
    conv.extra.movedAt = kind !== 'open' ? (closed ?? env.now) : env.now;
    conv.custom = customOf(r, env);
    conv.tags = tagsOf(r);
    conv.keys = { 'external-id': (c.external_id as string | null) ?? null, name: title === null ? null : fold(title) };
    return conv;
  },
  derive(values, existing, conv) {
    if (existing && 'stage_id' in values) values.stage_entered_at = conv.extra.movedAt;
  },
  contentCandidates(env, conv) {
    return candidates(env, 'deals', { title: conv.cols.title, company_id: conv.cols.company_id ?? null });
  },
  afterInsert(env, id, conv) {
    stageHistory(env, id, null, conv.cols.stage_id ?? conv.createDefaults.stage_id, conv.extra.enteredAt);
  },
  afterUpdate(env, id, existing, conv) {
    if (conv.cols.stage_id === undefined || conv.cols.stage_id === existing.stage_id) return [];
    return [{ table: 'deal_stage_history', id: stageHistory(env, id, existing.stage_id, conv.cols.stage_id, conv.extra.movedAt) }];
  },
};

/** A deal's move (from null: its creation) in deal_stage_history, as the domain's moves write it; its row id. */
function stageHistory(env: ImportEnv, dealId: number, from: unknown, to: unknown, at: string): number {
  return Number(env.stmt('INSERT INTO deal_stage_history (deal_id, from_stage_id, to_stage_id, at, actor) VALUES (?, ?, ?, ?, ?)').run(dealId, from ?? null, to, at, env.actor).lastInsertRowid);
}

// ---------------------------------------------------------------- tickets

const STATUS_WORDS: Record<string, string> = {
  new: 'new',
  open: 'open',
  active: 'open',
  'in progress': 'open',
  assigned: 'open',
  'work in progress': 'open',
  pending: 'pending',
  'pending customer response': 'pending',
  'awaiting user info': 'pending',
  'waiting on customer': 'pending',
  'on hold': 'on_hold',
  on_hold: 'on_hold',
  'awaiting problem': 'on_hold',
  'awaiting vendor': 'on_hold',
  'awaiting evidence': 'on_hold',
  'awaiting change': 'on_hold',
  solved: 'solved',
  resolved: 'solved',
  closed: 'closed',
  cancelled: 'closed',
  canceled: 'closed',
};

const PRIORITY_WORDS: Record<string, string> = {
  low: 'low',
  planning: 'low',
  normal: 'normal',
  medium: 'normal',
  moderate: 'normal',
  high: 'high',
  urgent: 'urgent',
  critical: 'urgent',
};

const tickets: EntitySpec = {
  name: 'tickets',
  singular: 'ticket',
  table: 'tickets',
  auditEntity: 'ticket',
  tagEntity: 'ticket',
  fields: [
    f('subject', 'subject', 'ticket subject', 'title', 'summary', 'short description'),
    f('description', 'description', 'ticket description', 'body', 'details'),
    f('requester', 'requester', 'caller', 'caller id', 'customer', 'contact'),
    f('requester_name', 'requester name', 'customer name', 'contact name', 'name'),
    f('requester_email', 'requester email', 'customer email', 'contact email', 'email'),
    f('company', 'company', 'account', 'organization'),
    f('priority', 'priority', 'ticket priority', 'urgency level'),
    f('status', 'status', 'ticket status', 'state', 'incident state'),
    f('assignee', 'assignee', 'assigned to', 'agent', 'owner'),
    f('channel', 'channel', 'ticket channel', 'contact type', 'source', 'via'),
    f('category', 'category', 'ticket type', 'type'),
    f('satisfaction', 'satisfaction', 'customer satisfaction rating', 'csat', 'rating'),
    f('created', 'created', 'created at', 'opened at', 'opened', 'date opened', 'created date'),
    f('updated', 'updated', 'updated at', 'sys updated at', 'last updated', 'modified'),
    f('first_response', 'first response', 'first response time', 'first reply at', 'first response at'),
    f('solved', 'solved', 'solved at', 'resolved at', 'resolved', 'time to resolution', 'resolution date'),
    f('closed', 'closed', 'closed at', 'date closed'),
    f('tags', 'tags', 'tag', 'labels'),
    f('external_id', 'external id', 'id', 'ticket id', 'number', 'ticket number', 'incident id', 'case number'),
    f('custom_fields', 'custom fields'),
  ],
  customFields: true,
  matchKeys: ['external-id', 'name'],
  defaultMatch: ['external-id'],
  checkMapping(m) {
    if (!['subject', 'description', 'external_id'].some((f) => m.fields.has(f))) throw new UsageError('The file has no column for the ticket subject (or description, or ticket number).', 'Map one: --map "Summary=subject" (see --show-mapping).');
  },
  keySql: {
    'external-id': 'SELECT id FROM tickets WHERE external_id = ?',
    name: 'SELECT id FROM tickets WHERE crm_fold(subject) = ? ORDER BY id LIMIT 1',
  },
  keyField: { 'external-id': 'external_id', name: 'subject' },
  fieldOfColumn: { contact_id: 'requester', assignee_id: 'assignee', company_id: 'company', solved_at: 'solved', closed_at: 'closed' },
  fieldColumns: {
    requester: ['contact_id'],
    requester_email: ['contact_id'],
    requester_name: ['contact_id'],
    company: ['company_id'],
    assignee: ['assignee_id'],
    status: ['status', 'solved_at', 'closed_at'],
    solved: ['solved_at', 'status'],
    closed: ['closed_at', 'status'],
  },
  convert(r: MappedRow, env: ImportEnv) {
    const conv = baseConverted();
    const c = conv.cols;
    text(r, c, 'external_id', 'external_id');
    const description = r.get('description');
    const subject = r.get('subject') ?? description?.split('\n')[0]!.slice(0, 120) ?? (c.external_id as string | null);
    if (!subject) r.fail('subject', 'a ticket needs a subject');
    c.subject = subject;
    if (r.has('description')) c.description = description;
    if (r.has('requester') || r.has('requester_email') || r.has('requester_name')) c.contact_id = requesterOf(r, env);
    if (r.has('company')) {
      const co = r.get('company');
      c.company_id = co === null ? null : env.companyId(co, r, 'company', false, fold);
    }
    if (r.has('priority')) {
      const p = r.get('priority');
      const word = p === null ? 'normal' : PRIORITY_WORDS[p.toLowerCase().replace(/^\d+\s*-\s*/, '').trim()];
      if (!word) r.fail('priority', 'must be low, normal, high or urgent');
      c.priority = word;
    }
    // The status the file gives; null when it gives none (no column, or an empty cell kept).
    let given: string | null = null;
    const s = r.get('status');
    if (s !== null) {
      const word = STATUS_WORDS[s.toLowerCase().replace(/[_-]+/g, ' ').trim()] ?? STATUS_WORDS[s.toLowerCase()];
      if (!word) r.fail('status', 'must be new, open, pending, on_hold, solved or closed');
      given = word;
    } else if (r.has('status') && env.opts.empty === 'clear') given = 'new';
    if (r.has('assignee')) c.assignee_id = ownerOf(r, env, 'assignee');
    text(r, c, 'channel', 'channel');
    text(r, c, 'category', 'category');
    if (r.has('satisfaction')) c.satisfaction = integer(r, 'satisfaction', 1, 5);
    const created = r.has('created') ? dateTime(r, env, 'created') : null;
    const updated = r.has('updated') ? dateTime(r, env, 'updated') : null;
    const firstResponse = r.has('first_response') ? dateTime(r, env, 'first_response') : null;
    let solved = r.has('solved') ? dateTime(r, env, 'solved') : null;
    let closed = r.has('closed') ? dateTime(r, env, 'closed') : null;
    // Without a status, the row's times say what it proves: a closing time closed, a resolution
    // time solved (a ticket left "new" would drop them and breach every SLA); else a new ticket.
    const status = given ?? (closed !== null ? 'closed' : solved !== null ? 'solved' : 'new');
    if (given !== null || status !== 'new') c.status = status;
    const done = status === 'solved' || status === 'closed';
    if (done) {
      solved ??= closed ?? updated;
      if (status === 'closed') closed ??= solved;
    } else {
      // Reopened, or a state before resolution: the file's resolution times do not apply yet.
      // An event log replays them with the row that solves the ticket; any other file is told.
      if (!r.has('updated')) {
        for (const [field, t] of [['solved', solved], ['closed', closed]] as const) {
          if (t !== null) env.warn(r.row, r.column(field), r.get(field)!, `not imported: the status "${s ?? status}" says the ticket is not solved`);
        }
      }
      solved = null;
      closed = null;
    }
    if (status !== 'closed') {
      if (closed !== null && done && !r.has('updated')) env.warn(r.row, r.column('closed'), r.get('closed')!, `not imported: the status "${s ?? status}" says the ticket is not closed`);
      closed = null;
    }
    // No creation time (the Kaggle file has none): the earliest time the file knows of.
    const known = [firstResponse, solved, closed, updated].filter((t): t is string => t !== null).sort();
    const createdAt = created ?? known[0] ?? null;
    for (const [field, t] of [['first_response', firstResponse], ['solved', solved], ['closed', closed]] as const) {
      if (t && createdAt && t < createdAt) r.fail(field, `is before the ticket was created (${createdAt})`);
    }
    if (r.has('solved') || r.has('closed') || r.has('status')) {
      c.solved_at = solved;
      c.closed_at = closed;
    }
    conv.createDefaults.created_at = createdAt ?? env.now;
    conv.createDefaults.updated_at = updated ?? env.now;
    conv.createDefaults.sla_policy_id = policyFor(env, c);
    conv.extra = { firstResponse, updated, status, statusInferred: given === null };
    // A satisfaction score is given on a solved or closed ticket only (crm ticket rate's rule):
    // checked here when the row says the status, else against the stored ticket (beforeUpdate)
    // or the new one's (beforeInsert).
    if (typeof c.satisfaction === 'number') {
      const csat = new RowError(r.column('satisfaction'), r.get('satisfaction') ?? '', '');
      if (given !== null || status !== 'new') {
        const why = rateRefusal(status);
        if (why) throw new RowError(csat.column, csat.value, `the row's ticket ${why}`);
      } else conv.extra.csat = csat;
    }
    conv.custom = customOf(r, env);
    conv.tags = tagsOf(r);
    conv.keys = { 'external-id': (c.external_id as string | null) ?? null, name: fold(subject) };
    return conv;
  },
  contentCandidates(env, conv) {
    return candidates(env, 'tickets', { subject: conv.cols.subject, created_at: conv.createDefaults.created_at });
  },
  beforeInsert(conv) {
    const csat = conv.extra.csat as RowError | undefined;
    if (csat) throw new RowError(csat.column, csat.value, 'a new ticket is new; only a solved or closed ticket can be rated (give its status or solved time)');
  },
  afterInsert(env, id, conv) {
    const ev = env.stmt('INSERT INTO ticket_events (ticket_id, kind, body, from_value, to_value, actor, at) VALUES (?, ?, NULL, ?, ?, ?, ?)');
    const createdAt = conv.createDefaults.created_at as string;
    env.stmt("INSERT INTO ticket_events (ticket_id, kind, body, from_value, to_value, actor, at) VALUES (?, 'created', ?, NULL, 'new', ?, ?)").run(id, conv.cols.subject, env.actor, createdAt);
    const assignee = conv.cols.assignee_id as number | null | undefined;
    if (assignee) ev.run(id, 'assign', null, handleOf(env, assignee), env.actor, createdAt);
    if (conv.extra.firstResponse) ev.run(id, 'reply', null, null, env.actor, conv.extra.firstResponse);
    const status = (conv.cols.status as string | undefined) ?? 'new';
    const solved = conv.cols.solved_at as string | null | undefined;
    const closed = conv.cols.closed_at as string | null | undefined;
    if (status === 'solved' || status === 'closed') {
      if (solved) ev.run(id, 'status', 'new', 'solved', env.actor, solved);
      if (status === 'closed') ev.run(id, 'status', solved ? 'solved' : 'new', 'closed', env.actor, closed ?? solved ?? createdAt);
    } else if (status !== 'new') {
      ev.run(id, 'status', 'new', status, env.actor, conv.extra.updated ?? createdAt);
    }
  },
  beforeUpdate(existing, conv) {
    const csat = conv.extra.csat as RowError | undefined;
    const why = csat ? rateRefusal(String(existing.status)) : null;
    if (csat && why) throw new RowError(csat.column, csat.value, `ticket #${existing.id} ${why}`);
    // A status inferred from a resolution time never takes a closed ticket back to solved.
    if (conv.extra.statusInferred && existing.status === 'closed' && conv.cols.status === 'solved') {
      delete conv.cols.status;
      delete conv.cols.closed_at;
    }
  },
  afterUpdate(env, id, existing, conv) {
    const out: { table: string; id: number }[] = [];
    const ev = env.stmt('INSERT INTO ticket_events (ticket_id, kind, body, from_value, to_value, actor, at) VALUES (?, ?, NULL, ?, ?, ?, ?)');
    const at = conv.extra.updated ?? env.now;
    const add = (kind: string, from: unknown, to: unknown, when: string) => out.push({ table: 'ticket_events', id: Number(ev.run(id, kind, from === null ? null : String(from), to === null ? null : String(to), env.actor, when).lastInsertRowid) });
    if (conv.cols.status !== undefined && conv.cols.status !== existing.status) {
      const when = conv.cols.status === 'closed' ? ((conv.cols.closed_at as string | null) ?? at) : conv.cols.status === 'solved' ? ((conv.cols.solved_at as string | null) ?? at) : at;
      add('status', existing.status, conv.cols.status, when);
    }
    if (conv.cols.priority !== undefined && conv.cols.priority !== existing.priority) add('priority', existing.priority, conv.cols.priority, at);
    if (conv.cols.assignee_id !== undefined && conv.cols.assignee_id !== existing.assignee_id) {
      add('assign', existing.assignee_id === null ? null : handleOf(env, existing.assignee_id as number), conv.cols.assignee_id === null ? null : handleOf(env, conv.cols.assignee_id as number), at);
    }
    return out;
  },
  updatedAtFrom(conv) {
    return conv.extra.updated ?? undefined;
  },
};

function handleOf(env: ImportEnv, userId: number): string {
  return (env.stmt('SELECT handle FROM users WHERE id = ?').get(userId) as { handle: string }).handle;
}

/** The SLA policy a new ticket starts under: first matching policy, as crm ticket open picks it. */
function policyFor(env: ImportEnv, c: Row): number | null {
  const policies = env.memo('sla_policies', () => env.stmt('SELECT * FROM sla_policies ORDER BY position, id').all() as SlaPolicy[]);
  if (!policies.length) return null;
  const tier = c.company_id ? ((env.stmt('SELECT tier FROM companies WHERE id = ?').get(c.company_id) as { tier: string | null } | undefined)?.tier ?? null) : null;
  try {
    return matchPolicy(policies, { priority: (c.priority as string | undefined) ?? 'normal', category: (c.category as string | null | undefined) ?? null, channel: (c.channel as string | null | undefined) ?? null, tier }).id;
  } catch {
    return null;
  }
}

/** The requester: by email, else by unique name; created when new (like contact add creates a company). */
function requesterOf(r: MappedRow, env: ImportEnv): number | null {
  const generic = r.get('requester');
  let email = r.get('requester_email');
  let name = r.get('requester_name');
  if (generic !== null) {
    if (generic.includes('@')) email ??= generic;
    else name ??= generic;
  }
  const field = r.get('requester_email') !== null ? 'requester_email' : r.get('requester') !== null ? 'requester' : 'requester_name';
  if (email !== null) {
    const norm = domainCall(r, field, () => normalizeEmail(email))!.toLowerCase();
    const hit = env.stmt('SELECT id FROM contacts WHERE email_norm = ?').get(norm) as { id: number } | undefined;
    if (hit) return hit.id;
    return createContact(env, name ?? email.split('@')[0]!, email);
  }
  if (name === null) return null;
  const id = env.contactByName(name, fold);
  if (id === null) r.fail(field, `more than one contact is named "${name}"; give the requester's email`);
  if (id !== undefined) return id;
  return createContact(env, name, null);
}

function createContact(env: ImportEnv, name: string, email: string | null): number {
  const { first, last } = splitName(name);
  const values = { first_name: first, last_name: last, email, email_norm: email?.toLowerCase() ?? null };
  const id = Number(
    env
      .stmt('INSERT INTO contacts (first_name, last_name, email, email_norm, search_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(first, last, email, values.email_norm, searchText(values), env.now, env.now).lastInsertRowid,
  );
  env.createdRefs.contacts++;
  env.noteContactName(id, name, fold);
  env.sideCreated.push(['contacts', id]);
  return id;
}

// ---------------------------------------------------------------- activities

const KIND_WORDS: Record<string, string> = {
  call: 'call',
  'phone call': 'call',
  phone: 'call',
  'outbound call': 'call',
  'inbound call': 'call',
  meeting: 'meeting',
  visit: 'meeting',
  demo: 'meeting',
  email: 'email',
  'e-mail': 'email',
  mail: 'email',
  note: 'note',
  task: 'task',
  todo: 'task',
  'to-do': 'task',
  'follow-up': 'task',
  newsletter: 'newsletter',
  letter: 'letter',
  linkedin: 'linkedin',
  touch: 'touch',
};

const activities: EntitySpec = {
  name: 'activities',
  singular: 'activity',
  table: 'activities',
  auditEntity: 'activity',
  fields: [
    f('kind', 'kind', 'type', 'activity type', 'activity'),
    f('subject', 'subject', 'title', 'summary'),
    f('body', 'body', 'notes', 'note', 'details', 'description', 'outcome'),
    f('contact', 'contact', 'contact email', 'email', 'person', 'with'),
    f('company', 'company', 'account', 'organization'),
    f('deal', 'deal', 'opportunity', 'deal id'),
    f('occurred', 'occurred', 'occurred at', 'date', 'when', 'activity date', 'datetime', 'logged at'),
    f('duration', 'duration', 'duration minutes', 'minutes', 'duration (min)'),
    f('due', 'due', 'due at', 'due date'),
    f('done', 'done', 'done at', 'completed', 'completed at'),
    f('owner', 'owner', 'rep', 'sales rep', 'user', 'assigned to'),
    f('external_id', 'external id', 'id', 'activity id'),
    f('created', 'created', 'created at'),
    f('custom_fields', 'custom fields'),
  ],
  customFields: true,
  matchKeys: ['external-id'],
  defaultMatch: ['external-id'],
  keySql: { 'external-id': 'SELECT id FROM activities WHERE external_id = ?' },
  keyField: { 'external-id': 'external_id' },
  fieldOfColumn: { contact_id: 'contact', company_id: 'company', deal_id: 'deal', owner_id: 'owner', occurred_at: 'occurred', due_at: 'due', done_at: 'done', duration_minutes: 'duration' },
  fieldColumns: { contact: ['contact_id'], company: ['company_id'], deal: ['deal_id'], occurred: ['occurred_at', 'due_at'], due: ['due_at'], done: ['done_at'], duration: ['duration_minutes'], owner: ['owner_id'] },
  checkMapping(m) {
    if (!m.fields.has('kind')) throw new UsageError('The file has no column for the activity kind (call, meeting, email, note, task…).', 'Map one: --map "Type=kind" (see --show-mapping).');
  },
  convert(r: MappedRow, env: ImportEnv) {
    const conv = baseConverted();
    const c = conv.cols;
    const k = r.get('kind');
    const kind = k === null ? undefined : KIND_WORDS[k.toLowerCase().trim()];
    if (!kind) r.fail('kind', `must be one of call, meeting, email, note, task, newsletter, letter, linkedin, touch`);
    c.kind = kind;
    const body = r.get('body');
    const subject = r.get('subject') ?? body?.split('\n')[0]!.slice(0, 120) ?? kind.charAt(0).toUpperCase() + kind.slice(1);
    c.subject = subject;
    if (r.has('body')) c.body = body;
    if (r.has('contact')) c.contact_id = contactRef(r, env, 'contact');
    if (r.has('company')) {
      const co = r.get('company');
      c.company_id = co === null ? null : env.companyId(co, r, 'company', false, fold);
    }
    if (r.has('deal')) {
      const d = r.get('deal');
      if (d === null) c.deal_id = null;
      else {
        const hit = (env.stmt('SELECT id FROM deals WHERE external_id = ?').get(d) ?? env.stmt('SELECT id FROM deals WHERE crm_fold(title) = ? ORDER BY id LIMIT 1').get(fold(d))) as { id: number } | undefined;
        if (!hit) r.fail('deal', `no deal "${d}" (by external id or title)`);
        c.deal_id = hit.id;
      }
    }
    const occurred = r.has('occurred') ? dateTime(r, env, 'occurred') : null;
    const due = r.has('due') ? dateTime(r, env, 'due') : null;
    const doneRaw = r.get('done');
    let done: string | null = null;
    if (doneRaw !== null) {
      if (/^(yes|true|y|1|x|done)$/i.test(doneRaw)) done = due ?? occurred;
      else if (!/^(no|false|n|0)$/i.test(doneRaw)) done = dateTime(r, env, 'done');
    }
    if (kind === 'task') {
      if (!due && !occurred) conv.incomplete = incomplete(r, 'due', 'a task needs a due date');
      else c.due_at = due ?? occurred;
      if (r.has('done')) c.done_at = done;
    } else {
      if (!occurred) conv.incomplete = incomplete(r, 'occurred', `a logged ${kind} needs the time it happened`);
      else c.occurred_at = occurred;
    }
    if (r.has('duration')) c.duration_minutes = integer(r, 'duration', 0, 100000);
    if (r.has('owner')) {
      c.owner_id = ownerOf(r, env);
      conv.createDefaults.created_by = r.get('owner') === null ? env.actor : (env.stmt('SELECT handle FROM users WHERE id = ?').get(c.owner_id) as { handle: string }).handle;
    } else {
      conv.createDefaults.owner_id = env.actorUserId();
      conv.createDefaults.created_by = env.actor;
    }
    text(r, c, 'external_id', 'external_id');
    stamp(conv, env, r.has('created') ? dateTime(r, env, 'created') : null);
    conv.custom = customOf(r, env);
    conv.keys = { 'external-id': (c.external_id as string | null) ?? null };
    return conv;
  },
  contentCandidates(env, conv) {
    const c = conv.cols;
    return candidates(env, 'activities', { kind: c.kind, subject: c.subject, occurred_at: c.occurred_at ?? null, due_at: c.due_at ?? null, owner_id: c.owner_id ?? conv.createDefaults.owner_id ?? null, contact_id: c.contact_id ?? null });
  },
};

// ---------------------------------------------------------------- products

/** "price_eur", "Price (USD)", "EUR price": a column holding one currency's price. */
function priceColumnCurrency(key: string): string | undefined {
  const m = /^price([a-z]{3})$/.exec(key) ?? /^([a-z]{3})price$/.exec(key);
  return m && isCurrencyCode(m[1]!) ? m[1]!.toUpperCase() : undefined;
}


/**
 * Products (crm product add): the SKU is the key (case-insensitive, as the commands find it);
 * every value goes through the domain's own parser (parseSku, parsePrice, parseRate,
 * parseWarranty), so a cell is accepted exactly when `crm product add` accepts the same text.
 * Prices: a `prices` cell is the whole price list ("1200.00 EUR; 1300.00 USD", as `crm export
 * products` writes it; currencies it leaves out are removed); a `price_eur` column sets that
 * currency's price only ("1200" or "1200 EUR").
 */
const productPrices: ChildSet = {
  field: 'prices',
  read(sqlite, id) {
    const rows = sqlite.prepare('SELECT currency, unit_price_minor FROM product_prices WHERE product_id = ? ORDER BY currency').all(id) as { currency: string; unit_price_minor: number }[];
    return formatPriceList(rows.map((r) => new Money(BigInt(r.unit_price_minor), r.currency)));
  },
  wanted(conv, stored) {
    const list = conv.extra.priceList as Map<string, Money> | undefined;
    const cells = conv.extra.priceCells as Map<string, Money | null> | undefined;
    if (list === undefined && cells === undefined) return undefined;
    const set = list ? new Map(list) : parsePriceList(stored);
    for (const [currency, m] of cells ?? []) {
      if (m === null) set.delete(currency);
      else set.set(currency, m);
    }
    return formatPriceList([...set.values()]);
  },
  write(sqlite, id, canonical) {
    sqlite.prepare('DELETE FROM product_prices WHERE product_id = ?').run(id);
    const ins = sqlite.prepare('INSERT INTO product_prices (product_id, currency, unit_price_minor) VALUES (?, ?, ?)');
    for (const m of parsePriceList(canonical).values()) ins.run(id, m.currency, Number(m.minor));
  },
};

const products: EntitySpec = {
  name: 'products',
  singular: 'product',
  table: 'products',
  auditEntity: 'product',
  permission: 'product.write',
  fields: [
    f('sku', 'sku', 'product code', 'item code', 'code', 'part number', 'article number', 'product id'),
    f('name', 'name', 'product name', 'product', 'item', 'item name', 'title'),
    f('description', 'description', 'details'),
    f('unit', 'unit', 'uom', 'unit of measure'),
    f('prices', 'prices', 'price list', 'price'),
    f('tax_rate', 'tax rate', 'tax', 'vat', 'vat rate', 'tax %'),
    f('warranty_months', 'warranty months', 'warranty', 'warranty term'),
    f('active', 'active', 'enabled', 'status'),
  ],
  customFields: false,
  matchKeys: ['sku'],
  defaultMatch: ['sku'],
  // SKUs are ASCII (parseSku): lower() agrees with the key on both engines.
  keySql: { sku: 'SELECT id FROM products WHERE lower(sku) = ?' },
  keyField: { sku: 'sku' },
  fieldOfColumn: { tax_rate_ppm: 'tax_rate', archived_at: 'active' },
  fieldColumns: { tax_rate: ['tax_rate_ppm'], active: ['archived_at'] },
  childSet: productPrices,
  checkMapping(m) {
    if (!m.fields.has('sku')) throw new UsageError('The file has no column for the SKU.', 'Map one: --map "Item Code=sku" (see --show-mapping).');
  },
  adjustMapping(keys) {
    const m = new Map<number, string>();
    keys.forEach((k, i) => {
      const currency = priceColumnCurrency(k);
      if (currency) m.set(i, `price_${currency.toLowerCase()}`);
    });
    return m;
  },
  convert(r: MappedRow, env: ImportEnv) {
    const conv = baseConverted();
    const c = conv.cols;
    const skuText = r.get('sku');
    if (skuText === null) r.fail('sku', 'a product needs a SKU');
    const sku = domainCall(r, 'sku', () => parseSku(skuText));
    c.sku = sku;
    const field = (name: string, input: ProductInput) => domainCall(r, name, () => productColumns(input));
    if (r.has('name')) {
      const name = r.get('name');
      if (name === null) conv.incomplete = incomplete(r, 'name', 'a product needs a name');
      else Object.assign(c, field('name', { name }));
    } else {
      conv.incomplete = incomplete(r, 'sku', 'a new product needs a name (map a column with --map "Column=name")');
      conv.incompleteByAbsence = true;
    }
    if (r.has('description')) c.description = cleanText(r.get('description'));
    if (r.has('unit')) c.unit = cleanText(r.get('unit'));
    if (r.has('tax_rate')) {
      const tax = r.get('tax_rate');
      c.tax_rate_ppm = tax === null ? 0 : (field('tax_rate', { tax }).tax_rate_ppm as number);
    }
    if (r.has('warranty_months')) c.warranty_months = field('warranty_months', { warranty: r.get('warranty_months') ?? '' }).warranty_months as number | null;
    if (r.has('active')) {
      const active = activeCell(r);
      conv.extra.active = active;
      c.archived_at = active ? null : env.now;
    }
    if (r.has('prices')) {
      const v = r.get('prices');
      if (v !== null) conv.extra.priceList = domainCall(r, 'prices', () => parsePriceList(v));
      else if (env.opts.empty === 'clear') conv.extra.priceList = new Map();
    }
    for (const name of r.mapping.fields.keys()) {
      if (!name.startsWith('price_')) continue;
      const currency = name.slice(6).toUpperCase();
      const v = r.get(name);
      let price: Money | null;
      if (v === null) {
        if (env.opts.empty !== 'clear') continue;
        price = null;
      } else {
        price = domainCall(r, name, () => parsePrice(/[A-Za-z]{3}/.test(v) ? v : `${v} ${currency}`));
        if (price.currency !== currency) r.fail(name, `is in ${price.currency}, but the column holds ${currency} prices`);
      }
      ((conv.extra.priceCells ??= new Map()) as Map<string, Money | null>).set(currency, price);
    }
    stamp(conv, env, null);
    conv.keys = { sku: sku.toLowerCase() };
    return conv;
  },
  beforeUpdate(existing, conv) {
    // The SKU is the key, found case-insensitively: "gizmo" in a file names GIZMO, it does not rename it.
    if (String(existing.sku).toLowerCase() === String(conv.cols.sku).toLowerCase()) delete conv.cols.sku;
    // An archived product stays archived since the day it was archived.
    if (conv.extra.active === false && existing.archived_at) conv.cols.archived_at = existing.archived_at;
  },
  afterInsert(env, id, conv) {
    const prices = productPrices.wanted(conv, '');
    if (prices) productPrices.write(env.sqlite, id, prices);
  },
};

export const ENTITIES: Record<EntityName, EntitySpec> = { contacts, companies, deals, activities, tickets, users, products };

export function entityByName(name: string): EntitySpec {
  const n = name.toLowerCase();
  const hit = ENTITY_NAMES.find((e) => e === n || ENTITIES[e].singular === n);
  if (!hit) throw new UsageError(`Unknown entity "${name}".`, `Use one of: ${ENTITY_NAMES.join(', ')}.`);
  return ENTITIES[hit];
}

export { phoneDigits };

/** The import field a column headed `header` maps to on its own (by name or alias), if any. */
export function importFieldOfHeader(entity: EntityName, header: string): string | undefined {
  const key = headerKey(header);
  return ENTITIES[entity].fields.find((f) => headerKey(f.name) === key || f.aliases.includes(key))?.name;
}
