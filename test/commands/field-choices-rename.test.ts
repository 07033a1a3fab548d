/**
 * Changing a choice field's list is refused while a record holds a value the new list drops —
 * also when the list keeps its length (gold,silver → a,b): before, only a shorter list was
 * checked, so the records kept "gold" that no filter, edit or import would take any more. Both engines.
 */
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

describe.each(['sqlite', 'postgres'] as const)('choice lists on %s', (engine) => {
  const { ok, crm } = useTempDb({ engine });

  it('a list as long as before that drops a stored value is refused; one keeping every stored value is fine', async () => {
    await ok(['field', 'add', 'contact', 'level', '--type', 'choice', '--choices', 'gold,silver']);
    await ok(['contact', 'add', 'Ann Lee', '--email', 'ann@example.com', '--set', 'level=gold']);
    const renamed = await crm(['field', 'edit', 'contact', 'level', '--choices', 'a,b']);
    expect(renamed.exitCode).toBe(1);
    expect(renamed.stderr).toContain('1 contact record(s) hold a level the changed field would refuse, e.g. #1 "gold".');
    expect((await ok(['field', 'list', 'contact', '--json'])).json()[0].choices).toEqual(['gold', 'silver']);
    expect((await ok(['contact', 'list', 'level:gold', '--json'])).json()).toHaveLength(1);
    await ok(['field', 'edit', 'contact', 'level', '--choices', 'gold,bronze']);
    expect((await ok(['field', 'list', 'contact', '--json'])).json()[0].choices).toEqual(['gold', 'bronze']);
  });
});
