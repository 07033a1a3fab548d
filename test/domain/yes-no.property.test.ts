/**
 * One yes/no reader (src/domain/yes-no.ts) for custom bool fields, filters, the `active` column of
 * the user and product imports and rules files. Property, on both engines: every spelling it
 * accepts (any case, spaces around, Persian words and digits) imported into a bool field and the
 * `active` columns comes out of `crm export` as true/false with the value the reader gives, and
 * that export imported into a second database exports the same bytes. A word it refuses is the
 * same one-line error on every path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDefinition } from '../../src/automation/definition.js';
import { parseFieldValue } from '../../src/domain/custom-fields.js';
import { ACTIVE_WORDS, INACTIVE_WORDS, NO_WORDS, parseYesNo, YES_WORDS, yesNo } from '../../src/domain/yes-no.js';
import { ENGINES } from '../helpers/engines.js';
import { createTestPgDatabase } from '../helpers/postgres.js';
import { runCli } from '../helpers/run-cli.js';

const WORDS = [...YES_WORDS, ...NO_WORDS];
const ACTIVE_ONLY = [...ACTIVE_WORDS, ...INACTIVE_WORDS];

/** A spelling of a word as people type it: any case, spaces around; ASCII digits also in Persian. */
const spelling = (words: readonly string[]) =>
  fc.tuple(fc.constantFrom(...words), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.constantFrom('', ' ', '  '), fc.constantFrom('', ' '), fc.boolean()).map(([w, upper, before, after, persian]) => {
    let out = [...w].map((ch, i) => (upper[i % 8] ? ch.toUpperCase() : ch)).join('');
    if (persian) out = out.replace(/[01]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
    return `${before}${out}${after}`;
  });

describe('the yes/no reader', () => {
  it('reads every word and refuses anything else with one message', () => {
    for (const w of YES_WORDS) expect(yesNo(w.toUpperCase()), w).toBe(true);
    for (const w of NO_WORDS) expect(yesNo(` ${w} `), w).toBe(false);
    expect(yesNo('۱')).toBe(true);
    expect(yesNo('archived')).toBeUndefined(); // only an `active` column reads these
    expect(yesNo('archived', { active: true })).toBe(false);
    for (const bad of ['maybe', 'yess', '2', '']) {
      expect(() => parseYesNo(bad, 'vip'), bad).toThrow(`vip: "${bad}" is not yes or no.`);
      expect(() => parseFieldValue({ name: 'vip', type: 'bool', choices: null } as never, `${bad}x`)).toThrow(`vip: "${bad}x" is not yes or no.`);
    }
    // A rules file's enabled: reads the same words (it took anything but "true" as no).
    const rule = (enabled: unknown) => parseDefinition({ name: 'r', on: 'deal.lost', actions: [{ notify: 'owner' }], enabled });
    expect(rule('Yes').enabled).toBe(true);
    expect(rule('بله').enabled).toBe(true);
    expect(rule('off').enabled).toBe(false);
    expect(rule(true).enabled).toBe(true);
    expect(() => rule('sure')).toThrow('Rule "r": enabled: "sure" is not yes or no.');
  });
});

describe.each(ENGINES)('yes/no through export → import on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-yesno-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const freshDb = async () => {
    const db = engine === 'postgres' ? await createTestPgDatabase('yesno') : join(dir, `db${++n}.db`);
    const ok = async (argv: string[]) => {
      const r = await runCli(argv, { db });
      expect(r.exitCode, `${argv.join(' ')}\n${r.stderr}`).toBe(0);
      return r.stdout;
    };
    if (engine === 'sqlite') await ok(['db', 'init']);
    await ok(['field', 'add', 'contact', 'vip', '--type', 'bool']);
    return ok;
  };
  const column = (csv: string, name: string) => (parse(csv, { columns: true }) as Record<string, string>[]).map((r) => r[name]);

  it('every accepted spelling comes back as the value the reader gives, and the export re-imports to the same bytes', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(spelling(WORDS), { minLength: 1, maxLength: 12 }), fc.array(spelling([...WORDS, ...ACTIVE_ONLY]), { minLength: 1, maxLength: 12 }), async (words, activeWords) => {
        round++;
        const a = await freshDb();
        const contacts = join(dir, `contacts-${round}.csv`);
        writeFileSync(contacts, stringify([['first_name', 'last_name', 'email', 'vip'], ...words.map((w, i) => ['Case', `${i}`, `case${i}@example.com`, w])]));
        const products = join(dir, `products-${round}.csv`);
        writeFileSync(products, stringify([['sku', 'name', 'active'], ...activeWords.map((w, i) => [`SKU-${i}`, `Product ${i}`, w])]));
        const users = join(dir, `users-${round}.csv`);
        writeFileSync(users, stringify([['handle', 'name', 'role', 'active'], ...activeWords.map((w, i) => [`user${i}`, `User ${i}`, 'rep', w])]));
        for (const [entity, file] of [['contacts', contacts], ['products', products], ['users', users]] as const) await a(['import', entity, file, '-q']);

        const exported = { contacts: await a(['export', 'contacts']), products: await a(['export', 'products']), users: await a(['export', 'users']) };
        expect(column(exported.contacts, 'vip')).toEqual(words.map((w) => String(yesNo(w))));
        const expected = new Map(activeWords.map((w, i) => [i, String(yesNo(w, { active: true }))]));
        const byKey = (csv: string, key: string, prefix: RegExp) =>
          new Map((parse(csv, { columns: true }) as Record<string, string>[]).filter((r) => prefix.test(r[key]!)).map((r) => [Number(prefix.exec(r[key]!)![1]), r.active]));
        expect(byKey(exported.products, 'sku', /^SKU-(\d+)$/)).toEqual(expected);
        expect(byKey(exported.users, 'handle', /^user(\d+)$/)).toEqual(expected);

        const b = await freshDb();
        for (const entity of ['contacts', 'products', 'users'] as const) {
          const file = join(dir, `export-${round}-${entity}.csv`);
          writeFileSync(file, exported[entity]);
          await b(['import', entity, file, '-q']);
          expect(await b(['export', entity]), entity).toBe(exported[entity]);
        }
      }),
      { numRuns: engine === 'postgres' ? 4 : 8, examples: [[WORDS, [...WORDS, ...ACTIVE_ONLY]]] },
    );
  }, 300_000);

  it('a word it does not read is rejected by the import with the same reason on every column', async () => {
    const a = await freshDb();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, stringify([['first_name', 'email', 'vip'], ['Bad', 'bad@example.com', 'maybe']]));
    const contacts = JSON.parse(await a(['import', 'contacts', file, '--dry-run', '--json']));
    writeFileSync(file, stringify([['sku', 'name', 'active'], ['BAD-1', 'Bad', 'maybe']]));
    const products = JSON.parse(await a(['import', 'products', file, '--dry-run', '--json']));
    writeFileSync(file, stringify([['handle', 'name', 'active'], ['bad', 'Bad', 'maybe']]));
    const users = JSON.parse(await a(['import', 'users', file, '--dry-run', '--json']));
    for (const r of [contacts, products, users]) expect(r.details[0].error.reason).toBe('is not yes or no');
  }, 120_000);
});
