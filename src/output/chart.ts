/** Unicode charts for a TTY: horizontal bars and sparklines. Callers skip them when piped or with --no-chart. */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** A bar of `value / max` of `width` columns, in eighths of a cell. Accepts bigint for money. */
export function bar(value: number | bigint, max: number | bigint, width: number): string {
  const v = Number(value);
  const m = Number(max);
  if (m <= 0 || v <= 0 || width <= 0) return '';
  const eighths = Math.max(1, Math.round((Math.min(v, m) / m) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

export function sparkline(values: number[]): string {
  if (values.length === 0) return '';
  const max = Math.max(...values);
  const min = Math.min(0, ...values);
  if (max === min) return SPARKS[0]!.repeat(values.length);
  return values.map((v) => SPARKS[Math.round(((v - min) / (max - min)) * (SPARKS.length - 1))]).join('');
}
