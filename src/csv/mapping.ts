/**
 * Header mapping: which file column feeds which field. Automatic for common spellings and for
 * the layouts of Salesforce, HubSpot, Google Contacts, Outlook and Thunderbird exports;
 * `--map "E-mail Address=email"` overrides. Several columns may feed one field (Outlook's
 * "Email Home" and "Email Work"): the first non-empty wins and the others are kept as custom
 * fields. Columns that feed no field are kept as custom fields (or reported when the entity
 * has none) — never dropped silently.
 */
import { rejectControlChars } from '../domain/validate.js';
import { UsageError } from '../errors.js';

export interface FieldDef {
  /** Canonical name, also the export header: first_name, email, external_id. */
  name: string;
  /** Normalised header spellings (see headerKey), in priority order. */
  aliases: string[];
}

export interface Mapping {
  header: string[];
  /** field → column indexes, highest priority first. */
  fields: Map<string, number[]>;
  /** Column indexes kept in custom_fields under their header text. */
  custom: number[];
  /** Columns not imported, with the reason (reported). */
  ignored: { index: number; reason: string }[];
}

/** "E-mail Address" → "emailaddress"; "first_name" → "firstname". */
export function headerKey(h: string): string {
  return h
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The column the importer writes its reasons into in a rejects file; ignored on re-import. */
export const ERROR_COLUMN = 'crm_import_error';

export interface UserMapping {
  source: string;
  /** Field name, or null to ignore the column. */
  field: string | null;
}

/** Parse --map values: "a=b,c=d" (repeatable). "Column=" or "Column=-" ignores a column. */
export function parseMapFlags(values: string[] | undefined): UserMapping[] {
  const out: UserMapping[] = [];
  for (const v of values ?? []) {
    for (const part of splitPairs(v)) {
      const eq = part.lastIndexOf('=');
      if (eq <= 0) throw new UsageError(`--map needs COLUMN=FIELD pairs, not "${part}".`, 'e.g. --map "E-mail Address=email,Company=company"');
      const field = part.slice(eq + 1).trim();
      out.push({ source: part.slice(0, eq).trim(), field: field === '' || field === '-' ? null : field });
    }
  }
  return out;
}

/** Split on commas that separate pairs: "a=b,c=d" → ["a=b","c=d"]. A comma inside a column name works when the next part has no "=". */
function splitPairs(v: string): string[] {
  const raw = v.split(',');
  const out: string[] = [];
  for (const piece of raw) {
    if (out.length && !piece.includes('=')) out[out.length - 1] += ',' + piece;
    else out.push(piece);
  }
  return out.map((p) => p.trim()).filter(Boolean);
}

export function buildMapping(
  header: string[],
  defs: FieldDef[],
  user: UserMapping[],
  opts: { customFields: boolean; entity: string; adjust?: (keys: string[]) => Map<number, string> },
): Mapping {
  for (const h of header) rejectControlChars(h, 'The column header'); // the rule for every cell (domain/validate.ts)
  const keys = header.map(headerKey);
  const byName = new Map<string, FieldDef>();
  for (const d of defs) {
    byName.set(headerKey(d.name), d);
  }
  const fields = new Map<string, number[]>();
  const taken = new Set<number>();
  const ignored: Mapping['ignored'] = [];
  const userFields = new Set<string>();
  for (const m of user) {
    const wanted = m.source.trim().toLowerCase();
    let idx = header.findIndex((h) => h.toLowerCase() === wanted);
    if (idx < 0) idx = keys.indexOf(headerKey(m.source));
    if (idx < 0) throw new UsageError(`--map names a column "${m.source}" that the file does not have.`, `Columns: ${header.join(', ')}`);
    taken.add(idx);
    if (m.field === null) {
      ignored.push({ index: idx, reason: 'ignored by --map' });
      continue;
    }
    const def = byName.get(headerKey(m.field));
    if (!def) throw new UsageError(`Unknown ${opts.entity} field "${m.field}" in --map.`, `Fields: ${defs.map((d) => d.name).join(', ')}`);
    userFields.add(def.name);
    fields.set(def.name, [...(fields.get(def.name) ?? []), idx]);
  }
  const special = opts.adjust?.(keys) ?? new Map<number, string>();
  const auto: { field: string; index: number; rank: number }[] = [];
  keys.forEach((k, i) => {
    if (taken.has(i)) return;
    if (header[i] === ERROR_COLUMN) {
      taken.add(i);
      ignored.push({ index: i, reason: 'the error column of a rejects file' });
      return;
    }
    const forced = special.get(i);
    if (forced) {
      auto.push({ field: forced, index: i, rank: -1 });
      return;
    }
    for (const d of defs) {
      const rank = d.aliases.indexOf(k);
      if (rank >= 0 || headerKey(d.name) === k) {
        auto.push({ field: d.name, index: i, rank: rank >= 0 ? rank : -1 });
        return;
      }
    }
  });
  auto.sort((a, b) => a.rank - b.rank || a.index - b.index);
  for (const a of auto) {
    if (userFields.has(a.field)) continue; // --map chose the column for this field
    taken.add(a.index);
    fields.set(a.field, [...(fields.get(a.field) ?? []), a.index]);
  }
  const custom: number[] = [];
  header.forEach((_h, i) => {
    if (taken.has(i)) return;
    if (opts.customFields) custom.push(i);
    else ignored.push({ index: i, reason: `${opts.entity} have no custom fields` });
  });
  return { header, fields, custom, ignored };
}

/** Lines for --show-mapping and the summary. */
export function describeMapping(m: Mapping): { column: string; field: string }[] {
  const out: { column: string; field: string; index: number }[] = [];
  for (const [field, idxs] of m.fields) {
    idxs.forEach((i, n) => out.push({ column: m.header[i]!, field: idxs.length > 1 ? `${field} (${n === 0 ? 'first' : 'else'} non-empty)` : field, index: i }));
  }
  for (const i of m.custom) out.push({ column: m.header[i]!, field: 'custom field', index: i });
  for (const g of m.ignored) out.push({ column: m.header[g.index]!, field: `not imported: ${g.reason}`, index: g.index });
  return out.sort((a, b) => a.index - b.index).map(({ column, field }) => ({ column, field }));
}
