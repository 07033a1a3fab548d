/**
 * Custom fields are configuration: adding, editing, enabling and removing one is the permission
 * field.manage (admin, manager, data-steward). A rep could remove any field with --purge, which
 * cleared that value on every record — colleagues' included. A lead's grade is still enabled on
 * first use by whoever may grade that lead. Both engines.
 */
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

describe.each(['sqlite', 'postgres'] as const)('field.manage on %s', (engine) => {
  const { ok, crm } = useTempDb({ engine });

  it('a rep may not add, edit, enable or remove a field; a manager may; grading enables lead_grade for the rep', async () => {
    await ok(['user', 'add', 'sara', '--name', 'Sara', '--role', 'rep']);
    await ok(['user', 'add', 'mona', '--name', 'Mona', '--role', 'manager']);
    await ok(['field', 'add', 'contact', 'shoe', '--type', 'number']);
    await ok(['contact', 'add', 'Ann Lee', '--email', 'ann@example.com', '--set', 'shoe=42']);
    await ok(['contact', 'add', 'Lea Lead', '--email', 'lea@example.com', '--owner', 'sara']);
    const asSara = (argv: string[]) => crm(argv, { login: 'sara' });
    for (const argv of [
      ['field', 'add', 'contact', 'x', '--type', 'text'],
      ['field', 'edit', 'contact', 'shoe', '--label', 'Shoe size'],
      ['field', 'enable', 'contact', 'birth_date'],
      ['field', 'remove', 'contact', 'shoe', '--purge', '--yes'],
    ]) {
      const r = await asSara(argv);
      expect({ argv, code: r.exitCode }).toEqual({ argv, code: 1 });
      expect(r.stderr).toContain('sara (rep) may not do this: it needs the permission field.manage.');
    }
    // Nothing changed: Ann keeps her value, the field its label.
    expect((await ok(['contact', 'show', 'ann@example.com', '--json'])).json().customFields).toEqual({ shoe: 42 });
    expect((await ok(['field', 'list', 'contact', '--json'])).json().map((f: { name: string }) => f.name)).toEqual(['shoe']);
    // Her own lead's grade: the built-in field is enabled on first use.
    expect((await asSara(['lead', 'edit', 'lea@example.com', '--grade', 'A'])).exitCode).toBe(0);
    expect((await crm(['field', 'add', 'contact', 'hat', '--type', 'text'], { login: 'mona' })).exitCode).toBe(0);
  });
});
