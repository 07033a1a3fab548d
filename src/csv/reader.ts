/**
 * A CSV file as a stream of rows: decode (encodings.ts), sniff the delimiter, parse (parse.ts:
 * csv-parse's semantics, several times faster). Synchronous on purpose: the importer pulls one
 * batch of rows at a time inside its write loop, and memory stays bounded by the chunk size
 * (1 MiB) whatever the file size.
 *
 * Row numbers count the header as row 1, as a spreadsheet shows them.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { createDecoder, type ChunkDecoder } from './encodings.js';
import { KeyCellWatch, type KeyColumns } from './key-cells.js';
import { CsvParseError, CsvParser, MAX_FIELD_CHARS, MAX_RECORD_CELLS } from './parse.js';

export interface RawRow {
  row: number;
  cells: string[];
  /** With watchKeyCells: whether a key cell of this row repeats (or may repeat) an earlier row's. */
  keySeen?: boolean;
}

export interface TableReaderOptions {
  encoding?: string;
  delimiter?: string;
  chunkSize?: number;
  /** The content, already read (standard input): no file is opened, `file` only names it in messages. */
  bytes?: Buffer;
  /** The hint of a path that cannot be read (default: about crm import). */
  pathHint?: string;
}

export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter that occurs most often outside quotes in the first line; ',' on a tie or none. */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** next() of a reader whose rows come from elsewhere: none yet, await whenReady() and ask again. */
export const ROWS_PENDING = Symbol('rows pending');

/** What the importer reads rows from: in this thread (TableReader) or a parsing worker. */
export interface RowSource {
  readonly file: string;
  readonly header: string[];
  readonly delimiter: string;
  readonly encoding: string;
  readonly bytesRead: number;
  readonly size: number;
  next(): RawRow | undefined | typeof ROWS_PENDING;
  /** After next() gave ROWS_PENDING: resolves when it is worth asking again; throws when the rows will never come. */
  whenReady?(): Promise<void>;
  /** Mark rows whose key cells repeat an earlier row's (RawRow.keySeen); before the first next(). */
  watchKeyCells?(columns: KeyColumns): void;
  close(): void;
}

export class TableReader implements RowSource {
  readonly file: string;
  header: string[] = [];
  delimiter = ',';
  encoding = 'utf-8';
  /** Bytes read so far and the file size, for progress. */
  bytesRead = 0;
  readonly size: number;
  private fd: number;
  /** With TableReaderOptions.bytes: where the next chunk starts in them. */
  private bytesAt = 0;
  private decoder?: ChunkDecoder;
  private parser?: CsvParser;
  private buf: Buffer;
  private pending: string[][] = [];
  private pendingAt = 0;
  private records = 0;
  private eof = false;
  private opts: TableReaderOptions;
  /** Whether any decoded text held a NUL (the parse worker packs cells NUL-separated otherwise). */
  sawNul = false;
  private keyCells?: KeyCellWatch;

  constructor(file: string, opts: TableReaderOptions = {}) {
    this.file = file;
    this.opts = opts;
    const hint = opts.pathHint ?? 'crm import ENTITY FILE.csv reads a CSV file saved on disk; check the path.';
    if (opts.bytes) {
      this.fd = -1;
      this.size = opts.bytes.length;
    } else {
      try {
        // Before opening: opening a FIFO blocks until someone writes to it, and a device such as
        // /dev/zero never ends.
        const kind = statSync(file);
        if (kind.isDirectory()) throw new UserError(`Cannot read ${file}: it is a directory, not a CSV file.`, hint);
        if (!kind.isFile()) throw new UserError(`Cannot read ${file}: it is not a regular file (a device, pipe or socket), not a CSV file.`, hint);
        this.fd = openSync(file, 'r');
        const st = fstatSync(this.fd);
        if (!st.isFile()) {
          closeSync(this.fd);
          throw new UserError(`Cannot read ${file}: it is not a regular file, not a CSV file.`, hint);
        }
        this.size = st.size;
      } catch (err) {
        if (err instanceof UserError) throw err;
        throw new UserError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint);
      }
    }
    this.buf = Buffer.alloc(opts.chunkSize ?? 1 << 20);
    try {
      this.start();
    } catch (err) {
      this.close();
      throw err;
    }
  }

  private start(): void {
    const n = this.readChunk();
    this.bytesRead = n;
    const first = this.buf.subarray(0, n);
    this.decoder = createDecoder(this.file, first, this.opts.encoding);
    this.encoding = this.decoder.encoding;
    const text = this.decoder.write(first.subarray(this.decoder.bomLength), this.decoder.bomLength);
    const lineEnd = text.search(/[\r\n]/);
    if ((lineEnd < 0 ? text : text.slice(0, lineEnd)).includes('\u0000')) {
      throw new UserError(`${this.file} is not a text CSV file: its first line holds NUL bytes.`, 'A spreadsheet (.xlsx, .ods) must be saved as CSV first; a UTF-16 file without a BOM needs --encoding utf-16le.', 'not_text');
    }
    this.delimiter = this.opts.delimiter ?? sniffDelimiter(text);
    // As csv-parse with relax_quotes (a quote inside an unquoted field, 5" display, is text, as
    // spreadsheets read it), relax_column_count and skip_empty_lines.
    this.parser = new CsvParser(this.delimiter);
    this.feed(text);
    if (n === 0) this.finish();
    const header = this.take();
    if (!header) throw new UserError(`${this.file} is empty: no header row.`, 'A CSV import needs a header row naming the columns.');
    this.header = header.cells.map((h, i) => h.replace(/^\uFEFF/, '').trim() || `column ${i + 1}`);
  }

  /** The next bytes into this.buf, from the file or the bytes given; 0 at the end. */
  private readChunk(): number {
    const bytes = this.opts.bytes;
    if (!bytes) return readSync(this.fd, this.buf, 0, this.buf.length, null);
    const n = bytes.copy(this.buf, 0, this.bytesAt, Math.min(bytes.length, this.bytesAt + this.buf.length));
    this.bytesAt += n;
    return n;
  }

  private feed(text: string): void {
    if (!text) return;
    if (!this.sawNul && text.includes('\u0000')) this.sawNul = true;
    try {
      this.parser!.write(text, this.pending);
    } catch (err) {
      if (err instanceof CsvParseError) this.throwParseError(err);
      throw err;
    }
  }

  private throwParseError(err: CsvParseError): never {
    if (err.code === 'CSV_FIELD_TOO_LARGE' || err.code === 'CSV_TOO_MANY_CELLS') {
      // The record being read: the ones taken, those parsed and waiting, then this one.
      const row = this.records + this.pending.length - this.pendingAt + 1;
      const what = err.code === 'CSV_FIELD_TOO_LARGE' ? `a field at row ${row} is larger than ${MAX_FIELD_CHARS >> 20} MB` : `row ${row} has more than ${MAX_RECORD_CELLS.toLocaleString('en')} cells`;
      throw new UserError(`${this.file}: ${what} — a stray quote?`, 'A quote at the start of a field runs to the next quote: check the quotes on that row (a quote inside a field is doubled: "").', 'invalid_csv');
    }
    const reason = err.message.replace(/\s+at line \d+.*$/, '');
    throw new UserError(`${this.file}: cannot read the CSV near line ${err.lines}: ${reason}`, 'Check the quotes around that line: a field with a quote, comma or line break must be quoted, and quotes inside doubled ("").', 'invalid_csv');
  }

  private finish(): void {
    if (this.eof) return;
    this.eof = true;
    this.feed(this.decoder!.end());
    try {
      this.parser!.end(this.pending);
    } catch (err) {
      if (err instanceof CsvParseError) this.throwParseError(err);
      throw err;
    }
  }

  private fill(): void {
    while (this.pendingAt >= this.pending.length && !this.eof) {
      this.pending = [];
      this.pendingAt = 0;
      const n = this.readChunk();
      if (n === 0) {
        this.finish();
        break;
      }
      const offset = this.bytesRead;
      this.bytesRead += n;
      this.feed(this.decoder!.write(this.buf.subarray(0, n), offset));
    }
  }

  private take(): RawRow | undefined {
    this.fill();
    if (this.pendingAt >= this.pending.length) return undefined;
    const cells = this.pending[this.pendingAt++];
    if (!cells) return undefined;
    this.records++;
    return { row: this.records, cells, keySeen: undefined };
  }

  /** expectedRows: the rows that will be taken (default: an estimate of the file's). */
  watchKeyCells(columns: KeyColumns, expectedRows = this.estimatedRows()): void {
    this.keyCells = new KeyCellWatch(columns, expectedRows);
  }

  /** The rows the file holds, going by the rows in the bytes read so far (the first chunk, at first). */
  private estimatedRows(): number {
    const rows = this.records + this.pending.length - this.pendingAt;
    return this.bytesRead > 0 ? Math.ceil((rows * this.size) / this.bytesRead) : 0;
  }

  /** The next data row, or undefined at the end of the file. */
  next(): RawRow | undefined {
    const r = this.take();
    if (r && this.keyCells) r.keySeen = this.keyCells.seenBefore(r.cells);
    return r;
  }

  /** The next row among those parsed so far, without reading on; undefined when none is left. */
  nextBuffered(): RawRow | undefined {
    return this.pendingAt < this.pending.length ? this.next() : undefined;
  }

  /** How many parsed rows are waiting to be taken. */
  bufferedRows(): number {
    return this.pending.length - this.pendingAt;
  }

  /** Up to n data rows. */
  nextBatch(n: number): RawRow[] {
    const out: RawRow[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.take();
      if (!r) break;
      out.push(r);
    }
    this.keyCells?.markBatch(out);
    return out;
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
