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
}

export type ListView<R = Record<string, unknown>> = Column<R>[];

export function cellValue<R>(column: Column<R>, row: R): unknown {
  return column.get ? column.get(row) : (row as Record<string, unknown>)[column.key];
}
