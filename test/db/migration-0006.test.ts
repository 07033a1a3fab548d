/**
 * Migration 0006: activities by deal and by ticket are partial indexes, so once ANALYZE has
 * run (PRAGMA optimize runs it on close) a company's timeline is still answered from indexes
 * instead of a scan of every activity.
 */
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.js';
import { migrate, openDatabase, schemaVersion } from '../../src/db/sqlite.js';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();

/** The company timeline's activities query (src/domain/timeline.ts), as Kysely writes it. */
const TIMELINE = `select "a"."id" from "activities" as "a" left join "users" as "u" on "u"."id" = "a"."owner_id"
  where ("a"."company_id" = ? or "a"."contact_id" in (select "id" from "contacts" where "company_id" = ?)
    or "a"."deal_id" in (select "id" from "deals" where "company_id" = ?) or "a"."ticket_id" in (select "id" from "tickets" where "company_id" = ?))
  order by coalesce(a.occurred_at, a.done_at, a.due_at, a.created_at) desc, "a"."id" desc limit ?`;

describe('migration 0006: partial indexes for activities by deal and ticket', () => {
  it('keeps a company timeline on indexes after ANALYZE, where the full indexes led to a scan', async () => {
    // Version 5 first: the indexes as they were, on a file with many activities without a deal or ticket.
    const db = openDatabase(t.db, { migrations: migrations.filter((m) => m.version <= 5) });
    const s = db.sqlite;
    const now = '2026-11-20T17:55:00.000Z';
    for (let c = 1; c <= 40; c++) s.prepare('INSERT INTO companies (name, name_fold, created_at, updated_at) VALUES (?, ?, ?, ?)').run(`Co ${c}`, `co ${c}`, now, now);
    const contact = s.prepare('INSERT INTO contacts (first_name, last_name, company_id, search_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (let i = 1; i <= 400; i++) contact.run(`F${i}`, `L${i}`, 1 + (i % 40), `f${i} l${i}`, now, now);
    const activity = s.prepare('INSERT INTO activities (kind, subject, occurred_at, contact_id, company_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    s.transaction(() => {
      for (let i = 1; i <= 20000; i++) activity.run('call', 'Call', now, 1 + (i % 400), 1 + (i % 40), 'bench', now, now);
    })();
    const plan = () => (s.prepare(`EXPLAIN QUERY PLAN ${TIMELINE}`).all(5, 5, 5, 5, 20) as { detail: string }[]).map((r) => r.detail).join('\n');
    s.exec('ANALYZE');
    expect(plan()).toMatch(/SCAN a\b/); // the problem this migration fixes

    expect(migrate(s, t.db)).toMatchObject({ from: 5 });
    expect(schemaVersion(s)).toBeGreaterThanOrEqual(6);
    s.exec('ANALYZE');
    const after = plan();
    expect(after).toContain('MULTI-INDEX OR');
    expect(after).not.toMatch(/SCAN a\b/);
    expect(after).toMatch(/SEARCH a USING INDEX activities_deal \(deal_id=\?\)/);
    expect(after).toMatch(/SEARCH a USING INDEX activities_ticket \(ticket_id=\?\)/);
    db.close();

    // The timeline itself still lists the company's activities.
    const show = await t.crm(['company', 'show', '5', '--json']);
    expect(show.exitCode, show.stderr).toBe(0);
  });
});
