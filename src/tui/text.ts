/** Fitting database text into fixed-width cells: terminal-safe, by display width (CJK, emoji). */
import stringWidth from 'string-width';
import { safeCell } from '../output/safe.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cut to at most `width` columns (with … when cut); never pads. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const clean = safeCell(text);
  if (stringWidth(clean) <= width) return clean;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(clean)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return out + '…';
}

/** Exactly `width` columns: cut, then padded with spaces (left-aligned, or right with align). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - stringWidth(cut)));
  return align === 'right' ? pad + cut : cut + pad;
}

export { stringWidth };
