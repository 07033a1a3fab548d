import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliFor, tempDb, useTempDb } from '../helpers/run-cli.js';
import { importFieldOfHeader } from '../../src/csv/entities.js';
import { BUILTIN_FIELDS } from '../../src/domain/custom-fields.js';

const t = useTempDb();
const { crm } = t;

async function ok(argv: string[]): Promise<string> {
  const r = await crm(argv);
  if (r.exitCode !== 0) throw new Error(`crm ${argv.join(' ')} → ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

async function ids(argv: string[]): Promise<number[]> {
  const r = await crm([...argv, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.json().map((x: { id: number }) => x.id);
}

/** Two people at two companies, with the source's fields enabled. */
async function seed(): Promise<void> {
  await ok(['field', 'enable', 'contact', 'gender', 'birth_date', 'national_id']);
  await ok(['field', 'add', 'contact', 'shoe_size', '--type', 'number']);
  await ok(['field', 'add', 'contact', 'langs', '--type', 'multi', '--choices', 'fa,en,de']);
  await ok(['company', 'add', 'Bazaar Co', '--city', 'Tehran', '--industry', 'retail']);
  await ok(['company', 'add', 'Berlin Tech', '--city', 'Berlin', '--industry', 'software']);
  await ok(['contact', 'add', 'Ali Rezaei', '--email', 'ali@example.com', '--company', 'Bazaar Co', '--set', 'national_id=0012345679', '--set', 'gender=M', '--set', 'birth_date=1985-02-03', '--set', 'shoe_size=42', '--set', 'langs=fa,en']);
  await ok(['contact', 'add', 'Sara Weber', '--email', 'sara@example.com', '--company', 'Berlin Tech', '--set', 'gender=f', '--set', 'birth_date=1995-06-01', '--set', 'langs=de']);
}

describe('crm field', () => {
  it('enables built-in fields, adds typed ones, and lists them (with --available, the rest of the catalogue)', async () => {
    await seed();
    const list = (await crm(['field', 'list', 'contact', '--json'])).json();
    expect(list.map((f: { name: string }) => f.name)).toEqual(['gender', 'birth_date', 'national_id', 'shoe_size', 'langs']);
    expect(list[0]).toMatchObject({ entity: 'contact', type: 'choice', choices: ['f', 'm', 'x'], builtin: true, required: false });
    const available = (await crm(['field', 'list', 'company', '--available', '--json'])).json();
    expect(available.map((f: { name: string }) => f.name)).toEqual(['code', 'fax', 'email', 'po_box', 'founding_date', 'relationship']);
    expect(available.every((f: { enabled: boolean }) => !f.enabled)).toBe(true);
  });

  it('refuses unknown types, missing choices, a name an entity already has, and a duplicate — one line each', async () => {
    for (const [argv, message, code] of [
      [['field', 'add', 'contact', 'x', '--type', 'colour'], 'Unknown field type "colour".', 2],
      [['field', 'add', 'contact', 'g', '--type', 'choice'], 'A choice field needs --choices.', 2],
      [['field', 'add', 'contact', 'email'], 'A contact already has "email"; a custom field cannot shadow it.', 1],
      [['field', 'enable', 'contact', 'shoe'], '"shoe" is not a built-in contact field.', 1],
    ] as const) {
      const r = await crm([...argv]);
      expect(r.exitCode, argv.join(' ')).toBe(code);
      expect(r.stderr.split('\n')[0]).toBe(`error: ${message}`);
    }
    const alias = await crm(['field', 'add', 'contact', 'description']);
    expect(alias.exitCode).toBe(1);
    expect(alias.stderr.split('\n')[0]).toBe('error: A contact column named "description" imports into notes; a custom field cannot take that name.');
    await ok(['field', 'add', 'contact', 'code']);
    const dup = await crm(['field', 'add', 'contact', 'code']);
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toContain('The contact field "code" exists already.');
  });

  it('no built-in field has a name the importer maps to one of its own columns (so its export column imports back)', () => {
    for (const f of BUILTIN_FIELDS.contact!) expect(importFieldOfHeader('contacts', f.name), f.name).toBeUndefined();
    for (const f of BUILTIN_FIELDS.company!) expect(importFieldOfHeader('companies', f.name), f.name).toBeUndefined();
  });

  it('edit changes choices and required; it refuses a type change that stored values would fail', async () => {
    await seed();
    await ok(['field', 'edit', 'contact', 'gender', '--choices', 'f,m,x,unknown']);
    await ok(['contact', 'edit', 'sara@example.com', '--set', 'gender=unknown']);
    const r = await crm(['field', 'edit', 'contact', 'langs', '--type', 'number']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('2 contact record(s) hold a langs the changed field would refuse');
  });

  it('remove keeps the stored values as plain custom fields; --purge clears them (and wants --yes when piped)', async () => {
    await seed();
    await ok(['field', 'remove', 'contact', 'shoe_size']);
    expect((await crm(['contact', 'show', 'ali@example.com', '--json'])).json().customFields.shoe_size).toBe(42);
    const refused = await crm(['field', 'remove', 'contact', 'langs', '--purge']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('--yes');
    await ok(['field', 'remove', 'contact', 'langs', '--purge', '--yes']);
    expect((await crm(['contact', 'show', 'ali@example.com', '--json'])).json().customFields.langs).toBeUndefined();
  });
});

describe('custom field values on records', () => {
  it('--set validates (check digit, dates, choices, unknown names) with one-line errors and writes nothing', async () => {
    await seed();
    for (const [set, message] of [
      ['national_id=0012345678', 'national_id: "0012345678" is not a valid Iranian national ID (the check digit does not match).'],
      ['birth_date=1990-02-30', 'birth_date: "1990-02-30" is not a date.'],
      ['gender=q', 'gender: "q" is not one of its choices.'],
      ['wedding_date=2020-01-01', 'No contact field "wedding_date".'],
    ]) {
      const r = await crm(['contact', 'add', 'X Y', '--email', 'x@example.com', '--set', set!]);
      expect(r.exitCode, set).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(`error: ${message}`);
      expect(r.stderr).not.toContain('    at ');
    }
    expect((await crm(['contact', 'add', 'X Y', '--email', 'x@example.com', '--set', 'wedding_date=2020-01-01'])).stderr).toContain('crm field enable contact wedding_date');
    expect(await ids(['contact', 'list'])).toEqual([1, 2]);
  });

  it('show prints them by label on a terminal and as customFields in JSON; an empty value clears one', async () => {
    await seed();
    const tty = await crm(['contact', 'show', 'ali@example.com', '--timeline-limit', '0'], { tty: true, env: { NO_COLOR: '1' } });
    expect(tty.stdout).toMatch(/National ID:\s+0012345679/);
    expect(tty.stdout).toMatch(/Birth date:\s+1985-02-03/);
    expect(tty.stdout).toMatch(/Langs:\s+fa, en/);
    expect((await crm(['contact', 'show', 'ali@example.com', '--json'])).json().customFields).toEqual({ national_id: '0012345679', gender: 'm', birth_date: '1985-02-03', shoe_size: 42, langs: ['fa', 'en'] });
    await ok(['contact', 'edit', 'ali@example.com', '--set', 'shoe_size=']);
    expect((await crm(['contact', 'show', 'ali@example.com', '--json'])).json().customFields.shoe_size).toBeUndefined();
    const same = await crm(['contact', 'edit', 'ali@example.com', '--set', 'gender=m']);
    expect(same.exitCode).toBe(1);
    expect(same.stderr).toContain('Nothing to change');
  });

  it('filters by them in the filter language, and find searches their values', async () => {
    await seed();
    expect(await ids(['contact', 'list', 'national_id:00123'])).toEqual([1]);
    expect(await ids(['contact', 'list', 'birth_date:<1990'])).toEqual([1]);
    expect(await ids(['contact', 'list', 'birth_date:1995'])).toEqual([2]);
    expect(await ids(['contact', 'list', 'gender:f'])).toEqual([2]);
    expect(await ids(['contact', 'list', 'not:gender:f'])).toEqual([1]);
    expect(await ids(['contact', 'list', 'shoe_size:>40'])).toEqual([1]);
    expect(await ids(['contact', 'list', 'shoe_size:none'])).toEqual([2]);
    expect(await ids(['contact', 'list', 'langs:de,en'])).toEqual([1, 2]);
    expect(await ids(['contact', 'list', 'langs:fa'])).toEqual([1]);
    expect(await ids(['contact', 'find', '0012345679'])).toEqual([1]);
    const bad = await crm(['contact', 'list', 'gender:q']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('gender is one of: f, m, x');
  });

  it('a merge keeps the other contact\'s field values where the kept one has none, and find finds them', async () => {
    await seed();
    await ok(['contact', 'add', 'Sara W.', '--email', 'sara.w@example.com', '--set', 'national_id=0012345679', '--set', 'gender=m']);
    await ok(['contact', 'merge', 'sara@example.com', 'sara.w@example.com', '--yes']);
    expect((await crm(['contact', 'show', 'sara@example.com', '--json'])).json().customFields).toMatchObject({ gender: 'f', national_id: '0012345679', langs: ['de'] });
    expect(await ids(['contact', 'find', '0012345679'])).toEqual([1, 2]);
  });

  it('contact filters reach their company, its custom fields included', async () => {
    await seed();
    await ok(['field', 'enable', 'company', 'po_box']);
    await ok(['company', 'edit', 'Berlin Tech', '--set', 'po_box=PF 1234']);
    expect(await ids(['contact', 'list', 'company.city:tehran'])).toEqual([1]);
    expect(await ids(['contact', 'list', 'company.industry:retail,software'])).toEqual([1, 2]);
    expect(await ids(['contact', 'list', 'company.po_box:any'])).toEqual([2]);
    const bad = await crm(['contact', 'list', 'company.colour:red']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Unknown field "colour" for company');
  });

  it('deals, tickets and activities take --set, show and filter the same way', async () => {
    await seed();
    await ok(['field', 'add', 'deal', 'region_code', '--type', 'choice', '--choices', 'north,south']);
    await ok(['field', 'add', 'ticket', 'rma', '--type', 'bool']);
    await ok(['field', 'add', 'activity', 'mood', '--type', 'number']);
    await ok(['deal', 'add', 'Big one', '--amount', '100 EUR', '--set', 'region_code=North']);
    expect((await crm(['deal', 'show', '1', '--json'])).json().customFields).toEqual({ region_code: 'north' });
    expect(await ids(['deal', 'list', 'region_code:north'])).toEqual([1]);
    await ok(['ticket', 'open', 'Broken', '--contact', 'ali@example.com', '--set', 'rma=yes']);
    expect(await ids(['ticket', 'list', 'rma:yes'])).toEqual([1]);
    await ok(['ticket', 'edit', '1', '--set', 'rma=no']);
    expect(await ids(['ticket', 'list', 'rma:yes'])).toEqual([]);
    expect(await ids(['ticket', 'list', 'rma:no'])).toEqual([1]);
    await ok(['log', 'call', 'ali@example.com', 'Chat']);
    await ok(['activity', 'edit', '1', '--set', 'mood=3']);
    expect(await ids(['activity', 'list', 'mood:>=3'])).toEqual([1]);
  });

  it('a required field is demanded on add and its missing values are a data-quality check', async () => {
    await seed();
    await ok(['field', 'edit', 'contact', 'national_id', '--required']);
    const r = await crm(['contact', 'add', 'New One', '--email', 'new@example.com']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('error: A contact needs national_id (required field).');
    const dq = (await crm(['report', 'data-quality', '--json'])).json();
    expect(dq.checks).toContainEqual(expect.objectContaining({ check: 'missing-contact-national_id', count: 1, examples: [2], fix: 'crm contact edit ID --set national_id=…' }));
  });
});

describe('custom fields in CSV', () => {
  it('export gives each field a column; import reads them back through the same validators; export → import → export is identical', async () => {
    await seed();
    await ok(['contact', 'edit', 'ali@example.com', '--set', 'shoe_size=42.5']);
    const first = await ok(['export', 'contacts']);
    expect(first.split('\n')[0]).toBe('first_name,last_name,email,phone,mobile,company,title,prefix,company_role,lifecycle,source,owner,notes,tags,external_id,created,gender,birth_date,national_id,shoe_size,langs,custom_fields');
    const file = join(t.dir, 'contacts.csv');
    writeFileSync(file, first);
    const other = tempDb();
    try {
      const crm2 = cliFor(other.db);
      for (const argv of [
        ['field', 'enable', 'contact', 'gender', 'birth_date', 'national_id'],
        ['field', 'add', 'contact', 'shoe_size', '--type', 'number'],
        ['field', 'add', 'contact', 'langs', '--type', 'multi', '--choices', 'fa,en,de'],
      ]) expect((await crm2(argv)).exitCode).toBe(0);
      const imported = await crm2(['import', 'contacts', file, '--create-missing', 'companies,users']);
      expect(imported.exitCode, imported.stderr).toBe(0);
      expect((await crm2(['contact', 'show', 'ali@example.com', '--json'])).json().customFields).toEqual({ national_id: '0012345679', gender: 'm', birth_date: '1985-02-03', shoe_size: 42.5, langs: ['fa', 'en'] });
      expect((await crm2(['export', 'contacts'])).stdout).toBe(first);
    } finally {
      other.cleanup();
    }
  });

  it('an import rejects a row whose field value the validator refuses, naming the column', async () => {
    await ok(['field', 'enable', 'contact', 'national_id', 'birth_date']);
    const file = join(t.dir, 'people.csv');
    writeFileSync(file, 'name,email,National ID,birth_date\nGood One,good@example.com,12345679,1980-01-01\nBad One,bad@example.com,0012345678,1980-01-01\nWorse One,worse@example.com,0012345679,1980-13-01\n');
    const r = await crm(['import', 'contacts', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('row 3, National ID "0012345678": is not a valid Iranian national ID (the check digit does not match)');
    expect(r.stderr).toContain('row 4, birth_date "1980-13-01": is not a date');
    const skip = await crm(['import', 'contacts', file, '--skip-invalid']);
    expect(skip.stdout).toContain('1 created, 0 updated, 0 unchanged, 2 rejected');
    expect((await crm(['contact', 'show', 'good@example.com', '--json'])).json().customFields).toEqual({ national_id: '0012345679', birth_date: '1980-01-01' });
  });
});

describe('crm segment', () => {
  it('saves a filter, counts it, and segment:NAME works in lists and exports; names and entities are checked', async () => {
    await seed();
    const add = await crm(['segment', 'add', 'tehran-men', 'company.city:Tehran gender:m']);
    expect(add.exitCode, add.stderr).toBe(0);
    expect(add.stdout.trim()).toBe('tehran-men');
    expect(add.stderr).toContain('1 match now');
    expect(await ids(['contact', 'list', 'segment:tehran-men'])).toEqual([1]);
    expect(await ids(['contact', 'list', 'not:segment:tehran-men'])).toEqual([2]);
    const csv = await ok(['export', 'contacts', 'segment:tehran-men']);
    expect(csv.trim().split('\n')).toHaveLength(2);
    expect(csv).toContain('ali@example.com');
    await ok(['segment', 'add', 'north', '--for', 'deal', 'status:open']);
    expect((await crm(['segment', 'list', '--json'])).json()).toEqual([
      expect.objectContaining({ name: 'north', entity: 'deal', filter: 'status:open', matching: 0 }),
      expect.objectContaining({ name: 'tehran-men', entity: 'contact', matching: 1 }),
    ]);
    expect((await crm(['segment', 'show', 'tehran-men', '--json'])).json()).toMatchObject({ name: 'tehran-men', matching: 1 });
    const wrong = await crm(['contact', 'list', 'segment:north']);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain('segment "north" selects deal records, not contact records');
    const badFilter = await crm(['segment', 'add', 'oops', 'colour:red']);
    expect(badFilter.exitCode).toBe(2);
    expect(badFilter.stderr).toContain('Unknown field "colour" for contact');
    expect((await crm(['segment', 'add', 'tehran-men', 'gender:f'])).stderr).toContain('A segment "tehran-men" exists already.');
    await ok(['segment', 'remove', 'tehran-men']);
    const gone = await crm(['contact', 'list', 'segment:tehran-men']);
    expect(gone.exitCode).toBe(2);
    expect(gone.stderr).toContain('No segment "tehran-men"');
  });

  it('a segment may use another, which must exist when it is saved (so no segment can refer to itself)', async () => {
    await seed();
    await ok(['segment', 'add', 'women', 'gender:f']);
    await ok(['segment', 'add', 'young-women', 'segment:women birth_date:>1990']);
    expect(await ids(['contact', 'list', 'segment:young-women'])).toEqual([2]);
    const ahead = await crm(['segment', 'add', 'loop', 'segment:loop']);
    expect(ahead.exitCode).toBe(2);
    expect(ahead.stderr).toContain('No segment "loop"');
  });
});
