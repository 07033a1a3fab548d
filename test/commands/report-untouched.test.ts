import { execSql } from '../helpers/engines.js';
import { describe, expect, it } from 'vitest';
import { buildUntouched, untouchedCutoff } from '../../src/reports/untouched/build.js';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb({
  login: 'sara',
  env: { CRM_USER: 'sara', TZ: 'UTC' },
  seed: async ({ crm }) => {
    // sara is at the keyboard; tester (the harness's first admin) adds her and tom.
    await crm(['user', 'add', 'sara', '--name', 'Sara Rahimi', '--role', 'manager'], { login: 'tester', env: { CRM_USER: 'tester' } });
    await crm(['user', 'add', 'tom', '--name', 'Tom Baker'], { login: 'tester', env: { CRM_USER: 'tester' } });
    await crm(['contact', 'add', 'Recent Call', '--email', 'recent@example.com']);
    await crm(['contact', 'add', 'Old Call', '--email', 'old@example.com']);
    await crm(['contact', 'add', 'Never', '--email', 'never@example.com', '--owner', 'tom']);
    await crm(['contact', 'add', 'Noted Only', '--email', 'noted@example.com', '--owner', 'tom']);
    await crm(['contact', 'add', 'Gone', '--email', 'gone@example.com', '--lifecycle', 'inactive']);
    await crm(['contact', 'add', 'Archived', '--email', 'archived@example.com']);
    await crm(['contact', 'archive', '6']);
    await crm(['log', 'call', '1', 'Catch-up', '--at', '2026-06-01 10:00']);
    await crm(['log', 'call', '2', 'Catch-up', '--at', '2025-03-01 10:00']);
    await crm(['log', 'note', '4', 'Internal note']);
  },
});
const { crm } = t;

describe('report untouched', () => {
  it('lists active contacts with no touch in the period, by owner, with counts', async () => {
    const r = await crm(['report', 'untouched', '--days', '365', '--json']);
    expect(r.exitCode).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ report: 'untouched', days: 365, cutoff: '2025-11-20T17:55:00.000Z', total: 3, never: 2 });
    expect(j.byOwner).toEqual([
      { owner: 'tom', name: 'Tom Baker', untouched: 2, never: 2 },
      { owner: 'sara', name: 'Sara Rahimi', untouched: 1, never: 0 },
    ]);
    expect(j.contacts.map((c: { name: string }) => c.name)).toEqual(['Never', 'Noted Only', 'Old Call']);
    expect(j.contacts[2]).toMatchObject({ lastTouchedAt: '2025-03-01T10:00:00.000Z', daysSince: 629 });
    const narrow = (await crm(['report', 'untouched', '--days', '100', '--owner', 'sara', '--json'])).json();
    expect(narrow.contacts.map((c: { name: string }) => c.name)).toEqual(['Old Call', 'Recent Call']);
  });

  it('keeps its human layout when piped and explains itself', async () => {
    const r = await crm(['report', 'untouched', '--explain']);
    expect(r.stdout).toContain('Contacts nobody has touched in 365 days');
    expect(r.stdout).toMatch(/tom\s+│ Tom Baker\s+│\s+2 │\s+2 │/);
    expect(r.stdout).toContain('How this is computed');
    expect(r.stdout).toContain('internal notes and tasks do not count');
    const csv = await crm(['report', 'untouched', '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('owner,name,untouched,never');
    expect(csv.stderr).toContain('--table ');
  });

  it('builder: contacts with no owner group under (none)', () => {
    const scope = { period: null as never, asOf: '2026-11-20T00:00:00.000Z', historical: false, timeZone: 'UTC', ownerIds: null, owners: null, team: null };
    const m = buildUntouched(
      [{ id: 1, firstName: 'A', lastName: 'B', email: null, company: null, ownerId: null, owner: null, ownerName: null, lastTouchedAt: null, createdAt: '2026-01-01T00:00:00.000Z' }],
      { scope, days: 30, cutoff: untouchedCutoff(scope.asOf, 30) },
    );
    expect(m.data.byOwner).toEqual([{ owner: '(none)', name: null, untouched: 1, never: 1 }]);
    expect(m.data.cutoff).toBe('2026-10-21T00:00:00.000Z');
  });

  it('last_touched_at set by other means (an import) counts too', async () => {
    await execSql(t.db, "UPDATE contacts SET last_touched_at = '2026-11-01T00:00:00.000Z' WHERE id = 3");
    const j = (await crm(['report', 'untouched', '--json'])).json();
    expect(j.contacts.map((c: { name: string }) => c.name)).toEqual(['Old Call', 'Noted Only']);
  });
});
