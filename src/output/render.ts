/**
 * One row model, five renderings: table (TTY), tsv (piped), csv, json, ndjson.
 * stdout carries results only; -o FILE sends them to a file instead.
 */
import { writePrivateFile } from './files.js';
import { UsageError } from '../errors.js';
import type { IOStreams } from '../io.js';
import { cellValue, isWhole, type Column, type ListView } from './columns.js';
import { formatValue, type FormatContext } from './format.js';
import { Money } from '../domain/money.js';
import type { CalendarKind } from '../domain/dates.js';
import { csvRecords } from '../csv/formula.js';
import { jsonEscaped, realize, safeBlock, safeCell } from './safe.js';
import { fitTable } from './table.js';
import { colors } from './color.js';

export const FORMATS = ['table', 'tsv', 'csv', 'json', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

export interface OutputOptions {
  format?: string;
  json?: boolean;
  outFile?: string;
  /** --wide: tables show every column whole, whatever the terminal's width. */
  wide?: boolean;
  now: Date;
  timeZone?: string;
  /** persian: dates and times are shown in the Jalali calendar (JSON keeps ISO). */
  calendar?: CalendarKind;
}

export interface Output {
  io: IOStreams;
  opts: OutputOptions;
}

export function parseFormat(value: string | undefined): Format | undefined {
  if (value === undefined) return undefined;
  const f = value.toLowerCase();
  if (!(FORMATS as readonly string[]).includes(f)) {
    const document = ['md', 'html', 'txt'].includes(f);
    throw new UsageError(`${document ? `--format ${f} is for documents` : `Unknown format "${value}"`}.`, `${document ? 'e.g. crm quote render Q-2026-0001 --format html. Here use' : 'Use'} one of: ${FORMATS.join(', ')}.`);
  }
  return f as Format;
}

/** --format wins, then --json; else a table on a TTY and TSV when piped or written to a file. */
export function resolveFormat(out: Output, fallbackPiped: Format = 'tsv'): Format {
  const explicit = parseFormat(out.opts.format);
  if (explicit) return explicit;
  if (out.opts.json) return 'json';
  if (out.opts.outFile) {
    if (/\.csv$/i.test(out.opts.outFile)) return 'csv';
    if (/\.ndjson$/i.test(out.opts.outFile)) return 'ndjson';
    if (/\.json$/i.test(out.opts.outFile)) return 'json';
    return fallbackPiped;
  }
  return out.io.isStdoutTTY ? 'table' : fallbackPiped;
}

export function isJsonFormat(out: Output): boolean {
  const f = resolveFormat(out);
  return f === 'json' || f === 'ndjson';
}

/** Whether human formatting applies (relative times, grouped money, colour). */
export function isHuman(out: Output): boolean {
  return resolveFormat(out) === 'table';
}

function formatContext(out: Output, human: boolean): FormatContext {
  return {
    human,
    now: out.opts.now,
    // Read when a time is shown, not before (the zone may cost ICU's set-up: src/context.ts).
    get timeZone() {
      return out.opts.timeZone;
    },
    calendar: out.opts.calendar,
  };
}

export function emit(out: Output, text: string): void {
  if (out.opts.outFile) {
    writePrivateFile(out.opts.outFile, realize(text), { overwrite: true }); // a file is not a terminal: the bytes as written
    return;
  }
  out.io.stdout.write(text);
}

export function toJson(value: unknown): string {
  return jsonEscaped(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
}

function toJsonLine(value: unknown): string {
  return jsonEscaped(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

export interface ListOptions {
  /** Shown on stderr (TTY only) when there are no rows. */
  emptyMessage?: string;
}

/** Render a list. JSON gets whole records; the other formats get the view's columns. */
export function printList<R>(out: Output, view: ListView<R>, rows: R[], opts: ListOptions = {}): void {
  const format = resolveFormat(out);
  const hidden: string[] = [];
  emit(out, renderList(out, format, view, rows, hidden));
  if (rows.length === 0 && format === 'table' && opts.emptyMessage) out.io.stderr.write(opts.emptyMessage + '\n');
  noteHidden(out, hidden);
}

/** The width a terminal table must fit: none for a file or with --wide. */
export function tableWidth(out: Output): number | undefined {
  return out.opts.outFile || out.opts.wide ? undefined : out.io.width;
}

/** On stderr, which columns a table left out to fit the terminal (stdout keeps results only). */
export function noteHidden(out: Output, hidden: string[]): void {
  if (!hidden.length) return;
  const names = [...new Set(hidden)].map((h) => h.toLowerCase());
  out.io.stderr.write(`Not shown at ${out.io.width} columns: ${names.join(', ')} (--wide shows every column).\n`);
}

export function renderList<R>(out: Output, format: Format, view: ListView<R>, rows: R[], hidden?: string[]): string {
  switch (format) {
    case 'json':
      return toJson(rows) + '\n';
    case 'ndjson':
      return rows.map((r) => toJsonLine(r) + '\n').join('');
    case 'csv': {
      const fc = formatContext(out, false);
      return csvRecords([view.map((c) => c.key), ...rows.map((r) => view.map((c) => formatValue(cellValue(c, r), c.format, fc)))]);
    }
    case 'tsv': {
      const fc = formatContext(out, false);
      const lines = [view.map((c) => c.key).join('\t')];
      for (const r of rows) lines.push(view.map((c) => formatValue(cellValue(c, r), c.format, fc)).join('\t'));
      return lines.join('\n') + '\n';
    }
    case 'table': {
      const fc = formatContext(out, true);
      const c = colors(out.io);
      if (rows.length === 0) return '';
      const fitted = fitTable({
        headers: view.map((col) => col.label),
        rows: rows.map((r) => view.map((col) => formatValue(cellValue(col, r), col.format, fc))),
        align: view.map((col) => col.align ?? (col.format === 'money' || col.format === 'int' || col.format === 'percent' ? 'right' : 'left')),
        maxWidths: view.map((col) => col.maxWidth),
        width: tableWidth(out),
        priorities: view.map((col) => col.priority),
        minWidths: view.map((col) => col.minWidth),
        whole: view.map((col) => isWhole(col) || rows.some((r) => cellValue(col, r) instanceof Money)),
        style: { header: c.bold, border: c.dim },
      });
      hidden?.push(...fitted.hidden);
      return fitted.text;
    }
  }
}

export interface Section {
  title: string;
  /** A sub-list (people at a company, deal history)… */
  view?: ListView<any>;
  rows?: unknown[];
  /** …or free text (description, notes). */
  text?: string;
}

/**
 * Render one record: "Label  value" lines and sections on a TTY; key<TAB>value when piped;
 * the whole record as JSON with --json. `record` is what JSON prints; `fields` what humans read.
 */
export function printRecord<R>(out: Output, record: R, fields: ListView<R>, sections: Section[] = []): void {
  const format = resolveFormat(out);
  if (format === 'json' || format === 'ndjson') {
    emit(out, (format === 'json' ? toJson(record) : toJsonLine(record)) + '\n');
    return;
  }
  if (format === 'csv') {
    emit(out, renderList(out, 'csv', fields, [record]));
    return;
  }
  const human = format === 'table';
  const fc = formatContext(out, human);
  const c = colors(out.io);
  const labelWidth = Math.max(...fields.map((f) => (human ? f.label : f.key).length));
  const lines: string[] = [];
  for (const f of fields) {
    const value = formatValue(cellValue(f, record), f.format, fc);
    if (human) {
      if (value === '') continue;
      lines.push(`${c.dim((f.label + ':').padEnd(labelWidth + 2))}${value}`);
    } else {
      lines.push(`${f.key}\t${value}`);
    }
  }
  let text = lines.join('\n') + '\n';
  // Sections (related records, the timeline, notes) follow, on a terminal as tables and piped
  // as plain sections: a blank line, the title with its count, then TSV with a header row.
  const hidden: string[] = [];
  for (const s of sections) {
    if (s.text !== undefined) {
      if (s.text.trim() === '') continue;
      text += `\n${c.bold(s.title)}\n${human ? safeBlock(s.text) : s.text.replace(/\n+$/, '')}\n`;
    } else if (s.view && s.rows) {
      text += `\n${c.bold(s.title)} (${s.rows.length})\n`;
      if (s.rows.length) text += renderList(out, human ? 'table' : 'tsv', s.view, s.rows, hidden);
    }
  }
  emit(out, text);
  noteHidden(out, hidden);
}

/** After a create: the id on stdout (for `id=$(crm … add)`), or the whole record with --json. */
export function printCreated(out: Output, id: number | string, record: unknown): void {
  if (isJsonFormat(out)) emit(out, toJson(record) + '\n');
  else emit(out, `${id}\n`);
}

/** After a change: the record with --json; otherwise nothing on stdout (confirmation goes to stderr). */
export function printChanged(out: Output, record: unknown): void {
  if (isJsonFormat(out)) emit(out, toJson(record) + '\n');
}

export { safeCell };
export type { Column };
