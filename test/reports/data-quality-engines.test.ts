/**
 * crm report data-quality on both engines when email_norm is not the address: the duplicate
 * check keys addresses itself (trimmed, case ignored), so contacts whose email_norm is missing
 * or stale still group with the one whose email_norm is that key.
 */
import { describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { crmSeries, ENGINES, useEngineDb, type EngineDb } from '../helpers/engines.js';
import { pgQuery } from '../helpers/postgres.js';

async function exec(db: EngineDb, text: string): Promise<void> {
  if (db.engine === 'postgres') {
    await pgQuery(db.url, text);
    return;
  }
  const s = new BetterSqlite3(db.url);
  try {
    s.exec(text);
  } finally {
    s.close();
  }
}

describe.each(ENGINES)('data-quality duplicates by email on %s', (engine) => {
  const db = useEngineDb(engine);

  it('groups contacts whose email_norm is missing or differs from their address with the one it keys', async () => {
    const added = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['contact', 'add', 'Ana One', '--email', 'ana@example.com'],
      ['contact', 'add', 'Bo Two', '--email', 'bo@example.com'],
      ['contact', 'add', 'Bo Three', '--email', 'bo3@example.com'],
      ['contact', 'add', 'Ana Four', '--email', 'ana4@example.com'],
      ['contact', 'add', 'Cy Five', '--email', 'cy@example.com'],
      ['contact', 'add', 'Cy Six', '--email', 'cy6@example.com'],
    ]);
    for (const r of added) expect(r.code, r.stderr).toBe(0);
    // As an import from another tool or an old merge could leave them: 3 and 4 without
    // email_norm; 6 with the address of 5 in other case and spaces, email_norm left stale.
    await exec(db, `UPDATE contacts SET email = ' Bo@Example.com', email_norm = NULL WHERE last_name = 'Three'`);
    await exec(db, `UPDATE contacts SET email = 'ANA@example.com', email_norm = NULL WHERE last_name = 'Four'`);
    await exec(db, `UPDATE contacts SET email = 'CY@example.com ' WHERE last_name = 'Six'`);
    const [r] = await crmSeries(db.url, [['report', 'data-quality', '--json']]);
    expect(r!.code, r!.stderr).toBe(0);
    const ids = JSON.parse((await crmSeries(db.url, [['contact', 'list', '--json']]))[0]!.stdout) as { id: number; lastName?: string; last_name?: string }[];
    const id = (last: string) => ids.find((c) => (c.lastName ?? c.last_name) === last)!.id;
    const checks = (JSON.parse(r!.stdout) as { checks: { check: string; count: number; examples: number[][] }[] }).checks;
    const dup = checks.find((c) => c.check === 'duplicate-email')!;
    expect(dup.count).toBe(3);
    expect(dup.examples).toEqual([
      [id('One'), id('Four')],
      [id('Two'), id('Three')],
      [id('Five'), id('Six')],
    ]);
  });
});
