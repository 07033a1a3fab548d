import { Command } from 'commander';
import fc from 'fast-check';
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
  /** A command shaped like crm's: text, ref, value and path options and arguments. */
  async function parse(argv: string[], calendar: 'gregorian' | 'persian' = 'gregorian') {
    const { TypedArgs } = await import('../../src/cli-input.js');
    const typed = new TypedArgs();
    const ascii = typed.normalise(['deal', 'add', ...argv]);
    const program = new Command().exitOverride().option('-q, --quiet').option('--calendar <kind>');
    let seen: { opts: Record<string, unknown>; args: unknown[]; ascii: string[] } | undefined;
    program
      .command('deal')
      .command('add')
      .argument('<subject>')
      .argument('[ids...]')
      .option('--title <title>')
      .option('--notes <text>')
      .option('--name <name>')
      .option('--amount <amount>')
      .option('--close <date>')
      .option('--limit <n>', 'a number parsed by commander', (v: string) => Number(v))
      .option('--company <ref>')
      .option('-o, --output <file>')
      .option('--tag <tag>', 'repeatable', (v: string, prev: string[] = []) => [...prev, v])
      .action(function (this: Command) {
        typed.readCommand(this, calendar);
        seen = { opts: this.opts(), args: [...this.processedArgs], ascii };
      });
    await program.parseAsync(ascii, { from: 'user' });
    return seen!;
  }

  it('reads dates and numbers, keeps text and names as typed, turns ids into ASCII', async () => {
    const { argumentKind, optionKind, TypedArgs } = await import('../../src/cli-input.js');
    const r = await parse(['Room ۱۲', '--close', '۱۴۰۵/۱۰/۱۵', '--name=Acme ۱۲', '--company', 'company:۳', '۵'], 'persian');
    expect(r.ascii).toEqual(['deal', 'add', 'Room 12', '--close', '1405/10/15', '--name=Acme 12', '--company', 'company:3', '5']);
    expect(r.args).toEqual(['Room ۱۲', ['5']]);
    expect(r.opts).toMatchObject({ close: '2027-01-05', name: 'Acme ۱۲', company: 'company:3' });
    await expect(parse(['x', '--close', '۱۴۰۵/۱۰/۱۵'])).rejects.toThrow('looks like a Jalali year');
    const typed = new TypedArgs();
    expect(typed.read('1402/05/10 call back', argumentKind('subject'), 'gregorian')).toBe('1402/05/10 call back');
    expect(typed.read('5', argumentKind('contact'), 'gregorian')).toBe('5');
    expect(optionKind('title')).toBe('text');
    expect(argumentKind('text', 'find')).toBe('search');
    expect(argumentKind('text', 'reply')).toBe('text');
  });

  it('gives each value the text of its own token, never of another that normalises alike', async () => {
    // --title 12 beside --amount ۱۲: the title is "12", not "۱۲" (the amount is 12 either way).
    expect((await parse(['Deal', '--title', '12', '--amount', '۱۲'])).opts).toMatchObject({ title: '12', amount: '12' });
    expect((await parse(['Deal', '--amount', '۱۲', '--title', '12'])).opts).toMatchObject({ title: '12', amount: '12' });
    // The other way round, and between an argument and an option.
    expect((await parse(['12', '--title', '۱۲', '--notes=12', '--limit', '۱۲'])).opts).toMatchObject({ title: '۱۲', notes: '12', limit: 12 });
    expect((await parse(['12', '--title', '۱۲'])).args).toEqual(['12', []]);
    expect((await parse(['۱۲', '--title', '12', '--tag', '۱۲', '--tag', '12'])).opts).toMatchObject({ title: '12', tag: ['12', '12'] });
    // A short flag with its value attached, beside an argument that normalises alike.
    const attached = await parse(['12.csv', '-o۱۲.csv']);
    expect([attached.args[0], attached.opts.output]).toEqual(['12.csv', '۱۲.csv']);
  });

  // Digits of the three scripts, mixed, with a little text around them.
  const digit = fc.constantFrom(...'0123456789', ...'۰۱۲۳۴۵۶۷۸۹', ...'٠١٢٣٤٥٦٧٨٩');
  const digits = fc.array(digit, { minLength: 1, maxLength: 4 }).map((d) => d.join(''));
  const freeText = fc.oneof(digits, fc.tuple(fc.constantFrom('Room ', 'پلاک ', 'Floor ', ''), digits, fc.constantFrom('', ' B', ' ۳')).map((p) => p.join('')));

  it('property: free text is stored exactly as typed and numbers are normalised, whatever digits surround them', async () => {
    await fc.assert(
      fc.asyncProperty(freeText, freeText, freeText, digits, digits, fc.boolean(), async (subject, title, notes, amount, limit, eqForm) => {
        const argv = [subject, eqForm ? `--title=${title}` : '--title', ...(eqForm ? [] : [title]), '--amount', amount, '--notes', notes, '--limit', limit];
        const r = await parse(argv);
        expect(r.args[0]).toBe(subject);
        expect(r.opts.title).toBe(title);
        expect(r.opts.notes).toBe(notes);
        expect(r.opts.amount).toBe(inputDigits(amount));
        expect(r.opts.amount).toMatch(/^[0-9]+$/);
        expect(r.opts.limit).toBe(Number(inputDigits(limit)));
      }),
      { numRuns: 300 },
    );
  });
});
