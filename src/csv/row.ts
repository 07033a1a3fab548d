/** One mapped row as the entity converters see it, and the error a bad value raises. */
import { controlCharProblem } from '../domain/validate.js';
import { inputDigits } from '../domain/digits.js';
import { unneutralizeCell } from './formula.js';
import { valueKey, type Mapping } from './mapping.js';

export class RowError extends Error {
  constructor(
    readonly column: string,
    readonly value: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Empty cells and a lone "?" are missing values. */
export function isMissing(v: string | undefined): boolean {
  if (v === undefined) return true;
  const t = v.trim();
  return t === '' || t === '?';
}

/** A cell's value as the converters see it (trimmed, un-neutralised), or null when missing; one trim. */
export function present(v: string | undefined): string | null {
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' || t === '?' ? null : unneutralizeCell(t);
}

/**
 * Fields that are prose or a person's name: kept exactly as written, as the command line keeps
 * its text options (src/cli-input.ts TEXT_OPTIONS) — "Room ۱۲" stays "Room ۱۲". Every other
 * field (numbers, dates, amounts, ids, phones) reads Persian and Arabic-Indic digits as ASCII.
 */
const TEXT_FIELDS = new Set([
  'name', 'first_name', 'last_name', 'prefix', 'title', 'notes', 'description', 'body', 'subject', 'lost_reason',
  'address', 'city', 'region', 'country', 'industry', 'unit', 'company_role', 'requester_name',
]);

export class MappedRow {
  constructor(
    readonly mapping: Mapping,
    readonly cells: string[],
    readonly row: number,
  ) {}

  /** Row-level choices (a Google export's "Phone 3 - Value" whose type is Mobile). */
  private overrides?: Map<string, number>;

  /** Feed a field from one column for this row only; that column leaves the custom fields. */
  useColumn(field: string, index: number): void {
    (this.overrides ??= new Map()).set(field, index);
  }

  /** Whether the file has a column for this field (so an empty cell clears it on update). */
  has(field: string): boolean {
    return this.mapping.fields.has(field) || Boolean(this.overrides?.has(field));
  }

  /** Trimmed value of the first non-empty column feeding the field; null when missing. */
  get(field: string): string | null {
    const asTyped = TEXT_FIELDS.has(field);
    const o = this.overrides?.get(field);
    if (o !== undefined) return this.checked(o, present(this.cells[o]), asTyped);
    const idxs = this.mapping.fields.get(field);
    if (!idxs) return null;
    for (const i of idxs) {
      const v = present(this.cells[i]);
      if (v !== null) return this.checked(i, v, asTyped);
    }
    return null;
  }

  /**
   * The input rules of the commands: no control character but tab and newline
   * (domain/validate.ts), and Persian or Arabic-Indic digits read as ASCII (domain/digits.ts)
   * except in a text field (TEXT_FIELDS);
   * then the column's value translation, if any (--map-value, --map-status, a --from preset;
   * a translation to "" means no value).
   */
  private checked(index: number, v: string | null, asTyped = false): string | null {
    if (v === null) return v;
    const problem = controlCharProblem(v);
    if (problem !== null) throw new RowError(this.mapping.header[index] ?? '', v, problem);
    const value = asTyped ? v : inputDigits(v);
    const translate = this.mapping.values.get(index);
    if (translate === undefined) return value;
    const to = translate.get(valueKey(value));
    return to === undefined ? value : to === '' ? null : to;
  }

  /** The header of the column that gave the field its value (for error messages). */
  column(field: string): string {
    const o = this.overrides?.get(field);
    if (o !== undefined) return this.mapping.header[o]!;
    const idxs = this.mapping.fields.get(field);
    if (!idxs) return field;
    for (const i of idxs) if (!isMissing(this.cells[i])) return this.mapping.header[i]!;
    return this.mapping.header[idxs[0]!] ?? field;
  }

  fail(field: string, reason: string): never {
    throw new RowError(this.column(field), this.get(field) ?? '', reason);
  }

  /** Unmapped non-empty cells plus the runner-up values of multi-column fields, by header. */
  custom(): Record<string, string> | null {
    let out: Record<string, string> | null = null;
    const used = this.overrides ? new Set(this.overrides.values()) : undefined;
    for (const i of this.mapping.custom) {
      if (used?.has(i)) continue;
      const v = this.cells[i];
      if (isMissing(v)) continue;
      const value = this.checked(i, unneutralizeCell(v!.trim()));
      if (value !== null) (out ??= {})[this.mapping.customNames.get(i) ?? this.mapping.header[i]!] = value;
    }
    for (const idxs of this.mapping.fields.values()) {
      if (idxs.length < 2) continue;
      let first = true;
      for (const i of idxs) {
        const v = this.cells[i];
        if (isMissing(v)) continue;
        if (first) first = false;
        else (out ??= {})[this.mapping.header[i]!] = this.checked(i, unneutralizeCell(v!))!;
      }
    }
    return out;
  }
}
