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
  /** Total terminal width; columns give way to fit (see fitTable). Absent: every column whole. */
  width?: number;
  /**
   * Which columns go first when even their narrowest form does not fit: the highest number is
   * dropped first (ties: the rightmost); 0 is never dropped. Default DEFAULT_PRIORITY.
   */
  priorities?: (number | undefined)[];
  /** Cells never cut (amounts, ids, counts, dates): such a column is whole or dropped. */
  whole?: boolean[];
  /** The narrowest a text column may be cut to before columns are dropped (default MIN_TEXT). */
  minWidths?: (number | undefined)[];
  style?: TableStyle;
}

export const DEFAULT_PRIORITY = 5;
/** A text column is cut no narrower than this (or its header's longest word, or its content). */
const MIN_TEXT = 8;

export interface FittedTable {
  text: string;
  /** Headers of the columns dropped to fit the width (empty when all are shown). */
  hidden: string[];
}

export function renderTable(input: TableInput): string {
  return fitTable(input).text;
}

/**
 * A box table within `width`: first headers wrap onto more lines (nothing is lost), then text
 * columns are cut with … down to a floor, and when even that does not fit, the least important
 * columns are left out — amounts, ids, counts and dates are never cut.
 */
export function fitTable(input: TableInput): FittedTable {
  const style = input.style ?? plain;
  const content = input.headers.map((_, i) => {
    let w = 0;
    for (const row of input.rows) w = Math.max(w, stringWidthOf(row[i] ?? ''));
    return w;
  });
  const headerFull = input.headers.map((h) => stringWidthOf(h));
  const headerWord = input.headers.map((h) => Math.max(0, ...h.split(' ').map((x) => stringWidthOf(x))));
  const whole = input.headers.map((_, i) => Boolean(input.whole?.[i]));
  const natural = input.headers.map((_, i) => {
    const w = Math.max(content[i]!, headerFull[i]!);
    const max = input.maxWidths?.[i];
    return max && !whole[i] ? Math.min(w, Math.max(max, headerFull[i]!)) : w;
  });
  const floor = input.headers.map((_, i) => (whole[i] ? Math.max(content[i]!, headerWord[i]!) : Math.min(natural[i]!, Math.max(input.minWidths?.[i] ?? MIN_TEXT, headerWord[i]!))));
  let shown = input.headers.map((_, i) => i);
  if (input.width) {
    const total = (cols: number[], w: number[]) => cols.reduce((a, i) => a + w[i]!, 0) + cols.length * 3 + 1;
    const priority = (i: number) => input.priorities?.[i] ?? DEFAULT_PRIORITY;
    while (total(shown, floor) > input.width) {
      let drop = -1;
      for (const i of shown) if (priority(i) > 0 && (drop < 0 || priority(i) >= priority(drop))) drop = i;
      if (drop < 0) break;
      shown = shown.filter((i) => i !== drop);
    }
  }
  const widths = shown.map((i) => natural[i]!);
  if (input.width) {
    const floors = shown.map((i) => floor[i]!);
    let excess = widths.reduce((a, b) => a + b, 0) + shown.length * 3 + 1 - input.width;
    // 1. wrap headers wider than their column's content (no cell loses anything)
    for (let k = 0; k < shown.length && excess > 0; k++) {
      const i = shown[k]!;
      const room = widths[k]! - Math.max(content[i]!, headerWord[i]!, whole[i] ? 0 : Math.min(widths[k]!, floors[k]!));
      const take = Math.min(room, excess);
      if (take > 0) {
        widths[k]! -= take;
        excess -= take;
      }
    }
    // 2. cut the widest text column, one column at a time, down to its floor
    while (excess > 0) {
      let widest = -1;
      for (let k = 0; k < shown.length; k++) if (widths[k]! > floors[k]! && (widest < 0 || widths[k]! > widths[widest]!)) widest = k;
      if (widest < 0) break;
      widths[widest]! -= 1;
      excess -= 1;
    }
  }
  const headerLines = shown.map((i, k) => wrapWords(input.headers[i]!, widths[k]!));
  const height = Math.max(1, ...headerLines.map((l) => l.length));
  const line = (l: string, m: string, r: string) => style.border(l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r);
  const row = (cells: string[], header = false) =>
    style.border('│') +
    cells
      .map((c, k) => {
        const text = pad(truncate(c ?? '', widths[k]!), widths[k]!, input.align?.[shown[k]!] ?? 'left');
        return ' ' + (header ? style.header(text) : text) + ' ';
      })
      .join(style.border('│')) +
    style.border('│');
  const out = [line('┌', '┬', '┐')];
  for (let h = 0; h < height; h++) out.push(row(headerLines.map((l) => l[h] ?? ''), true));
  out.push(line('├', '┼', '┤'));
  for (const r of input.rows) out.push(row(shown.map((i) => r[i] ?? '')));
  out.push(line('└', '┴', '┘'));
  return { text: out.join('\n') + '\n', hidden: input.headers.filter((_, i) => !shown.includes(i)) };
}

/** Words on lines of at most `width` columns (a word longer than that gets its own line, cut later). */
export function wrapWords(text: string, width: number): string[] {
  if (stringWidthOf(text) <= width) return [text];
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const next = current ? `${current} ${word}` : word;
    if (current && stringWidthOf(next) > width) {
      lines.push(current);
      current = word;
    } else current = next;
  }
  if (current) lines.push(current);
  return lines;
}
