/**
 * Many crm processes on one PostgreSQL database: concurrent edits of one record all land (the
 * serialization failures they cause are retried inside crm, never shown), and a new database's
 * migrations run once when several processes start together. Bounded by count, not by time.
 */
import { describe, expect, it } from 'vitest';
import { crmOn, freshDatabase } from '../helpers/engines.js';
import { pgQuery } from '../helpers/postgres.js';
import { runCrm } from '../helpers/processes.js';
import { latestVersion } from '../../src/db/migrations/index.js';
import { pgMigrations } from '../../src/db/postgres/migrations/index.js';

const env = { CRM_NOW: '2026-11-20T17:55:00Z', NO_COLOR: '1' };

describe('concurrent writers on PostgreSQL', () => {
  it('16 processes adding a tag each to one contact: every tag is there, no process shows an error', async () => {
    const { url } = await freshDatabase('postgres', 'tags');
    expect(crmOn(url, ['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']).code).toBe(0);
    const n = 16;
    const runs = Array.from({ length: n }, (_, i) => runCrm(['contact', 'edit', '1', '--add-tag', `t${i}`, '--json'], { ...env, CRM_DB: url }).done);
    const finished = await Promise.all(runs);
    expect(finished.map((f) => ({ code: f.code, stderr: f.stderr.replace(/^Updated contact #1 Sara Rahimi\n$/, '') }))).toEqual(Array.from({ length: n }, () => ({ code: 0, stderr: '' })));
    const show = JSON.parse(crmOn(url, ['contact', 'show', '1', '--json']).stdout) as { tags: string[]; version: number };
    expect([...show.tags].sort()).toEqual(Array.from({ length: n }, (_, i) => `t${i}`).sort());
    expect(show.version).toBe(n + 1);
    // One audit entry per edit: none lost, none doubled by a retry.
    expect(await pgQuery(url, "SELECT count(*)::int AS n FROM audit_log WHERE entity = 'contact' AND action = 'update'")).toEqual([{ n }]);
  });

  it('6 processes adding a contact with the same email: one is created, the others get the duplicate error, none an internal one', async () => {
    const { url } = await freshDatabase('postgres', 'same_email');
    expect(crmOn(url, ['db', 'migrate']).code).toBe(0);
    // The first command that reads records claims the fresh database for its admin (and says so): before the race.
    expect(crmOn(url, ['user', 'list']).code).toBe(0);
    const finished = await Promise.all(Array.from({ length: 6 }, (_, i) => runCrm(['contact', 'add', `Person ${i}`, '--email', 'same@example.com'], { ...env, CRM_DB: url }).done));
    expect(finished.filter((f) => f.code === 0)).toHaveLength(1);
    const refused = finished.filter((f) => f.code !== 0);
    expect(refused.map((f) => ({ code: f.code, line: f.stderr.split('\n')[0]!.replace(/#\d+ Person \d/, '#N …') }))).toEqual(
      Array.from({ length: 5 }, () => ({ code: 1, line: 'error: A contact with email same@example.com already exists: #N ….' })),
    );
    expect(await pgQuery(url, 'SELECT count(*)::int AS n FROM contacts')).toEqual([{ n: 1 }]);
  });

  it('5 processes running crm db migrate on a new database: all succeed, the migration is applied once', async () => {
    const { url } = await freshDatabase('postgres', 'migrate_race');
    const finished = await Promise.all(Array.from({ length: 5 }, () => runCrm(['db', 'migrate', '--json'], { ...env, CRM_DB: url }).done));
    expect(finished.map((f) => f.code)).toEqual([0, 0, 0, 0, 0]);
    const results = finished.map((f) => JSON.parse(f.stdout) as { from: number; to: number });
    expect(results.filter((r) => r.from === 0 && r.to === latestVersion)).toHaveLength(1);
    expect(results.filter((r) => r.from === latestVersion && r.to === latestVersion)).toHaveLength(4);
    expect(await pgQuery(url, 'SELECT version FROM schema_migrations')).toEqual(pgMigrations.map((m) => ({ version: m.version })));
    expect(await pgQuery(url, 'SELECT count(*)::int AS n FROM pipelines')).toEqual([{ n: 1 }]);
  });
});
