/**
 * Relationship and rank (issue 21, item 3) on both engines: shipped field definitions with
 * configurable lists; a choice list is ordered low → high, so rank:>=A is A or better.
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('relationship and rank on %s', (engine) => {
  const db = useEngineDb(engine, 'rank');
  const crm = (...args: string[]) => crmOn(db.url, args);
  const names = (...args: string[]) => {
    const r = crm(...args, '--json');
    expect(r.stderr).not.toMatch(/^error/m);
    return JSON.parse(r.stdout).map((c: { name: string }) => c.name);
  };

  it('are enabled, set, shown and filtered by order', () => {
    expect(crm('db', 'migrate').code).toBe(0);
    expect(crm('field', 'enable', 'contact', 'relationship', 'rank').code).toBe(0);
    expect(crm('field', 'enable', 'company', 'relationship').code).toBe(0);
    expect(crm('contact', 'add', 'Vida VIP', '--email', 'v@example.com', '--set', 'rank=VIP', '--set', 'relationship=customer').code).toBe(0);
    expect(crm('contact', 'add', 'Ali A', '--email', 'a@example.com', '--set', 'rank=a').code).toBe(0);
    expect(crm('contact', 'add', 'Cyrus C', '--email', 'c@example.com', '--set', 'rank=C', '--set', 'relationship=vendor').code).toBe(0);
    expect(crm('company', 'add', 'Acme', '--tier', 'B', '--set', 'relationship=supplier').code).toBe(0);

    expect(names('contact', 'list', 'rank:>=A')).toEqual(['Vida VIP', 'Ali A']);
    expect(names('contact', 'list', 'rank:<A')).toEqual(['Cyrus C']);
    expect(names('contact', 'list', 'relationship:customer')).toEqual(['Vida VIP']);
    expect(names('company', 'list', 'relationship:supplier')).toEqual(['Acme']);
    expect(JSON.parse(crm('contact', 'show', '1', '--json').stdout).customFields).toMatchObject({ rank: 'VIP', relationship: 'customer' });
  });

  it('take a team\'s own lists', () => {
    expect(crm('field', 'edit', 'contact', 'rank', '--choices', 'D,C,B,A,VIP').code).toBe(0);
    expect(crm('contact', 'add', 'Dara D', '--email', 'd@example.com', '--set', 'rank=D').code).toBe(0);
    expect(names('contact', 'list', 'rank:<=C')).toEqual(['Cyrus C', 'Dara D']);
    const bad = crm('contact', 'add', 'Zed', '--email', 'z@example.com', '--set', 'rank=Z');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('D, C, B, A, VIP');
    expect(crm('contact', 'list', 'rank:>=Z').stderr).toContain('rank is one of: D, C, B, A, VIP');
  });
});
