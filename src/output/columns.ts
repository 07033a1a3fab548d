/**
 * List views are data: which columns, their labels and formats. The same view drives the
 * table on a TTY, TSV/CSV when piped, and the TUI; --json prints whole records instead.
 */
export type ColumnFormat = 'text' | 'int' | 'money' | 'date' | 'datetime' | 'age' | 'list' | 'bool' | 'percent' | 'duration';

export interface Column<R = Record<string, unknown>> {
  /** Key in the row object; also the CSV/TSV header. */
  key: string;
  /** Header on a TTY. */
  label: string;
  format?: ColumnFormat;
  /** Computed value instead of row[key]. */
  get?: (row: R) => unknown;
  align?: 'left' | 'right';
  /** Truncate on a TTY beyond this many columns (never when piped). */
  maxWidth?: number;
  /**
   * On a terminal too narrow for every column: the highest number is left out first (0: never;
   * default 5). `--wide` shows every column. See fitTable in table.ts.
   */
  priority?: number;
  /** On a narrow terminal, cut this text column no narrower than this before leaving columns out (default 8). */
  minWidth?: number;
  /** Never cut this column's cells (implied for money, numbers, dates, ages and durations). */
  whole?: boolean;
}

const WHOLE_FORMATS: ReadonlySet<ColumnFormat> = new Set(['int', 'money', 'date', 'datetime', 'age', 'bool', 'percent', 'duration']);

/** Whether a column's cells must be shown whole or not at all (amounts, ids, counts, dates). */
export function isWhole(column: Pick<Column, 'format' | 'whole'>): boolean {
  return column.whole ?? (column.format !== undefined && WHOLE_FORMATS.has(column.format));
}

export type ListView<R = Record<string, unknown>> = Column<R>[];

export function cellValue<R>(column: Column<R>, row: R): unknown {
  return column.get ? column.get(row) : (row as Record<string, unknown>)[column.key];
}
