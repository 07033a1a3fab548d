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
  /** Value translations per column (--map-value, --map-status, --map-lifecycle, a --from preset): valueKey(cell) → value. */
  values: Map<number, Map<string, string>>;
  /** Custom columns kept under another name (--map "Col=custom:shoe_size"). */
  customNames: Map<number, string>;
}

/** One value translation: for a field's columns, or for one column (--map-value COLUMN:FROM=TO). */
export interface ValueMap {
  field?: string;
  column?: string;
  from: string;
  to: string;
  /** The flag it came from, for messages. */
  flag: string;
}

/** What a --from preset adds for one entity (src/csv/presets.ts). */
export interface PresetMapping {
  label: string;
  columns: Record<string, string>;
  values: Record<string, Record<string, string>>;
}

/** The key a value is looked up by: case, spaces, _ and - do not matter ("Waiting_on  Us" = "waiting on us"). */
export function valueKey(v: string): string {
  return v.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

/** Parse --map-value "COLUMN:FROM=TO" (repeatable). */
export function parseValueMapFlags(values: string[] | undefined): ValueMap[] {
  return (values ?? []).map((v) => {
    const colon = v.indexOf(':');
    const eq = v.lastIndexOf('=');
    if (colon <= 0 || eq < colon + 2) throw new UsageError(`--map-value needs COLUMN:FROM=TO, not "${v}".`, 'e.g. --map-value "Status:Waiting on Third Party=on_hold"');
    return { column: v.slice(0, colon).trim(), from: v.slice(colon + 1, eq).trim(), to: v.slice(eq + 1).trim(), flag: '--map-value' };
  });
}

/** Parse --map-status / --map-lifecycle "FROM=TO" pairs (repeatable, comma lists) for one field. */
export function parseFieldValueFlags(values: string[] | undefined, field: string, flag: string): ValueMap[] {
  return parseMapFlags(values).map((m) => {
    if (!m.field) throw new UsageError(`${flag} needs FILE_VALUE=OUR_VALUE, not "${m.source}=".`, `e.g. ${flag} "Waiting on Third Party=on_hold"`);
    return { field, from: m.source, to: m.field, flag };
  });
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
  opts: { customFields: boolean; entity: string; adjust?: (keys: string[]) => Map<number, string>; preset?: PresetMapping; valueMaps?: ValueMap[] },
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
  const customNames = new Map<number, string>();
  const columnOf = (source: string) => {
    const wanted = source.trim().toLowerCase();
    const idx = header.findIndex((h) => h.toLowerCase() === wanted);
    return idx >= 0 ? idx : keys.indexOf(headerKey(source));
  };
  // A preset's columns come after the user's --map (which wins for a column or a field).
  const presetPairs: (UserMapping & { preset: true })[] = [];
  for (const [source, field] of Object.entries(opts.preset?.columns ?? {})) {
    const idx = columnOf(source);
    if (idx < 0 || user.some((m) => columnOf(m.source) === idx)) continue;
    if (presetPairs.some((p) => columnOf(p.source) === idx)) continue;
    presetPairs.push({ source: header[idx]!, field, preset: true });
  }
  for (const m of [...user, ...presetPairs]) {
    const fromPreset = 'preset' in m;
    const idx = columnOf(m.source);
    if (idx < 0) throw new UsageError(`--map names a column "${m.source}" that the file does not have.`, `Columns: ${header.join(', ')}`);
    if (m.field !== null && /^custom:/i.test(m.field)) {
      if (!opts.customFields) throw new UsageError(`${opts.entity} have no custom fields: "${m.source}=${m.field}" cannot be kept.`);
      const name = m.field.slice(7).trim();
      if (!/^[\p{L}][\p{L}\p{N}_]*$/u.test(name)) throw new UsageError(`"${m.field}" needs a field name after custom: (letters, digits, _).`, 'e.g. --map "Shoe Size=custom:shoe_size"');
      taken.add(idx);
      customNames.set(idx, name);
      continue;
    }
    if (fromPreset && m.field !== null && userFields.has(m.field)) continue;
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
    if (customNames.has(i)) custom.push(i);
    if (taken.has(i)) return;
    if (opts.customFields) custom.push(i);
    else ignored.push({ index: i, reason: `${opts.entity} have no custom fields` });
  });
  return { header, fields, custom, ignored, values: valueMapsOf(header, fields, columnOf, opts), customNames };
}

/** Per column: the user's value maps first, then the preset's (the first translation of a value wins). */
function valueMapsOf(header: string[], fields: Map<string, number[]>, columnOf: (s: string) => number, opts: { preset?: PresetMapping; valueMaps?: ValueMap[] }): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  const add = (idx: number, from: string, to: string) => {
    let m = out.get(idx);
    if (!m) out.set(idx, (m = new Map()));
    const k = valueKey(from);
    if (!m.has(k)) m.set(k, to);
  };
  for (const v of opts.valueMaps ?? []) {
    if (v.column !== undefined) {
      const idx = columnOf(v.column);
      if (idx < 0) throw new UsageError(`${v.flag} names a column "${v.column}" that the file does not have.`, `Columns: ${header.join(', ')}`);
      add(idx, v.from, v.to);
    } else {
      const idxs = fields.get(v.field!);
      if (!idxs) throw new UsageError(`${v.flag} applies to the ${v.field} column, and the file has none.`, 'See --show-mapping; map one with --map "Column=' + v.field + '".');
      for (const i of idxs) add(i, v.from, v.to);
    }
  }
  for (const [field, table] of Object.entries(opts.preset?.values ?? {})) {
    for (const i of fields.get(field) ?? []) for (const [from, to] of Object.entries(table)) add(i, from, to);
  }
  return out;
}

/** Lines for --show-mapping and the summary. */
export function describeMapping(m: Mapping): { column: string; field: string }[] {
  const out: { column: string; field: string; index: number }[] = [];
  for (const [field, idxs] of m.fields) {
    idxs.forEach((i, n) => out.push({ column: m.header[i]!, field: idxs.length > 1 ? `${field} (${n === 0 ? 'first' : 'else'} non-empty)` : field, index: i }));
  }
  for (const i of m.custom) out.push({ column: m.header[i]!, field: m.customNames.has(i) ? `custom field ${m.customNames.get(i)}` : 'custom field', index: i });
  for (const g of m.ignored) out.push({ column: m.header[g.index]!, field: `not imported: ${g.reason}`, index: g.index });
  return out.sort((a, b) => a.index - b.index).map(({ column, field }) => ({ column, field }));
}
