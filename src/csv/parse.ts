/**
 * An incremental CSV parser over decoded text. It gives the records and the error that
 * csv-parse gives with the options the reader used to pass it — { delimiter, relax_column_count:
 * true, relax_quotes: true, skip_empty_lines: true } — at several times its speed: it scans with
 * indexOf/charCodeAt and slices the chunk string instead of copying byte by byte, and a line
 * without a quote is cut with one native split.
 *
 * The csv-parse behaviour it keeps (test/csv/parse.test.ts compares both on every dataset):
 * - The record delimiter is the first line break met outside quotes: "\r\n", "\n" or "\r".
 *   From then on only that one ends a record; the other breaks are field text.
 * - A field that starts with a quote is quoted: "" inside is one quote, delimiters and line
 *   breaks are text. The closing quote is the one followed by the delimiter, the record
 *   delimiter, a NUL or the end of the input.
 * - relax_quotes: a quote inside an unquoted field is text (5" display). A quote inside a quoted
 *   field followed by anything else ("abc"x) ends the quoting and the field goes on unquoted
 *   with its opening quote put back: "abc"x,y reads as ["\"abc\"x", "y"] (the doubled quotes
 *   before it stay undoubled: "a""b"x is "a"b"x).
 * - skip_empty_lines: a line with no character at all is skipped (a line "" or " " is not).
 * - A quote still open at the end of the input is the error "Quote Not Closed", whose line is
 *   csv-parse's count: one plus every "\r" and "\n" read, a "\r\n" record delimiter counting
 *   once, not counting a line break that is the very last character.
 * - A BOM is text (the reader strips the file's own BOM before parsing).
 */

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** The record delimiter, found on the first line break outside quotes. */
const RD_UNKNOWN = 0;
const RD_LF = 1;
const RD_CRLF = 2;
const RD_CR = 3;

/**
 * The largest field and the most cells one record may hold. A spreadsheet cell holds at most
 * 32,767 characters (Excel) or 50,000 (Google Sheets); a field of megabytes is nearly always a
 * stray quote that swallowed the rest of the file, and growing it without bound ran the parse
 * worker out of its heap. Checked once per chunk, so a record may pass a limit by a chunk.
 */
export const MAX_FIELD_CHARS = 8 << 20;
export const MAX_RECORD_CELLS = 100_000;

export class CsvParseError extends Error {
  readonly code: string;
  /** The line csv-parse reports (1-based). */
  readonly lines: number;
  constructor(code: string, message: string, lines: number) {
    super(message);
    this.name = 'CsvParseError';
    this.code = code;
    this.lines = lines;
  }
}

export class CsvParser {
  private readonly delimiter: string;
  private readonly dc: number;
  private rd = RD_UNKNOWN;
  /** Text being parsed: the unconsumed end of the previous chunk followed by the new one. */
  private buf = '';
  /** Up to two characters whose meaning depends on what follows (a quote, a "\r"). */
  private leftover = '';
  /** Position of the next quote in buf at or after the line being looked at (buf.length if none). */
  private nextQuote = -1;
  private starved = false;
  // The record being read: its finished fields, then the current field's text so far.
  private row: string[] = [];
  private part = '';
  private quoting = false;
  private wasQuoting = false;
  // For csv-parse's line numbers.
  private breaks = 0;
  private crlfs = 0;
  private lastCode = -1;

  constructor(delimiter: string) {
    if (delimiter.length !== 1) throw new Error(`CsvParser: the delimiter must be one character, not ${JSON.stringify(delimiter)}`);
    this.delimiter = delimiter;
    this.dc = delimiter.charCodeAt(0);
  }

  /** Parse the next piece of text; the records it completes are pushed onto out. */
  write(text: string, out: string[][]): void {
    if (!text) return;
    this.lastCode = text.charCodeAt(text.length - 1);
    this.buf = this.leftover ? this.leftover + text : text;
    this.leftover = '';
    this.run(false, out);
  }

  /** The end of the input: pushes the last record, throws a CsvParseError on an open quote. */
  end(out: string[][]): void {
    this.buf = this.leftover;
    this.leftover = '';
    this.run(true, out);
    if (this.quoting) {
      const last = this.lastCode === CR || this.lastCode === LF ? 1 : 0;
      const lines = 1 + this.breaks - this.crlfs - last;
      throw new CsvParseError('CSV_QUOTE_NOT_CLOSED', `Quote Not Closed: the parsing is finished with an opening quote at line ${lines}`, lines);
    }
    if (this.wasQuoting || this.row.length !== 0 || this.part !== '') {
      this.row.push(this.part);
      out.push(this.row);
    }
    this.row = [];
    this.part = '';
    this.wasQuoting = false;
  }

  private run(final: boolean, out: string[][]): void {
    const buf = this.buf;
    const len = buf.length;
    this.nextQuote = -1;
    let p = 0;
    while (p < len) {
      if (this.rd !== RD_UNKNOWN && this.row.length === 0 && this.part === '' && !this.quoting && !this.wasQuoting) {
        p = this.plainLines(p, out);
        if (p >= len) break;
      }
      this.starved = false;
      p = this.record(p, final, out);
      if (this.starved) break;
    }
    this.countBreaks(buf, p);
    if (p < len) this.leftover = buf.slice(p);
    this.buf = '';
    if (this.part.length + this.leftover.length > MAX_FIELD_CHARS) {
      throw new CsvParseError('CSV_FIELD_TOO_LARGE', `a field is larger than ${MAX_FIELD_CHARS >> 20} MB`, 1 + this.breaks - this.crlfs);
    }
    if (this.row.length > MAX_RECORD_CELLS) throw new CsvParseError('CSV_TOO_MANY_CELLS', `a row has more than ${MAX_RECORD_CELLS.toLocaleString('en')} cells`, 1 + this.breaks - this.crlfs);
  }

  /** Every "\r" and "\n" in buf before end, for the line number of an error. */
  private countBreaks(buf: string, end: number): void {
    let n = 0;
    for (let i = buf.indexOf('\n'); i !== -1 && i < end; i = buf.indexOf('\n', i + 1)) n++;
    for (let i = buf.indexOf('\r'); i !== -1 && i < end; i = buf.indexOf('\r', i + 1)) n++;
    this.breaks += n;
  }

  /**
   * The fast path, at the start of a record: whole lines without a quote, split on the
   * delimiter. Returns where it stopped: a line holding a quote, or one not ended in buf.
   */
  private plainLines(p: number, out: string[][]): number {
    const buf = this.buf;
    const len = buf.length;
    const rd = this.rd;
    const delimiter = this.delimiter;
    const sep = rd === RD_LF ? '\n' : rd === RD_CR ? '\r' : '\r\n';
    const sepLen = sep.length;
    let nextQuote = this.nextQuote;
    while (p < len) {
      if (nextQuote < p) {
        nextQuote = buf.indexOf('"', p);
        if (nextQuote === -1) nextQuote = len;
      }
      if (nextQuote === p) break;
      const e = buf.indexOf(sep, p);
      if (e === -1 || nextQuote < e) break;
      // An empty line is skipped (skip_empty_lines).
      if (e !== p) out.push(buf.slice(p, e).split(delimiter));
      if (sepLen === 2) this.crlfs++;
      p = e + sepLen;
    }
    this.nextQuote = nextQuote;
    return p;
  }

  /**
   * The general path, character by character as csv-parse reads them (quoted fields jump from
   * quote to quote). Reads up to the end of the current record and returns the position after
   * it; when the text runs out first it keeps the state, sets starved when it needs the
   * following characters to decide, and returns where the unread rest starts.
   */
  private record(p: number, final: boolean, out: string[][]): number {
    const buf = this.buf;
    const len = buf.length;
    const dc = this.dc;
    let part = this.part;
    for (;;) {
      if (this.quoting) {
        const j = buf.indexOf('"', p);
        if (j === -1) {
          this.part = part + buf.slice(p);
          return len;
        }
        if (j + 1 >= len && !final) {
          this.part = part + buf.slice(p, j);
          this.starved = true;
          return j;
        }
        // NaN past the end: "no next character".
        const n = buf.charCodeAt(j + 1);
        if (n === QUOTE) {
          // "" is one quote
          part += buf.slice(p, j + 1);
          p = j + 2;
          continue;
        }
        let closes = n !== n || n === 0 || n === dc;
        if (!closes && (n === CR || n === LF)) {
          const rd = this.rd;
          if (n === CR && (rd === RD_UNKNOWN || rd === RD_CRLF) && j + 2 >= len && !final) {
            this.part = part + buf.slice(p, j);
            this.starved = true;
            return j;
          }
          if (rd === RD_UNKNOWN) {
            this.rd = n === LF ? RD_LF : buf.charCodeAt(j + 2) === LF ? RD_CRLF : RD_CR;
            closes = true;
          } else if (rd === RD_LF) closes = n === LF;
          else if (rd === RD_CR) closes = n === CR;
          else closes = n === CR && buf.charCodeAt(j + 2) === LF;
        }
        this.quoting = false;
        this.wasQuoting = true;
        if (closes) {
          part += buf.slice(p, j);
          p = j + 1;
        } else if (dc === QUOTE) {
          // relax_quotes, with the quote as the delimiter: the field ends here
          this.row.push('"' + part + buf.slice(p, j));
          part = '';
          this.wasQuoting = false;
          p = j + 1;
        } else {
          // relax_quotes: not a closing quote; the field goes on unquoted, its opening quote put back
          part = '"' + part + buf.slice(p, j + 1);
          p = j + 1;
        }
      }
      // Unquoted.
      let start = p;
      let k = p;
      for (;;) {
        if (k >= len) {
          this.part = part + buf.slice(start, len);
          return len;
        }
        const c = buf.charCodeAt(k);
        if (c > QUOTE && c !== dc) {
          k++;
          continue;
        }
        if (c === QUOTE && k === start && part === '') {
          this.quoting = true;
          p = k + 1;
          break;
        }
        if (c === LF || c === CR) {
          let rd = this.rd;
          if (c === CR && (rd === RD_UNKNOWN || rd === RD_CRLF) && k + 1 >= len && !final) {
            this.part = part + buf.slice(start, k);
            this.starved = true;
            return k;
          }
          if (rd === RD_UNKNOWN) rd = this.rd = c === LF ? RD_LF : buf.charCodeAt(k + 1) === LF ? RD_CRLF : RD_CR;
          const rdLen = rd === RD_LF ? (c === LF ? 1 : 0) : rd === RD_CR ? (c === CR ? 1 : 0) : c === CR && buf.charCodeAt(k + 1) === LF ? 2 : 0;
          if (rdLen !== 0) {
            const field = part === '' ? buf.slice(start, k) : part + buf.slice(start, k);
            if (this.wasQuoting || this.row.length !== 0 || field !== '') {
              this.row.push(field);
              out.push(this.row);
              this.row = [];
            }
            if (rdLen === 2) this.crlfs++;
            this.part = '';
            this.wasQuoting = false;
            return k + rdLen;
          }
        }
        if (c === dc) {
          this.row.push(part === '' ? buf.slice(start, k) : part + buf.slice(start, k));
          part = '';
          this.wasQuoting = false;
          start = ++k;
          continue;
        }
        k++;
      }
    }
  }
}
