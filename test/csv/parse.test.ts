/**
 * src/csv/parse.ts against csv-parse, with the options the reader used to give csv-parse: the same
 * records and the same error, on every dataset and on crafted edge cases, whatever the chunking.
 */
import { parse as csvParse } from 'csv-parse';
import { parse as csvParseSync } from 'csv-parse/sync';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/csv/encodings.js';
import { CsvParseError, CsvParser } from '../../src/csv/parse.js';
import { sniffDelimiter, TableReader } from '../../src/csv/reader.js';

const DATA = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const OPTIONS = { relax_column_count: true, relax_quotes: true, skip_empty_lines: true } as const;

interface Outcome {
  records: string[][];
  error?: { code: string; message: string; lines: number };
}

/** csv-parse, fed through its stream as the reader fed it: the records, then the error if any. */
function reference(text: string, delimiter: string): Outcome {
  const parser = csvParse({ delimiter, ...OPTIONS });
  let error: (Error & { code?: string; lines?: number }) | undefined;
  parser.on('error', (err) => (error = err));
  const records: string[][] = [];
  const drain = (): void => {
    let r: string[] | null;
    while ((r = parser.read() as string[] | null) !== null) records.push(r);
    error ??= (parser as unknown as { errored?: Error | null }).errored ?? undefined;
  };
  if (text) parser.write(text);
  drain();
  if (!error) {
    parser.end();
    drain();
  }
  return error ? { records, error: { code: error.code!, message: error.message, lines: error.lines! } } : { records };
}

function ours(chunks: string[], delimiter: string): Outcome {
  const parser = new CsvParser(delimiter);
  const records: string[][] = [];
  try {
    for (const c of chunks) parser.write(c, records);
    parser.end(records);
  } catch (err) {
    if (!(err instanceof CsvParseError)) throw err;
    return { records, error: { code: err.code, message: err.message, lines: err.lines } };
  }
  return { records };
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomChunks(text: string, seed: number, min: number, max: number): string[] {
  const rnd = random(seed);
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = min + Math.floor(rnd() * (max - min + 1));
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

function splitAt(text: string, points: number[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const p of [...new Set(points)].sort((a, b) => a - b)) {
    if (p <= at || p >= text.length) continue;
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
}

/** Positions right after a "\r" and between the two quotes of a "" (up to max of each). */
function trickyPoints(text: string, max: number): number[] {
  const points: number[] = [];
  for (let i = text.indexOf('\r'), n = 0; i !== -1 && n < max; i = text.indexOf('\r', i + 1), n++) points.push(i + 1);
  for (let i = text.indexOf('""'), n = 0; i !== -1 && n < max; i = text.indexOf('""', i + 2), n++) points.push(i + 1);
  // and right after a quote followed by a delimiter or a line break
  for (let i = text.indexOf('"'), n = 0; i !== -1 && n < max; i = text.indexOf('"', i + 1), n++) if (/[,;\t|\r\n]/.test(text[i + 1] ?? '')) points.push(i + 1);
  return points;
}

/** Ours equals csv-parse on the whole text, one character at a time, at every split point, in random chunks. */
function expectSame(text: string, delimiter = ','): Outcome {
  const expected = reference(text, delimiter);
  expect(ours([text], delimiter)).toEqual(expected);
  expect(ours([...text], delimiter)).toEqual(expected);
  if (text.length <= 400) for (let i = 1; i < text.length; i++) expect(ours([text.slice(0, i), text.slice(i)], delimiter), `split at ${i}`).toEqual(expected);
  for (let seed = 1; seed <= 5; seed++) expect(ours(randomChunks(text, seed, 1, 7), delimiter), `seed ${seed}`).toEqual(expected);
  return expected;
}

function csvFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...csvFiles(p));
    else if (e.name.toLowerCase().endsWith('.csv')) out.push(p);
  }
  return out.sort();
}

/** The file's text as the reader decodes it: the BOM's encoding, else UTF-8, else (as the import tests name it) Windows-1252. */
function decode(file: string): { text: string; encoding?: string } {
  const bytes = readFileSync(file);
  for (const encoding of [undefined, 'windows-1252']) {
    try {
      const decoder = createDecoder(file, bytes, encoding);
      return { text: decoder.write(bytes.subarray(decoder.bomLength), decoder.bomLength) + decoder.end(), encoding };
    } catch (err) {
      if (encoding || (err as { code?: string }).code !== 'invalid_encoding') throw err;
    }
  }
  throw new Error('unreachable');
}

function readAll(file: string, chunkSize?: number, encoding?: string): string[][] {
  const reader = new TableReader(file, { chunkSize, encoding });
  try {
    const rows = [reader.header];
    for (let r = reader.next(); r; r = reader.next()) rows.push(r.cells);
    return rows;
  } finally {
    reader.close();
  }
}

describe('CsvParser against csv-parse on the datasets', () => {
  const files = csvFiles(DATA);

  it('finds the datasets', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    const name = file.slice(DATA.length);
    it(`${name}: the same records, whole or in chunks of 1-7 characters, split after \\r and inside ""`, () => {
      const { text, encoding } = decode(file);
      const delimiter = sniffDelimiter(text);
      const expected = csvParseSync(text, { delimiter, ...OPTIONS }) as string[][];
      expect(expected.length).toBeGreaterThan(0);
      expect(ours([text], delimiter).records).toEqual(expected);
      expect(ours(randomChunks(text, name.length, 1, 7), delimiter).records).toEqual(expected);
      expect(ours(splitAt(text, trickyPoints(text, 200)), delimiter).records).toEqual(expected);
      expect(ours(randomChunks(text, 7, 1000, 70000), delimiter).records).toEqual(expected);

      // And through the reader, with chunk boundaries falling anywhere in the bytes.
      const header = expected[0]!.map((h, i) => h.replace(/^\uFEFF/, '').trim() || `column ${i + 1}`);
      const rows = [header, ...expected.slice(1)];
      expect(readAll(file, undefined, encoding)).toEqual(rows);
      expect(readAll(file, 4093, encoding)).toEqual(rows);
    });
  }
});

describe('CsvParser against csv-parse on edge cases', () => {
  it('empty fields, trailing delimiters, single columns, no final newline, only a header', () => {
    expect(expectSame('a,,b\n,,\n,x,\n').records).toEqual([['a', '', 'b'], ['', '', ''], ['', 'x', '']]);
    expectSame('a,b,\n1,2,\n');
    expectSame('a,b\n1,2');
    expectSame('a,b\n1,"2"');
    expectSame('a,b\n1,2,');
    expect(expectSame('a,b,c\n').records).toEqual([['a', 'b', 'c']]);
    expectSame('a,b,c');
    expectSame('"a","b"\r\n');
    expect(expectSame('email\nx@example.com\n\ny@example.com').records).toEqual([['email'], ['x@example.com'], ['y@example.com']]);
    expectSame('email\r\n"x@example.com"\r\n\r\n""\r\n');
    expectSame('');
    expectSame('a');
    expectSame('""');
    expectSame(',');
  });

  it('record delimiters: \\r\\n, lone \\r, \\n, and the other breaks after the first one decided', () => {
    expect(expectSame('a,b\r\n1,2\r\n').records).toEqual([['a', 'b'], ['1', '2']]);
    expect(expectSame('a,b\r1,2\r3,4').records).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
    // The first line break decides; later other breaks are field text.
    expect(expectSame('a\nb\r\nc\n').records).toEqual([['a'], ['b\r'], ['c']]);
    expect(expectSame('a\r\nb\nc\r\n').records).toEqual([['a'], ['b\nc']]);
    expect(expectSame('a\rb\r\nc\r').records).toEqual([['a'], ['b'], ['\nc']]);
    expectSame('a\r\r\nb\r\n');
    expectSame('"a"\rb\r\n');
    expectSame('"a"\r\nb\r');
    expectSame('a,"b"\r');
    expectSame('\r\n\r\na\r\n');
  });

  it('quoted fields: "" escapes, delimiters and mixed line breaks inside', () => {
    expect(expectSame('a,b\r\n"x\ny","p\rq"\r\n"m\r\nn","o ""quoted"", too"\r\n').records).toEqual([
      ['a', 'b'],
      ['x\ny', 'p\rq'],
      ['m\r\nn', 'o "quoted", too'],
    ]);
    expectSame('"a\r\nb",c\n"d\re"\n');
    expectSame('"",""\n"""",x\n"""a""",""""""\n');
    expectSame('a;b\n"x;y";"z\n;"\n', ';');
  });

  it('relax_quotes: a quote inside an unquoted field is text', () => {
    expect(expectSame('name,notes\nAna,wants the 27" display\nBo,5" x 3"\n').records).toEqual([
      ['name', 'notes'],
      ['Ana', 'wants the 27" display'],
      ['Bo', '5" x 3"'],
    ]);
    expectSame('a"b"c,"d"\n');
    expectSame(' "a",b\n');
  });

  it('a quoted field followed by more text before the delimiter: csv-parse (relax_quotes) keeps it as text, and so do we', () => {
    expect(expectSame('a,b\n"abc"x,y\n').records).toEqual([['a', 'b'], ['"abc"x', 'y']]);
    // csv-parse puts the opening quote back but keeps the doubled quotes undoubled.
    expect(expectSame('"a""b"x,y\n').records).toEqual([['"a"b"x', 'y']]);
    expect(expectSame('"abc" ,y\n').records).toEqual([['"abc" ', 'y']]);
    expectSame('""x\n');
    expectSame('"a"b"c,d\n');
    expectSame('"a"\n"b"c\n"d"\r\n');
    expectSame('"a"\r\n"b"\nc\r\n');
    expectSame('x\n"a"\rb\n');
  });

  it('an unclosed quote at the end is an error at csv-parse\'s line', () => {
    for (const text of ['a,b\n"x,y\n', 'a,b\n"x', '"', 'a\n"', 'a,b\r\n1,2\r\n"x\r\ny\r\n', '"a\rb', 'a\rb\r"c\r\r', '\n\n"a\n\n', 'a,"b""\n']) {
      const got = expectSame(text);
      expect(got.error?.code, JSON.stringify(text)).toBe('CSV_QUOTE_NOT_CLOSED');
    }
    expect(reference('a,b\n"x,y\n', ',').error?.message).toBe('Quote Not Closed: the parsing is finished with an opening quote at line 2');
  });

  it('empty lines at the start, in the middle and at the end are skipped; blank-looking lines are not', () => {
    expect(expectSame('\n\na,b\n\n1,2\n\n\n').records).toEqual([['a', 'b'], ['1', '2']]);
    expect(expectSame('\r\n\r\na,b\r\n\r\n1,2\r\n\r\n').records).toEqual([['a', 'b'], ['1', '2']]);
    expect(expectSame('a\n \n""\n,\n\n').records).toEqual([['a'], [' '], [''], ['', '']]);
    expectSame('\n\n\n');
    expectSame('\r\r');
  });

  it('other delimiters: ; tab | and odd ones', () => {
    expect(expectSame('a;b;c\n1;"2;3";4\n', ';').records).toEqual([['a', 'b', 'c'], ['1', '2;3', '4']]);
    expect(expectSame('a\tb\n1\t"x\ty"\n', '\t').records).toEqual([['a', 'b'], ['1', 'x\ty']]);
    expectSame('a|b\n1|2|\n"|"|x\n', '|');
    expectSame('a,b;c\n', ';');
    // What --delimiter lets through: csv-parse's answers, however odd.
    for (const d of ['"', '\r', '\n', ' ', 'é']) expectSame('a"b\n"x""y"z\r\na b\rc\r\n"p"é"q"\n', d);
  });

  it('NUL characters, a BOM as text, non-Latin and astral characters', () => {
    expect(expectSame('a,b\n\u0000x,"y\u0000"\n"q"\u0000,z\n').records).toEqual([['a', 'b'], ['\u0000x', 'y\u0000'], ['q\u0000', 'z']]);
    expectSame('\uFEFF"a",b\n1,2\n');
    expectSame('имя,名前\n"Иван ""Ваня""",李伟 😀\n');
  });

  it('very long fields spanning several chunks', () => {
    const long = 'x'.repeat(300_000);
    const quoted = ('ab""c,\r\nd' + '"'.repeat(2)).repeat(40_000);
    const text = `a,b,c\n${long},"${quoted}",z\n"${quoted}"x,${long}\n"${quoted}`;
    const expected = reference(text, ',');
    expect(expected.records).toHaveLength(3);
    expect(expected.error?.code).toBe('CSV_QUOTE_NOT_CLOSED');
    for (const chunks of [[text], randomChunks(text, 1, 1000, 5000), randomChunks(text, 2, 1, 7), splitAt(text, trickyPoints(text, 1000))]) {
      expect(ours(chunks, ',')).toEqual(expected);
    }
  });

  it('random texts over a CSV-ish alphabet', () => {
    const rnd = random(42);
    const alphabet = ['a', 'b', 'é', '😀', ',', ',', ';', '\t', '|', '"', '"', '""', '\r', '\n', '\n', '\r\n', '\r\n', '\u0000', ' ', '\uFEFF'];
    const delimiters = [',', ',', ';', '\t', '|', '"', '\r', '\n'];
    for (let t = 0; t < 3000; t++) {
      let text = '';
      const n = Math.floor(rnd() * 40);
      for (let i = 0; i < n; i++) text += alphabet[Math.floor(rnd() * alphabet.length)];
      const delimiter = delimiters[Math.floor(rnd() * delimiters.length)]!;
      const expected = reference(text, delimiter);
      const label = `${JSON.stringify(text)} ${JSON.stringify(delimiter)}`;
      expect(ours([text], delimiter), label).toEqual(expected);
      expect(ours(randomChunks(text, t, 1, 3), delimiter), label).toEqual(expected);
    }
  });
});

describe('TableReader on parse errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-parse-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const readerError = (file: string): string => {
    try {
      readAll(file);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('no error');
  };

  it('an unclosed quote names csv-parse\'s line', () => {
    const broken = write('broken.csv', 'name,email\nAna,ana@example.com\n"Bo Chen,bo@example.com\n');
    expect(readerError(broken)).toBe(`${broken}: cannot read the CSV near line 3: Quote Not Closed: the parsing is finished with an opening quote`);
    const crlf = write('crlf.csv', 'name,email\r\nAna,ana@example.com\r\n"Bo\r\nChen,bo@example.com\r\n');
    expect(reference(readFileSync(crlf, 'utf8'), ',').error?.lines).toBe(6);
    expect(readerError(crlf)).toBe(`${crlf}: cannot read the CSV near line 6: Quote Not Closed: the parsing is finished with an opening quote`);
    const header = write('header.csv', '"name,email\n');
    expect(readerError(header)).toBe(`${header}: cannot read the CSV near line 1: Quote Not Closed: the parsing is finished with an opening quote`);
    // Over chunk boundaries and through the reader's decoder, the line still counts every break.
    const big = write('big.csv', 'a,b\n' + '1,"x\r\ny"\n'.repeat(50_000) + '2,"open\n');
    const line = reference(readFileSync(big, 'utf8'), ',').error!.lines;
    expect(line).toBe(150_002);
    expect(readerError(big)).toBe(`${big}: cannot read the CSV near line ${line}: Quote Not Closed: the parsing is finished with an opening quote`);
  });

  it('a quoted field followed by more text is not an error (relax_quotes): the row keeps the text as csv-parse does', () => {
    const f = write('garbage.csv', 'name,email\n"Ana" Lima,ana@example.com\n"Bo ""B"" Chen"x,bo@example.com\n');
    expect(readAll(f)).toEqual([
      ['name', 'email'],
      ['"Ana" Lima', 'ana@example.com'],
      ['"Bo "B" Chen"x', 'bo@example.com'],
    ]);
  });

  it('keeps the header rules: BOM stripped, names trimmed, blank names numbered', () => {
    const f = write('bom.csv', '\uFEFF\uFEFF name ,,"x"\n1,2,3\n');
    expect(readAll(f)).toEqual([
      ['name', 'column 2', 'x'],
      ['1', '2', '3'],
    ]);
  });
});
