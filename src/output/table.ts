/**
 * Box tables for a TTY. Widths come from string-width (grapheme-aware), so Persian and Arabic
 * with diacritics, CJK and ZWJ emoji stay aligned. cli-table3 was tried first: its bundled
 * string-width v4 miscounts combining marks and emoji sequences.
 */
import stringWidth from 'string-width';

export interface TableStyle {
  header: (s: string) => string;
  border: (s: string) => string;
}

const plain: TableStyle = { header: (s) => s, border: (s) => s };

/** Printable ASCII: one column per character, no need to segment graphemes. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function stringWidthOf(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

export function displayWidth(text: string): number {
  return stringWidthOf(text);
}

/** Cut text to at most `width` columns, ending with … when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidthOf(text) <= width) return text;
  const segmenter = new Intl.Segmenter();
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = stringWidthOf(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return out + '…';
}

export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = Math.max(0, width - stringWidthOf(text));
  return align === 'right' ? ' '.repeat(gap) + text : text + ' '.repeat(gap);
}

export interface TableInput {
  headers: string[];
  rows: string[][];
  align?: ('left' | 'right')[];
  maxWidths?: (number | undefined)[];
  /** Total terminal width; the widest columns shrink to fit. */
  width?: number;
  style?: TableStyle;
}

export function renderTable(input: TableInput): string {
  const style = input.style ?? plain;
  const n = input.headers.length;
  const widths = input.headers.map((h, i) => {
    let w = stringWidthOf(h);
    for (const row of input.rows) w = Math.max(w, stringWidthOf(row[i] ?? ''));
    const max = input.maxWidths?.[i];
    return max ? Math.min(w, Math.max(max, stringWidthOf(h))) : w;
  });
  if (input.width) shrinkToFit(widths, input.headers, input.width);
  const line = (l: string, m: string, r: string) => style.border(l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r);
  const row = (cells: string[], header = false) =>
    style.border('│') +
    cells
      .map((c, i) => {
        const text = pad(truncate(c ?? '', widths[i]!), widths[i]!, input.align?.[i] ?? 'left');
        return ' ' + (header ? style.header(text) : text) + ' ';
      })
      .join(style.border('│')) +
    style.border('│');
  const out = [line('┌', '┬', '┐'), row(input.headers.slice(0, n), true), line('├', '┼', '┤')];
  for (const r of input.rows) out.push(row(r));
  out.push(line('└', '┴', '┘'));
  return out.join('\n') + '\n';
}

function shrinkToFit(widths: number[], headers: string[], total: number): void {
  const overhead = widths.length * 3 + 1;
  let excess = widths.reduce((a, b) => a + b, 0) + overhead - total;
  while (excess > 0) {
    let widest = 0;
    for (let i = 1; i < widths.length; i++) if (widths[i]! > widths[widest]!) widest = i;
    const floor = Math.max(6, Math.min(stringWidthOf(headers[widest]!), 12));
    if (widths[widest]! <= floor) break;
    widths[widest]! -= 1;
    excess -= 1;
  }
}
