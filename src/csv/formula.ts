/**
 * The one CSV writer, and the formula-injection rule every CSV crm writes goes through
 * (`crm export`, `<noun> list|show --format csv`, `-o FILE.csv`, report CSVs).
 *
 * Neutralisation, reversible: a cell gets a leading ' when it starts with = @ tab CR LF, or
 * with an apostrophe (so a stored leading ' survives the round trip), or with + or - unless
 * it is a plain signed number or phone number: the sign, then digits, spaces and . , ( ) only,
 * an optional trailing %, at least one digit — no second operator, so "-1-1" and "+1/2" (which
 * a spreadsheet computes) are neutralised while "+49 30 1234" and "-12.50" stay as they are.
 * A cell that is exactly "?" is written "'?": the importer reads a lone ? as "no value".
 * The importer removes exactly one leading ' when the next character is one the writer marks
 * (= + - @ tab CR LF ') or the cell is "'?", so export → import → export gives back the
 * stored values.
 */
const PLAIN_NUMBER = /^[+-][\d\s.,()]*\d[\d\s.,()]*%?$/;
const MARKED = "=+-@\t\r\n'";

/** The cell as a spreadsheet will not execute it. */
export function neutralizeCell(v: string): string {
  if (v === '') return v;
  if (v === '?') return "'?"; // a lone ? is the importer's 'no value'
  const c = v[0]!;
  if (c === '=' || c === '@' || c === '\t' || c === '\r' || c === '\n' || c === "'") return "'" + v;
  if ((c === '+' || c === '-') && !PLAIN_NUMBER.test(v)) return "'" + v;
  return v;
}

/** The importer's inverse: "'=SUM(A1)" back to "=SUM(A1)", "''x" back to "'x"; "'abc" stays. */
export function unneutralizeCell(v: string): string {
  if (v === "'?") return '?';
  return v.length > 1 && v[0] === "'" && MARKED.includes(v[1]!) ? v.slice(1) : v;
}

export interface CsvOptions {
  /** Cells exactly as given (crm export --raw): no neutralisation. */
  raw?: boolean;
  /** Record delimiter: '\n' (default) or '\r\n' (--excel). */
  eol?: string;
}

/** One field: neutralised, then quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(text: string, raw = false): string {
  const v = raw ? text : neutralizeCell(text);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Records as CSV text, each ending with the record delimiter. */
export function csvRecords(records: readonly (readonly string[])[], opts: CsvOptions = {}): string {
  const eol = opts.eol ?? '\n';
  let out = '';
  for (const r of records) out += r.map((c) => csvField(c, opts.raw)).join(',') + eol;
  return out;
}
