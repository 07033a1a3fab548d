/**
 * `crm import undo` files its audit entries under the audit's own entity names (user, activity —
 * as the importer and every command do), so `crm history user ana` shows the undo; entries older
 * databases wrote under the table names ("users", "activities") are read as the same entity; and
 * `crm history` takes the plural of an entity (activities, companies) as the entity.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execSql, querySql } from '../helpers/engines.js';
import { useTempDb } from '../helpers/run-cli.js';

describe.each(['sqlite', 'postgres'] as const)('audit entity names of import undo on %s', (engine) => {
  const t = useTempDb({ engine, now: '2026-11-20T10:00:00Z' });
  const file = (name: string, text: string) => {
    const path = join(t.dir, name);
    writeFileSync(path, text);
    return path;
  };
  const actions = async (...argv: string[]) => (await t.ok(['history', ...argv, '--json'])).json().map((a: { action: string }) => a.action);

  it('files the undo of users and activities under user and activity, shown by crm history', async () => {
    await t.ok(['import', 'users', file('u1.csv', 'handle,name,role,team\nana,Ana Lima,rep,North\n')]);
    await t.ok(['import', 'users', file('u2.csv', 'handle,name,role,team\nana,Ana Lima,rep,West\n')]);
    await t.ok(['contact', 'add', 'Sara R', '--email', 'sara@example.com']);
    await t.ok(['import', 'activities', file('a1.csv', 'external id,kind,subject,contact,date\nA1,call,First call,sara@example.com,2026-11-01\n')]);
    await t.ok(['import', 'activities', file('a2.csv', 'external id,kind,subject,contact,date\nA1,call,First call (edited),sara@example.com,2026-11-01\n')]);
    await t.ok(['import', 'undo', '2', '--yes']);
    await t.ok(['import', 'undo', '4', '--yes']);

    const undone = await querySql(t.db, "SELECT entity FROM audit_log WHERE action = 'import-undo' ORDER BY id");
    expect(undone.map((r) => r.entity)).toEqual(['user', 'activity']);
    expect(await actions('user', 'ana')).toEqual(['import', 'import-undo']);
    const activity = (await t.ok(['activity', 'list', '--json'])).json()[0].id as number;
    expect(await actions('activity', String(activity))).toEqual(['import', 'import-undo']);
    // The plural names the same entity.
    expect(await actions('activities', String(activity))).toEqual(['import', 'import-undo']);
    expect(await actions('users', 'ana')).toEqual(['import', 'import-undo']);
  });

  it('reads entries an older crm filed under "users" and "activities" as the user and the activity', async () => {
    await t.ok(['user', 'add', 'bo', '--name', 'Bo Berg', '--role', 'rep']);
    const bo = (await t.ok(['user', 'show', 'bo', '--json'])).json().id as number;
    await execSql(t.db, `INSERT INTO audit_log (entity, entity_id, action, changes, actor, at) VALUES ('users', ${bo}, 'import-undo', '{"run":[9,null]}', 'old', '2026-11-20T11:00:00.000Z')`);
    expect(await actions('user', 'bo')).toEqual(['create', 'import-undo']);
    await t.ok(['contact', 'add', 'Sara R', '--email', 'sara@example.com']);
    await t.ok(['log', 'call', 'sara@example.com', 'Called']);
    const call = (await t.ok(['activity', 'list', '--json'])).json()[0].id as number;
    await execSql(t.db, `INSERT INTO audit_log (entity, entity_id, action, changes, actor, at) VALUES ('activities', ${call}, 'import-undo', '{"run":[9,null]}', 'old', '2026-11-20T11:00:00.000Z')`);
    expect((await actions('activity', String(call))).at(-1)).toBe('import-undo');
  });
});
