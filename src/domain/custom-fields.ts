/**
 * Typed custom fields: what a key in an entity's custom_fields JSON means. One validator per type
 * (parseFieldValue), called by `--set` on add/edit, by the importer and by the TUI; the built-in
 * definitions of the source's person and company fields, enabled per team; the required check.
 */
import { sql } from 'kysely';
import { recordAudit } from '../db/audit.js';
import { isMissingTable } from '../db/missing-table.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { ConflictError, NotFoundError, UsageError, UserError } from '../errors.js';
import { Money, parseMoney } from './money.js';
import { nowIso, type Session } from './session.js';
import { latinDigits } from './digits.js';
import { authorize } from './permissions.js';
import { NOT_YES_NO, YES_NO_HINT, yesNo } from './yes-no.js';
import { cleanText, normalizeEmail, normalizePhone, rejectControlChars, requireDate } from './validate.js';

export const FIELD_ENTITIES = ['contact', 'company', 'deal', 'ticket', 'activity'] as const;
export type FieldEntity = (typeof FIELD_ENTITIES)[number];

export const FIELD_TYPES = ['text', 'number', 'money', 'date', 'bool', 'choice', 'multi', 'url', 'email', 'phone', 'ir-national-id'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDefinition {
  entity: FieldEntity;
  name: string;
  label: string;
  type: FieldType;
  /** The allowed values of a choice or multi field, as written. */
  choices: string[] | null;
  required: boolean;
  /** One of the shipped definitions (crm field enable), not one a team made up. */
  builtin: boolean;
}

/** Names a filter, an export column and a JSON key can all carry as they are. */
const NAME_RE = /^[a-z][a-z0-9_]{0,39}$/;

export function parseFieldEntity(v: string): FieldEntity {
  const e = v.toLowerCase().replace(/s$/, '').replace(/^compani$/, 'company').replace(/^activitie$/, 'activity');
  if (!(FIELD_ENTITIES as readonly string[]).includes(e)) throw new UsageError(`Unknown record type "${v}".`, `Use one of: ${FIELD_ENTITIES.join(', ')}.`);
  return e as FieldEntity;
}

export function parseFieldType(v: string): FieldType {
  const t = v.toLowerCase();
  if (!(FIELD_TYPES as readonly string[]).includes(t)) throw new UsageError(`Unknown field type "${v}".`, `Use one of: ${FIELD_TYPES.join(', ')} (see crm help fields).`);
  return t as FieldType;
}

export function parseFieldName(v: string): string {
  const n = v.trim().toLowerCase().replace(/-/g, '_');
  if (!NAME_RE.test(n)) throw new UsageError(`"${v}" cannot name a field.`, 'A field name is a lower-case letter, then letters, digits or _ (at most 40), e.g. national_id.');
  return n;
}

/** The columns and filter words an entity already has: a custom field may not shadow them. */
const RESERVED: Record<FieldEntity, string[]> = {
  contact: ['id', 'name', 'first_name', 'last_name', 'first', 'last', 'email', 'phone', 'mobile', 'company', 'title', 'prefix', 'role', 'company_role', 'lifecycle', 'stage', 'source', 'owner', 'notes', 'tags', 'external_id', 'created', 'updated', 'touched', 'custom_fields', 'segment', 'referred_by'],
  company: ['id', 'name', 'domain', 'industry', 'phone', 'website', 'address', 'city', 'region', 'state', 'province', 'country', 'postal_code', 'tier', 'source', 'owner', 'notes', 'tags', 'external_id', 'created', 'updated', 'custom_fields', 'segment'],
  deal: ['id', 'title', 'company', 'contact', 'amount', 'currency', 'stage', 'probability', 'expected_close', 'close', 'owner', 'source', 'lost_reason', 'created', 'closed', 'tags', 'external_id', 'custom_fields', 'segment', 'campaign', 'pipeline', 'status'],
  ticket: ['id', 'subject', 'description', 'contact', 'requester', 'company', 'priority', 'status', 'assignee', 'channel', 'category', 'satisfaction', 'created', 'solved', 'closed', 'tags', 'external_id', 'custom_fields', 'segment', 'sla'],
  activity: ['id', 'kind', 'subject', 'body', 'contact', 'company', 'deal', 'ticket', 'occurred', 'duration', 'due', 'done', 'owner', 'external_id', 'created', 'custom_fields', 'segment'],
};

/** A name the entity has already (a column or a filter word). */
export function isReservedFieldName(entity: FieldEntity, name: string): boolean {
  return RESERVED[entity].includes(name);
}

// ---------------------------------------------------------------- the validators, one per type

/** Persian (۰–۹) and Arabic-Indic (٠–٩) digits as ASCII: people type national IDs with either. */

/**
 * The Iranian national ID (کد ملی): ten digits, the last a check digit. With r the sum of the
 * first nine digits weighted 10…2, modulo 11, the check digit is r when r < 2, else 11 − r.
 * Ten equal digits pass the sum and are refused (placeholders, not IDs).
 */
export function isIranianNationalId(code: string): boolean {
  if (!/^\d{10}$/.test(code) || /^(\d)\1{9}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(code[i]) * (10 - i);
  const r = sum % 11;
  const check = Number(code[9]);
  return r < 2 ? check === r : check === 11 - r;
}

function invalid(def: Pick<FieldDefinition, 'name'>, raw: string, why: string, hint: string): UserError {
  return new UserError(`${def.name}: "${raw}" ${why}.`, hint, 'invalid_field');
}

function matchChoice(def: Pick<FieldDefinition, 'name' | 'choices'>, raw: string, v: string): string {
  const hit = (def.choices ?? []).find((c) => c.toLowerCase() === v.toLowerCase());
  if (hit === undefined) throw invalid(def, raw, 'is not one of its choices', `Use one of: ${(def.choices ?? []).join(', ')} (or add it: crm field edit … --choices).`);
  return hit;
}

/**
 * A value as typed (flag, cell, TUI) → the value kept in custom_fields, or null for an empty one
 * (which clears the field). Throws a one-line UserError naming the field.
 */
export function parseFieldValue(def: Pick<FieldDefinition, 'name' | 'type' | 'choices'>, raw: string): unknown {
  const v = raw.trim();
  if (v === '') return null;
  rejectControlChars(v, def.name);
  switch (def.type) {
    case 'text':
      return cleanText(v);
    case 'number': {
      const t = latinDigits(v).replace(/_/g, '');
      const plain = /^[-+]?\d+(\.\d+)?$/.test(t) ? t : /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t) ? t.replace(/,/g, '') : null;
      const n = plain === null ? NaN : Number(plain);
      if (!Number.isFinite(n)) throw invalid(def, raw, 'is not a number', 'Write numbers like 42, -3.5 or 1,250.');
      return n;
    }
    case 'money':
      try {
        return parseMoney(latinDigits(v)).toJSON();
      } catch (err) {
        if (err instanceof UserError) throw invalid(def, raw, 'is not an amount with a currency', 'Write amounts like "1250.00 EUR" or "IRR 5000000".');
        throw err;
      }
    case 'date':
      try {
        return requireDate(latinDigits(v), def.name);
      } catch {
        throw invalid(def, raw, 'is not a date', 'Use YYYY-MM-DD, e.g. 1990-03-21.');
      }
    case 'bool': {
      const b = yesNo(v);
      if (b === undefined) throw invalid(def, raw, NOT_YES_NO, YES_NO_HINT);
      return b;
    }
    case 'choice':
      return matchChoice(def, raw, v);
    case 'multi': {
      const out: string[] = [];
      for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
        const c = matchChoice(def, raw, part);
        if (!out.includes(c)) out.push(c);
      }
      return out.length ? out : null;
    }
    case 'url': {
      const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`;
      let url: URL | null = null;
      try {
        url = new URL(withScheme);
      } catch {
        url = null;
      }
      if (!url || !/^https?:$/.test(url.protocol) || !url.hostname.includes('.') || /\s/.test(v)) throw invalid(def, raw, 'is not a web address', 'Write it like https://example.com or example.com.');
      return withScheme;
    }
    case 'email':
      try {
        return normalizeEmail(v);
      } catch {
        throw invalid(def, raw, 'is not an email address', 'Write it like name@example.com.');
      }
    case 'phone':
      try {
        return normalizePhone(latinDigits(v), def.name);
      } catch {
        throw invalid(def, raw, 'is not a phone number', 'Write it like +98 21 5555 0101.');
      }
    case 'ir-national-id': {
      const digits = latinDigits(v).replace(/[\s-]/g, '');
      // A spreadsheet that took the column for a number dropped the leading zeros.
      const code = /^\d{8,9}$/.test(digits) ? digits.padStart(10, '0') : digits;
      if (!/^\d{10}$/.test(code)) throw invalid(def, raw, 'is not an Iranian national ID (10 digits)', 'A national ID has ten digits, e.g. 0012345679.');
      if (!isIranianNationalId(code)) throw invalid(def, raw, 'is not a valid Iranian national ID (the check digit does not match)', 'Check the digits against the card.');
      return code;
    }
  }
}

/** A stored value as one cell of text (table, CSV): parseFieldValue(def, formatFieldValue(def, v)) gives v back. */
export function formatFieldValue(def: Pick<FieldDefinition, 'type'>, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (def.type === 'money' && typeof value === 'object' && value !== null && 'amount' in value) {
    const m = value as { amount: string; currency: string };
    return `${m.amount} ${m.currency}`;
  }
  if (def.type === 'bool') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// ---------------------------------------------------------------- the source's built-in fields

type Builtin = Omit<FieldDefinition, 'entity' | 'required' | 'builtin'>;
const t = (name: string, label: string, type: FieldType = 'text', choices: string[] | null = null): Builtin => ({ name, label, type, choices });

/**
 * The person and company record of the source documents. Fields it lists that are already
 * columns (a person's names, title, phone, mobile, email; a company's name, industry — its field
 * of activity —, phone, website, address, city, region — its province —, postal code) are not
 * repeated here.
 */
/** The default relationship types (issue 21); a team edits the list with crm field edit … --choices. */
const RELATIONSHIPS = ['customer', 'prospect', 'vendor', 'supplier', 'partner', 'service_provider', 'consultant', 'job_seeker', 'industry_expert', 'donor', 'member'];
/** The default ranks, low → high (VIP is the best). */
const RANKS = ['C', 'B', 'A', 'VIP'];
/** The default lead grades, low → high (crm lead edit --grade; lead_grade:>=B means B or A). */
export const LEAD_GRADES = ['D', 'C', 'B', 'A'];

export const BUILTIN_FIELDS: Partial<Record<FieldEntity, Builtin[]>> = {
  contact: [
    t('code', 'Code'),
    t('gender', 'Gender', 'choice', ['f', 'm', 'x']),
    t('fax', 'Fax', 'phone'),
    t('website', 'Website', 'url'),
    t('province', 'Province'),
    t('city', 'City'),
    t('address', 'Address'),
    t('birth_certificate_no', 'Birth certificate no.'),
    t('national_id', 'National ID', 'ir-national-id'),
    t('birth_date', 'Birth date', 'date'),
    t('wedding_date', 'Wedding date', 'date'),
    t('field_of_study', 'Field of study'),
    t('degree', 'Degree', 'choice', ['diploma', 'associate', 'bachelor', 'master', 'doctorate']),
    // A company's people: their responsibility is the contact's role (--role); their unit is this.
    t('org_unit', 'Organizational unit'),
    // Relationship and rank: configurable lists (crm field edit contact rank --choices …);
    // a choice list is ordered low → high, so rank:>=A means A or better.
    t('relationship', 'Relationship', 'choice', RELATIONSHIPS),
    t('rank', 'Rank', 'choice', RANKS),
    // A lead's grade (crm lead edit --grade), enabled on first use; hot/warm/cold with --choices cold,warm,hot.
    t('lead_grade', 'Lead grade', 'choice', LEAD_GRADES),
  ],
  company: [
    t('code', 'Code'),
    t('fax', 'Fax', 'phone'),
    t('email', 'Email', 'email'),
    t('po_box', 'P.O. box'),
    t('founding_date', 'Founding date', 'date'),
    // A company's rank is its tier column (the importer reads a "Rank" column into it).
    t('relationship', 'Relationship', 'choice', RELATIONSHIPS),
  ],
};

// ---------------------------------------------------------------- definitions in the database

export interface DefRow {
  entity: string;
  name: string;
  label: string;
  type: string;
  choices: string | null;
  required: number;
  builtin: number;
}

/** A field_definitions row as a definition (the importer reads the rows itself, synchronously). */
export function toDefinition(r: DefRow): FieldDefinition {
  return { entity: r.entity as FieldEntity, name: r.name, label: r.label, type: r.type as FieldType, choices: r.choices ? (JSON.parse(r.choices) as string[]) : null, required: r.required === 1, builtin: r.builtin === 1 };
}

/** The fields of an entity (every entity when omitted), in the order they were added. */
export async function fieldDefinitions(db: Trx, entity?: FieldEntity): Promise<FieldDefinition[]> {
  let q = db.selectFrom('field_definitions').select(['entity', 'name', 'label', 'type', 'choices', 'required', 'builtin']).orderBy('entity').orderBy('id');
  if (entity) q = q.where('entity', '=', entity);
  try {
    return (await q.execute()).map(toDefinition);
  } catch (err) {
    if (isMissingTable(err, 'field_definitions')) return [];
    throw err;
  }
}

export async function getFieldDefinition(db: Trx, entity: FieldEntity, name: string): Promise<FieldDefinition> {
  const row = await db.selectFrom('field_definitions').select(['entity', 'name', 'label', 'type', 'choices', 'required', 'builtin']).where('entity', '=', entity).where('name', '=', name).executeTakeFirst();
  if (!row) {
    const builtin = BUILTIN_FIELDS[entity]?.some((b) => b.name === name);
    throw new NotFoundError(`No ${entity} field "${name}".`, builtin ? `It is a built-in field: crm field enable ${entity} ${name}` : `See the fields: crm field list ${entity}`);
  }
  return toDefinition(row);
}

export function parseChoices(v: string): string[] {
  const choices = [...new Set(v.split(',').map((c) => c.trim()).filter(Boolean))];
  if (!choices.length) throw new UsageError('--choices needs at least one value.', 'e.g. --choices f,m,x');
  for (const c of choices) rejectControlChars(c, 'A choice');
  return choices;
}

export interface FieldInput {
  label?: string;
  type?: string;
  choices?: string;
  required?: boolean;
}

function checkChoices(type: FieldType, choices: string[] | null): void {
  const wants = type === 'choice' || type === 'multi';
  if (wants && !choices?.length) throw new UsageError(`A ${type} field needs --choices.`, 'e.g. crm field add contact gender --type choice --choices f,m,x');
  if (!wants && choices) throw new UsageError(`Only choice and multi fields take --choices (this one is ${type}).`);
}

export async function addField(s: Session, entity: FieldEntity, rawName: string, input: FieldInput, builtin = false): Promise<FieldDefinition> {
  if (!builtin) await authorize(s, 'field.manage');
  const name = parseFieldName(rawName);
  if (RESERVED[entity].includes(name)) throw new UserError(`A ${entity} already has "${name}"; a custom field cannot shadow it.`, `Pick another name, e.g. ${name}_2, or use the existing field.`, 'reserved_field');
  const type = parseFieldType(input.type ?? 'text');
  const choices = input.choices !== undefined ? parseChoices(input.choices) : null;
  checkChoices(type, choices);
  const label = cleanText(input.label) ?? name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const clash = await trx.selectFrom('field_definitions').select('id').where('entity', '=', entity).where('name', '=', name).executeTakeFirst();
    if (clash) throw new ConflictError(`The ${entity} field "${name}" exists already.`, `Change it: crm field edit ${entity} ${name} …`, 'duplicate_field');
    await trx
      .insertInto('field_definitions')
      .values({ entity, name, label, type, choices: choices ? JSON.stringify(choices) : null, required: input.required ? 1 : 0, builtin: builtin ? 1 : 0, created_at: at, updated_at: at })
      .execute();
    const def = await getFieldDefinition(trx, entity, name);
    await recordAudit(trx, { entity: 'field', entityId: 0, action: 'create', changes: { field: [null, `${entity}.${name}`], type: [null, type] }, actor: s.actor, at });
    return def;
  });
}

/**
 * `crm field enable contact birth_date national_id`: the shipped definitions, as rows. `onFirstUse`:
 * enabled because a record is given a value of it (a lead's grade), under that record's permission.
 */
export async function enableFields(s: Session, entity: FieldEntity, names: string[], opts: { onFirstUse?: boolean } = {}): Promise<FieldDefinition[]> {
  if (!opts.onFirstUse) await authorize(s, 'field.manage');
  const catalogue = BUILTIN_FIELDS[entity] ?? [];
  const wanted = names.map(parseFieldName);
  for (const n of wanted) {
    if (!catalogue.some((b) => b.name === n)) throw new UserError(`"${n}" is not a built-in ${entity} field.`, catalogue.length ? `Built-in ${entity} fields: ${catalogue.map((b) => b.name).join(', ')}` : `Make your own: crm field add ${entity} ${n} --type text`);
  }
  const existing = new Set((await fieldDefinitions(s.db.kysely, entity)).map((d) => d.name));
  const out: FieldDefinition[] = [];
  for (const n of wanted) {
    if (existing.has(n)) continue;
    const b = catalogue.find((x) => x.name === n)!;
    out.push(await addField(s, entity, n, { label: b.label, type: b.type, choices: b.choices?.join(',') }, true));
    existing.add(n);
  }
  return out;
}

export async function editField(s: Session, entity: FieldEntity, rawName: string, input: FieldInput): Promise<FieldDefinition> {
  await authorize(s, 'field.manage');
  const name = parseFieldName(rawName);
  const before = await getFieldDefinition(s.db.kysely, entity, name);
  const type = input.type !== undefined ? parseFieldType(input.type) : before.type;
  const choices = input.choices !== undefined ? parseChoices(input.choices) : type === 'choice' || type === 'multi' ? before.choices : null;
  checkChoices(type, choices);
  const label = input.label !== undefined ? (cleanText(input.label) ?? before.label) : before.label;
  const required = input.required ?? before.required;
  if (type === before.type && label === before.label && required === before.required && JSON.stringify(choices) === JSON.stringify(before.choices)) {
    throw new UserError(`The ${entity} field "${name}" already is like that.`, `See it: crm field list ${entity}`, 'no_change');
  }
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    // Any choice dropped (renamed too: gold,silver → a,b has as many) may strand a stored value.
    if (type !== before.type || (choices && before.choices && before.choices.some((c) => !choices.includes(c)))) {
      // Stored values must still read as the field says; a change that would strand one is refused.
      const bad = await storedValuesFailing(trx, { ...before, type, choices });
      if (bad) throw new UserError(`${bad.count} ${entity} record(s) hold a ${name} the changed field would refuse, e.g. #${bad.id} "${bad.value}".`, `Fix or clear them first: crm ${entity} edit ${bad.id} --set ${name}=`, 'field_in_use');
    }
    await trx.updateTable('field_definitions').set({ type, label, choices: choices ? JSON.stringify(choices) : null, required: required ? 1 : 0, updated_at: at }).where('entity', '=', entity).where('name', '=', name).execute();
    await recordAudit(trx, { entity: 'field', entityId: 0, action: 'update', changes: { field: [`${entity}.${name}`, `${entity}.${name}`], type: [before.type, type] }, actor: s.actor, at });
    return getFieldDefinition(trx, entity, name);
  });
}

/** Removing a definition keeps the stored values (as plain custom fields); --purge clears them too. */
export async function removeField(s: Session, entity: FieldEntity, rawName: string, opts: { purge?: boolean } = {}): Promise<{ cleared: number }> {
  await authorize(s, 'field.manage');
  const name = parseFieldName(rawName);
  await getFieldDefinition(s.db.kysely, entity, name);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    // A saved filter naming the field would fail whenever it is used: refuse while there is one.
    const users = await (await import('./segments.js')).fieldUsers(trx, entity, name);
    if (users.length) {
      throw new ConflictError(
        `Field ${entity}.${name} is used by ${users.map((u) => u.label).join(', ')}; nothing was removed.`,
        `Change ${users.length === 1 ? 'it' : 'them'} first: ${users.map((u) => u.fix).join('; ')}`,
        'field_in_use',
      );
    }
    let cleared = 0;
    if (opts.purge) {
      const table = ENTITY_TABLES[entity];
      const rows = (await sql<{ id: number; custom_fields: string }>`SELECT id, custom_fields FROM ${sql.table(table)} WHERE custom_fields IS NOT NULL`.execute(trx)).rows;
      for (const r of rows) {
        const obj = JSON.parse(r.custom_fields) as Record<string, unknown>;
        if (!(name in obj)) continue;
        delete obj[name];
        await sql`UPDATE ${sql.table(table)} SET custom_fields = ${Object.keys(obj).length ? JSON.stringify(obj) : null}, updated_at = ${at} WHERE id = ${r.id}`.execute(trx);
        cleared++;
      }
    }
    await trx.deleteFrom('field_definitions').where('entity', '=', entity).where('name', '=', name).execute();
    await recordAudit(trx, { entity: 'field', entityId: 0, action: 'delete', changes: { field: [`${entity}.${name}`, null] }, actor: s.actor, at });
    return { cleared };
  });
}

export const ENTITY_TABLES: Record<FieldEntity, 'contacts' | 'companies' | 'deals' | 'tickets' | 'activities'> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  ticket: 'tickets',
  activity: 'activities',
};

async function storedValuesFailing(trx: Trx, def: FieldDefinition): Promise<{ count: number; id: number; value: string } | null> {
  const table = ENTITY_TABLES[def.entity];
  const rows = (await sql<{ id: number; custom_fields: string }>`SELECT id, custom_fields FROM ${sql.table(table)} WHERE custom_fields IS NOT NULL ORDER BY id`.execute(trx)).rows;
  let first: { id: number; value: string } | null = null;
  let count = 0;
  for (const r of rows) {
    const v = (JSON.parse(r.custom_fields) as Record<string, unknown>)[def.name];
    if (v === undefined || v === null) continue;
    const text = formatFieldValue({ type: def.type === 'money' ? 'money' : 'text' }, v);
    try {
      parseFieldValue(def, text);
    } catch {
      count++;
      first ??= { id: r.id, value: text };
    }
  }
  return first ? { count, ...first } : null;
}

// ---------------------------------------------------------------- values on records

/** `--set name=value` flags → field name → raw text (later flags win). */
export function parseSetFlags(sets: string[] | undefined): Record<string, string> | undefined {
  if (!sets?.length) return undefined;
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set "${s}" needs a name and a value.`, 'e.g. --set national_id=0012345679 (an empty value clears it: --set national_id=)');
    out[s.slice(0, eq).trim().toLowerCase().replace(/-/g, '_')] = s.slice(eq + 1);
  }
  return out;
}

/** Raw values for an entity's fields, validated: name → stored value (null clears). Unknown names are refused. */
export function validateFieldValues(defs: FieldDefinition[], entity: FieldEntity, raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(raw)) {
    const def = defs.find((d) => d.name === name);
    if (!def) {
      const builtin = BUILTIN_FIELDS[entity]?.some((b) => b.name === name);
      throw new UserError(`No ${entity} field "${name}".`, builtin ? `Enable the built-in one: crm field enable ${entity} ${name}` : `Add it: crm field add ${entity} ${name} --type text (see crm field list ${entity})`, 'unknown_field');
    }
    out[name] = parseFieldValue(def, text);
  }
  return out;
}

/** Stored JSON with some values set (null removes a key) → the JSON to store, or null when empty. */
export function mergeFieldValues(stored: string | null, values: Record<string, unknown>): string | null {
  const obj = stored ? (JSON.parse(stored) as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete obj[k];
    else obj[k] = v;
  }
  return Object.keys(obj).length ? JSON.stringify(obj) : null;
}

/** Checks `--set` values against the entity's fields and returns them ready for mergeFieldValues. */
export async function fieldValuesFromSets(s: Session, entity: FieldEntity, sets: Record<string, string> | undefined): Promise<Record<string, unknown> | undefined> {
  if (!sets) return undefined;
  return validateFieldValues(await fieldDefinitions(s.db.kysely, entity), entity, sets);
}

/** The required fields a new record lacks: refused on add (an import reports them in data-quality instead). */
export async function assertRequiredFields(s: Session | { db: { kysely: Trx } }, entity: FieldEntity, stored: string | null): Promise<void> {
  const defs = (await fieldDefinitions(s.db.kysely, entity)).filter((d) => d.required);
  if (!defs.length) return;
  const obj = stored ? (JSON.parse(stored) as Record<string, unknown>) : {};
  const missing = defs.filter((d) => obj[d.name] === undefined || obj[d.name] === null || obj[d.name] === '');
  if (missing.length) {
    throw new UserError(`A ${entity} needs ${missing.map((d) => d.name).join(', ')} (required field${missing.length > 1 ? 's' : ''}).`, `Give ${missing.map((d) => `--set ${d.name}=…`).join(' ')}`, 'missing_field');
  }
}

/** Money values as Money, for callers that compute with them. */
export function moneyValue(v: unknown): Money | null {
  if (!v || typeof v !== 'object' || !('amount' in v)) return null;
  const m = v as { amount: string; currency: string };
  return parseMoney(`${m.amount} ${m.currency}`);
}

/** Folded text of the values of custom fields, for free-text search (find). */
export function customSearchText(stored: string | null | undefined): string {
  if (!stored) return '';
  const obj = JSON.parse(stored) as Record<string, unknown>;
  return Object.values(obj)
    .map((v) => (v && typeof v === 'object' && 'amount' in v ? '' : Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : ''))
    .filter(Boolean)
    .join(' ');
}
