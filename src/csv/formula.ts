/**
 * Formula-injection neutralisation for exported cells, and its inverse for imports.
 * Rule: a cell starting with = @ tab CR LF gets a leading '; so does one starting with + or -
 * unless it is a plain number or phone number (digits, spaces and . , ( ) / - only, at least
 * one digit), so "+49 30 1234" and "-12.50" stay importable as they are.
 */
const PLAIN_NUMBER = /^[+-][\d\s.,()/-]*\d[\d\s.,()/-]*$/;

/** The cell as a spreadsheet will not execute it. */
export function neutralizeCell(v: string): string {
  if (v === '') return v;
  const c = v[0]!;
  if (c === '=' || c === '@' || c === '\t' || c === '\r' || c === '\n') return "'" + v;
  if ((c === '+' || c === '-') && !PLAIN_NUMBER.test(v)) return "'" + v;
  return v;
}

/** The importer's inverse: "'=SUM(A1)" back to "=SUM(A1)" (only before a character we neutralise). */
export function unneutralizeCell(v: string): string {
  return v.length > 1 && v[0] === "'" && "=+-@\t\r\n".includes(v[1]!) ? v.slice(1) : v;
}

