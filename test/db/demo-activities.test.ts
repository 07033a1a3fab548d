import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

let sqlite: Database.Database;

useTempDb({
  shared: true,
  timeout: 60_000,
  seed: async ({ crm, db }) => {
    const r = await crm(['demo']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('crm agenda');
    sqlite = new Database(db, { readonly: true });
  },
});
afterAll(() => sqlite.close());

describe('demo activities', () => {
  it('about a third of the reps log little or nothing', () => {
    const reps = sqlite.prepare("SELECT u.id, (SELECT count(*) FROM activities a WHERE a.owner_id = u.id AND a.kind <> 'task' AND a.occurred_at >= '2026-05-20') AS n FROM users u WHERE u.role IN ('rep','manager')").all() as { id: number; n: number }[];
    expect(reps).toHaveLength(50);
    const idle = reps.filter((r) => r.n < 10).length;
    expect(idle).toBeGreaterThanOrEqual(13);
    expect(idle).toBeLessThanOrEqual(20);
    expect(reps.filter((r) => r.n === 0).length).toBeGreaterThanOrEqual(5);
    expect(reps.filter((r) => r.n >= 100).length).toBeGreaterThanOrEqual(25);
  });

  it('has follow-up tasks linked to their activity, some overdue, and meetings ahead', () => {
    const q = (s: string) => (sqlite.prepare(s).get() as { n: number }).n;
    expect(q("SELECT count(*) n FROM activities t JOIN activities a ON a.id = t.follow_up_of_id WHERE t.kind = 'task' AND a.contact_id = t.contact_id")).toBeGreaterThan(500);
    expect(q("SELECT count(*) n FROM activities WHERE kind = 'task' AND done_at IS NULL AND due_at < '2026-11-20'")).toBeGreaterThan(20);
    expect(q("SELECT count(*) n FROM activities WHERE kind = 'meeting' AND occurred_at > '2026-11-21'")).toBeGreaterThan(10);
    expect(q("SELECT count(*) n FROM activities WHERE kind = 'task' AND done_at IS NOT NULL AND done_at > '2026-11-20T17:55:00Z'")).toBe(0);
  });

  it('last_touched_at agrees with the touches logged', () => {
    const bad = sqlite
      .prepare(
        `SELECT count(*) n FROM contacts c WHERE coalesce(c.last_touched_at, '') <> coalesce((SELECT max(occurred_at) FROM activities a
           WHERE a.contact_id = c.id AND a.kind IN ('call','meeting','email','newsletter','letter','linkedin','touch') AND a.occurred_at <= '2026-11-20T17:55:00.000Z'), '')`,
      )
      .get() as { n: number };
    expect(bad.n).toBe(0);
    const touched = sqlite.prepare('SELECT count(*) n FROM contacts WHERE last_touched_at IS NOT NULL').get() as { n: number };
    expect(touched.n).toBeGreaterThan(300);
  });
});
