import { describe, expect, it } from 'vitest';
import { fold } from '../../src/db/fold.js';
import { searchText } from '../../src/domain/contacts.js';
import { parseDate, parseDateTime, DateError } from '../../src/csv/dates.js';
import { fastSearchText, parseAmount } from '../../src/csv/entities.js';
import { firstInvalidUtf8 } from '../../src/csv/encodings.js';
import { neutralizeCell, unneutralizeCell } from '../../src/csv/formula.js';
import { buildMapping, headerKey } from '../../src/csv/mapping.js';
import { sniffDelimiter } from '../../src/csv/reader.js';
import { ENTITIES } from '../../src/csv/entities.js';
import { IntSet } from '../../src/csv/key-hash.js';
import { cellKeyText, KeyCellWatch } from '../../src/csv/key-cells.js';
import { present } from '../../src/csv/row.js';
import { cleanText } from '../../src/domain/validate.js';
import { unpack } from '../../src/csv/threaded-reader.js';

describe('formula neutralisation', () => {
  it('neutralises cells a spreadsheet would execute, keeps numbers and phone numbers importable', () => {
    // A second operator after the sign is arithmetic a spreadsheet computes: "-1-1" shows -2.
    for (const v of ['=SUM(A1:A2)', '@cmd', '+HYPERLINK("x")', '-2+cmd|"/c calc"!A0', '\tx', '\rx', '\nx', '-', '+', '-1-1', '+1/2', '+1 (555) 123-4567']) {
      expect(neutralizeCell(v)).toBe("'" + v);
      expect(unneutralizeCell(neutralizeCell(v))).toBe(v);
    }
    for (const v of ['+49 30 1234', '-12.50', '-1,250.00', '-12.5%', 'Sara', '', '1+1', "a'b"]) expect(neutralizeCell(v)).toBe(v);
  });

  it('is reversible for a leading apostrophe: the writer marks it, the importer removes exactly one', () => {
    for (const v of ["'=1+1 Apos", "'quoted", "'", "''", "'+49 30", "''=x", '?']) {
      expect(neutralizeCell(v)).toBe("'" + v);
      expect(unneutralizeCell(neutralizeCell(v))).toBe(v);
    }
    // An apostrophe before an ordinary character is not a mark: a hand-written "'abc" imports as it is.
    expect(unneutralizeCell("'abc")).toBe("'abc");
    // A lone "?" is the importer's "no value"; a stored "?" is written "'?" and read back as "?".
    expect(present(neutralizeCell('?'))).toBe('?');
    expect(present('?')).toBe(null);
  });
});

describe('search text', () => {
  it('the ASCII fast path gives what the contacts domain computes, in any script', () => {
    for (const [f, l, e, p, m] of [
      ['Sara', 'Rahimi', 'Sara@Example.com', '+98 21 5555 0101', null],
      ['  Ana  Maria ', 'Lima', null, null, '+55 11 91234 5678'],
      ['رحيمي', 'سارا', null, '021 5555', null],
      ['ПЕТРОВ', 'Иван', 'ivan@example.ru', null, null],
      ['李', '伟', null, null, null],
      ['sara', 'o\'neil', 'sara@example.com', '030 1234', '0171 555'],
      ['A\u007fB', 'Tab\tbed', 'X@Y.Z', '', ''],
      ['', 'Ｌａｓｔ', 'user@ÉXAMPLE.com', null, null],
    ] as const) {
      const expected = searchText({ first_name: f, last_name: l, email: e, phone: p, mobile: m });
      expect(fastSearchText(f, l, e, p, m)).toBe(expected);
      expect(fastSearchText(f, l, e, p, m, e?.toLowerCase())).toBe(expected);
    }
    expect(fold('ＡＢＣ')).toBe('abc');
  });
});

describe('dates', () => {
  it('reads ISO by default and refuses ambiguous day/month orders', () => {
    expect(parseDate('2026-03-04')).toBe('2026-03-04');
    expect(parseDate('25/04/2026')).toBe('2026-04-25');
    expect(() => parseDate('03/04/2026')).toThrow(DateError);
    expect(() => parseDate('03/04/2026')).toThrow(/ambiguous/);
    expect(parseDate('03/04/2026', 'DMY')).toBe('2026-04-03');
    expect(parseDate('03/04/2026', 'MDY')).toBe('2026-03-04');
    expect(() => parseDate('31/02/2026', 'DMY')).toThrow(/not a real date/);
    expect(parseDate('03/04/26', 'DMY')).toBe('2026-04-03'); // two-digit years: read once the order is named (--century-pivot, default 70)
    expect(() => parseDate('25/04/26')).toThrow(/two-digit year/);
  });
  it('reads times in the user zone and keeps explicit offsets', () => {
    expect(parseDateTime('2023-06-01 7:29', undefined, 'UTC')).toBe('2023-06-01T07:29:00.000Z');
    expect(parseDateTime('29-02-2016 01:16', 'DMY', 'UTC')).toBe('2016-02-29T01:16:00.000Z');
    expect(parseDateTime('2026-07-01 09:00', undefined, 'Europe/Berlin')).toBe('2026-07-01T07:00:00.000Z');
    expect(parseDateTime('2006-06-15T20:47:07.000Z', undefined, 'Asia/Tokyo')).toBe('2006-06-15T20:47:07.000Z');
    expect(parseDateTime('2026-07-01T09:00:00+02:00', undefined, 'UTC')).toBe('2026-07-01T07:00:00.000Z');
  });
});

describe('amounts', () => {
  it('parses amounts exactly, with the currency from the cell or the flag', () => {
    expect(parseAmount('500000.0', 'USD')).toEqual({ minor: 50000000, currency: 'USD' });
    expect(parseAmount('1,250.50', 'EUR')).toEqual({ minor: 125050, currency: 'EUR' });
    expect(parseAmount('1250 JPY', 'USD')).toEqual({ minor: 1250, currency: 'JPY' });
    expect(parseAmount('$12', undefined)).toEqual({ minor: 1200, currency: 'USD' });
    expect(parseAmount('12.345', 'USD')).toEqual({ error: 'Too many decimals for USD in "12.345" (USD has 2)' });
    expect(parseAmount('12', undefined)).toEqual({ error: '"12" has no currency (pass --currency USD or map a currency column)' });
  });
});

describe('decoding and sniffing', () => {
  it('finds the first invalid UTF-8 byte', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe9, 0x62]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a UTF-16 surrogate
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(0); // overlong
  });
  it('sniffs the delimiter from the header outside quotes', () => {
    expect(sniffDelimiter('a,b,c\n1;2;3')).toBe(',');
    expect(sniffDelimiter('a;b;c\n')).toBe(';');
    expect(sniffDelimiter('a\tb\tc\r\n')).toBe('\t');
    expect(sniffDelimiter('a|b|"c,d,e"\n')).toBe('|');
    expect(sniffDelimiter('single\n')).toBe(',');
  });
});

describe('header mapping', () => {
  it('maps HubSpot, Salesforce, Google and Outlook spellings', () => {
    const m = buildMapping(['First Name', 'LASTNAME', 'E-mail Address', 'Mobile Phone', 'Company Name', 'Lead Status', 'Shoe size'], ENTITIES.contacts.fields, [], { customFields: true, entity: 'contacts' });
    expect(Object.fromEntries([...m.fields].map(([f, i]) => [f, i]))).toEqual({ first_name: [0], last_name: [1], email: [2], mobile: [3], company: [4], lifecycle: [5] });
    expect(m.custom).toEqual([6]);
    expect(headerKey('E-mail 1 - Value')).toBe('email1value');
  });
});

describe('the bulk-load key set', () => {
  it('answers like a Set across growth and clear', () => {
    const ours = new IntSet(4);
    const theirs = new Set<number>();
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) & 0x3fffffff;
      const v = i % 7 === 0 ? i : x % 50000; // repeats and small values, 0 included
      expect(ours.has(v)).toBe(theirs.has(v));
      if (i % 2) ours.add(v);
      else expect(ours.addIfAbsent(v)).toBe(theirs.has(v));
      theirs.add(v);
    }
    for (let v = 0; v < 50000; v += 3) expect(ours.has(v)).toBe(theirs.has(v));
    ours.clear();
    expect(ours.has(0)).toBe(false);
    expect(ours.has(x % 50000)).toBe(false);
  });
});

describe('key cells', () => {
  it('give equal texts to cells whose email or external-id keys are equal', () => {
    // The keys as the contacts converter derives them from a cell (MappedRow.get, then
    // normalizeEmail's trim and lower-casing, or cleanText).
    const emailKey = (cell: string) => present(cell)?.trim().toLowerCase() || null;
    const externalKey = (cell: string) => cleanText(present(cell));
    const alphabet = ["'", '=', '+', '-', '@', '?', ' ', '\t', '\n', 'a', 'A', 'İ', 'ß', 'K', '\u00a0'];
    let seed = 99;
    const groups = new Map<string, Set<string | null>>();
    for (let i = 0; i < 100_000; i++) {
      let cell = '';
      const length = (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % 6;
      for (let j = 0; j < length; j++) cell += alphabet[(seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % alphabet.length];
      for (const key of [emailKey(cell), externalKey(cell)]) {
        if (key === null) {
          expect(cellKeyText(cell)).toBeNull();
          continue;
        }
        const texts = groups.get(key) ?? new Set();
        texts.add(cellKeyText(cell));
        groups.set(key, texts);
      }
    }
    for (const [key, texts] of groups) if (texts.size !== 1) throw new Error(`key ${JSON.stringify(key)} has texts ${JSON.stringify([...texts])}`);
    expect(groups.size).toBeGreaterThan(1000);
  });

  it('mark a row whose key text occurred in an earlier row, in any of a field\'s columns', () => {
    const watch = new KeyCellWatch([[1, 2], [3]]);
    const rows = [
      ['Ana', 'ana@example.com', '', 'X1'],
      ['Bo', '', 'bo@example.com', ''],
      ['Cy', ' ANA@example.com ', '', ''], // same email text, other case
      ['Di', '?', 'BO@example.com', 'X2'], // the second email column
      ['Ed', '', '', 'x1'], // external ids compare case-folded too (a collision costs a lookup)
      ['Fa', 'X2', '', ''], // an email equal to an external id is another key
      ['Gu', '', '', ''],
      ['Ha', '', '', ''],
    ];
    const marks = rows.map((cells) => watch.seenBefore(cells));
    expect(marks).toEqual([false, false, true, true, true, false, false, false]);
    // In batches (as the parse worker marks them), the same marks.
    const batched = new KeyCellWatch([[1, 2], [3]]);
    const raw = rows.map((cells, i) => ({ row: i + 2, cells, keySeen: undefined as boolean | undefined }));
    for (let i = 0; i < raw.length; i += 3) batched.markBatch(raw.slice(i, i + 3));
    expect(raw.map((r) => r.keySeen)).toEqual(marks);
  });
});

describe('packed batches from the parsing worker', () => {
  it('split back into rows of their own widths, empty cells and ragged rows included', () => {
    const rows = [['a', '', 'c'], [''], ['x', 'y'], ['', '', '', '']];
    const widths = Int32Array.from(rows.map((r) => r.length));
    expect(unpack(rows.flat().join('\u0000'), widths)).toEqual(rows);
  });
});

describe('phone digits', () => {
  it('keeps exactly the 0-9 runs, as the regex it replaces', async () => {
    const { phoneDigits } = await import('../../src/db/fold.js');
    for (const p of ['+49 30 1234 5678', '(555) 123-4567 x89', '0049', '+', '', 'abc', '١٢٣ 45', '12\u00a034', '9']) {
      expect(phoneDigits(p)).toBe(p.replace(/\D+/g, ''));
    }
    expect(phoneDigits(null)).toBe('');
  });
});
