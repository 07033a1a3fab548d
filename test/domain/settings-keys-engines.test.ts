/**
 * Settings keys on both engines: deleteDefaultsKey is writeDefaultsKey's other half (audited,
 * a no-op when the key is not set), `crm automate command remove` deletes through it, and
 * `crm automate command list` reads the rules once whatever the number of commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyDb } from '../../src/db/engine.js';
import { openPostgres } from '../../src/db/postgres/connect.js';
import { openDatabase } from '../../src/db/sqlite.js';
import { COMMAND_KEY_PREFIX, listCommands, listCommandsWithRules, removeCommand, setCommand } from '../../src/automation/commands.js';
import { addRule } from '../../src/automation/rules.js';
import type { Session } from '../../src/domain/session.js';
import { deleteDefaultsKey, writeDefaultsKey } from '../../src/domain/settings.js';
import { crmOn, ENGINES, freshDatabase, type EngineDb } from '../helpers/engines.js';
import { countQueries } from '../helpers/query-counter.js';

describe.each(ENGINES)('settings keys and configured commands on %s', (engine) => {
  let handle: EngineDb;
  let db: AnyDb;
  let s: Session;

  beforeAll(async () => {
    handle = await freshDatabase(engine, 'settingskeys');
    expect(crmOn(handle.url, ['db', 'migrate']).code).toBe(0);
    db = engine === 'postgres' ? await openPostgres(handle.url) : openDatabase(handle.url);
    s = { db, now: () => new Date('2026-11-20T10:00:00Z'), actor: 'tester', timeZone: 'UTC' };
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    handle?.cleanup();
  });

  const setting = async (key: string) => (await db.kysely.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value ?? null;
  const audits = () => db.kysely.selectFrom('audit_log').select(['entity', 'action', 'changes', 'actor']).where('entity', '=', 'settings').orderBy('id').execute();

  it('deleteDefaultsKey removes a key and audits its last value; a key not set changes nothing', async () => {
    await writeDefaultsKey(s, 'test.key', 'v1');
    const before = (await audits()).length;
    expect(await deleteDefaultsKey(s, 'test.key')).toBe(true);
    expect(await setting('test.key')).toBeNull();
    const after = await audits();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ action: 'update', actor: 'tester' });
    expect(JSON.parse(after.at(-1)!.changes!)).toEqual({ 'test.key': ['v1', null] });
    expect(await deleteDefaultsKey(s, 'test.key')).toBe(false);
    expect(await audits()).toHaveLength(before + 1);
  });

  it('removing a command deletes its setting, audited with the value that was stored', async () => {
    await setCommand(s, 'hook', ['/bin/true', '--x'], 5000);
    const stored = await setting(`${COMMAND_KEY_PREFIX}hook`);
    expect(stored).not.toBeNull();
    const r = await removeCommand(s, 'Hook');
    expect(r.command).toMatchObject({ name: 'hook', argv: ['/bin/true', '--x'] });
    expect(await listCommands(s)).toEqual([]);
    expect(JSON.parse((await audits()).at(-1)!.changes!)).toEqual({ [`${COMMAND_KEY_PREFIX}hook`]: [stored, null] });
  });

  it('command list reads the rules once, whatever the number of commands', async () => {
    await setCommand(s, 'erp', ['/bin/true']);
    await addRule(s, { name: 'to-erp', on: 'deal.won', actions: [{ run: 'erp' }] });
    const one = await countQueries(s, listCommandsWithRules);
    expect(one.result).toEqual([expect.objectContaining({ name: 'erp', rules: ['to-erp'] })]);
    for (const name of ['chat', 'mail', 'sms', 'web']) await setCommand(s, name, ['/bin/true']);
    await addRule(s, { name: 'also-erp', on: 'deal.lost', actions: [{ run: 'erp' }, { run: 'chat' }] });
    const five = await countQueries(s, listCommandsWithRules);
    expect(five.result.map((c) => [c.name, c.rules])).toEqual([['chat', ['also-erp']], ['erp', ['also-erp', 'to-erp']], ['mail', []], ['sms', []], ['web', []]]);
    expect(five.queries).toBe(one.queries);
    expect(five.queries).toBeLessThanOrEqual(2);
  });
});
