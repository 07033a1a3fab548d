import { describe, expect, it } from 'vitest';
import { inputDigits, latinDigits } from '../../src/domain/digits.js';
import { isoDateToJalali, jalaliToIsoDate, readInputDates } from '../../src/domain/dates.js';
import { parseDate, parseDateTime } from '../../src/csv/dates.js';
import { formatValue } from '../../src/output/format.js';

describe('Persian and Arabic-Indic digits', () => {
  it('become ASCII digits in numbers, dates and amounts', () => {
    expect(latinDigits('۱۴۰۵/۱۰/۱۵')).toBe('1405/10/15');
    expect(latinDigits('٢٠٢٦-١٢-٠١')).toBe('2026-12-01');
    expect(inputDigits('۱۲۵۰۰٫۵۰ EUR')).toBe('12500.50 EUR');
    expect(inputDigits('amount:>۵٬۰۰۰')).toBe('amount:>5,000');
  });
  it('leave text in Arabic script as it was written', () => {
    expect(inputDigits('پلاک ۱۲')).toBe('پلاک ۱۲');
    expect(inputDigits('Acme 12')).toBe('Acme 12');
  });
});

describe('Jalali dates', () => {
  it('۱۴۰۵/۱۰/۱۵ with --calendar persian is 2027-01-05', () => {
    expect(readInputDates(latinDigits('۱۴۰۵/۱۰/۱۵'), 'persian')).toBe('2027-01-05');
    expect(jalaliToIsoDate(1405, 10, 15)).toBe('2027-01-05');
    expect(isoDateToJalali('2027-01-05')).toBe('1405/10/15');
  });
  it('read dates inside filters and ranges, and leave Gregorian years alone', () => {
    expect(readInputDates('close:<1405-10-15', 'persian')).toBe('close:<2027-01-05');
    expect(readInputDates('1405-01-01..1405-03-31', 'persian')).toBe('2026-03-21..2026-06-21');
    expect(readInputDates('2026-12-01', 'persian')).toBe('2026-12-01');
    expect(readInputDates('1405-10-15 14:30', 'persian')).toBe('2027-01-05 14:30');
  });
  it('refuse a Jalali-looking year without --calendar persian', () => {
    expect(() => readInputDates('1405-10-15', 'gregorian')).toThrow('"1405-10-15" looks like a Jalali year (1405) — use --calendar persian.');
    expect(() => parseDate('1405-10-15')).toThrow('looks like a Jalali year (1405)');
    expect(() => readInputDates('1405-12-31', 'persian')).toThrow('not a day of the Persian calendar');
  });
  it('are read by the importer with --calendar persian', () => {
    expect(parseDate('1405/10/15', undefined, { calendar: 'persian' })).toBe('2027-01-05');
    expect(parseDateTime('1405-10-15 09:30', undefined, 'UTC', { calendar: 'persian' })).toBe('2027-01-05T09:30:00.000Z');
  });
  it('are shown by the output formatter in human output only', () => {
    const fc = { human: true, now: new Date('2026-11-20T00:00:00Z'), timeZone: 'UTC', calendar: 'persian' as const };
    expect(formatValue('2027-01-05', 'date', fc)).toBe('1405/10/15');
    expect(formatValue('2027-01-05T09:30:00Z', 'datetime', fc)).toBe('1405/10/15 09:30');
    expect(formatValue('2027-01-05', 'date', { ...fc, human: false })).toBe('2027-01-05');
  });
});

describe('two-digit years in imports', () => {
  it('need a --date-format and follow the century pivot (default 70)', () => {
    expect(() => parseDate('25/04/26')).toThrow('two-digit year');
    expect(parseDate('03/04/26', 'MDY')).toBe('2026-03-04');
    expect(parseDate('03/04/85', 'MDY')).toBe('1985-03-04');
    expect(parseDate('03/04/85', 'DMY', { centuryPivot: 90 })).toBe('2085-04-03');
  });
});

describe('command-line values by kind (src/cli-input.ts)', () => {
  it('reads dates and numbers, keeps text and names as typed, turns ids into ASCII', async () => {
    const { TypedArgs, argumentKind, optionKind } = await import('../../src/cli-input.js');
    const typed = new TypedArgs();
    const argv = typed.normalise(['Room ۱۲', '--close', '۱۴۰۵/۱۰/۱۵', '--name=Acme ۱۲', 'company:۳', '۵']);
    expect(argv).toEqual(['Room 12', '--close', '1405/10/15', '--name=Acme 12', 'company:3', '5']);
    expect(typed.read('Room 12', argumentKind('subject'), 'gregorian')).toBe('Room ۱۲');
    expect(typed.read('Acme 12', optionKind('name'), 'gregorian')).toBe('Acme ۱۲');
    expect(typed.read('1405/10/15', optionKind('close'), 'persian')).toBe('2027-01-05');
    expect(() => typed.read('1405/10/15', optionKind('close'), 'gregorian')).toThrow('looks like a Jalali year');
    expect(typed.read('1402/05/10 call back', argumentKind('subject'), 'gregorian')).toBe('1402/05/10 call back');
    expect(typed.read('company:3', argumentKind('company'), 'gregorian')).toBe('company:3');
    expect(typed.read('5', argumentKind('contact'), 'gregorian')).toBe('5');
    expect(argumentKind('text', 'find')).toBe('search');
    expect(argumentKind('text', 'reply')).toBe('text');
  });
});
