import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

// The fixed clock is Friday 2026-11-20 17:55 UTC (12:55 in New York, the demo calendar's zone).
let sqlite: Database.Database;

const { crm } = useTempDb({
  shared: true,
  timeout: 60_000,
  seed: async ({ crm, db }) => {
    expect((await crm(['demo'])).exitCode).toBe(0);
    sqlite = new Database(db, { readonly: true });
  },
});
afterAll(() => sqlite.close());

describe('demo tickets', () => {
  it('a few hundred tickets from demo contacts, handled by the support agents, with a lifecycle mix', () => {
    const n = sqlite.prepare('SELECT count(*) FROM tickets').pluck().get() as number;
    expect(n).toBeGreaterThanOrEqual(200);
    const statuses = new Set(sqlite.prepare('SELECT DISTINCT status FROM tickets').pluck().all());
    for (const s of ['new', 'open', 'pending', 'solved', 'closed']) expect(statuses.has(s)).toBe(true);
    const agents = sqlite.prepare("SELECT DISTINCT u.handle FROM tickets t JOIN users u ON u.id = t.assignee_id").pluck().all() as string[];
    expect(agents.sort()).toEqual(['support.anna', 'support.kenji', 'support.lucia', 'support.omar']);
    // Every ticket's status is the last status event's (the SLA clock reads the log).
    const mismatched = sqlite
      .prepare("SELECT count(*) FROM tickets t WHERE t.status <> coalesce((SELECT to_value FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind IN ('status', 'created') ORDER BY e.at DESC, e.id DESC LIMIT 1), 'new')")
      .pluck()
      .get();
    expect(mismatched).toBe(0);
    expect(sqlite.prepare("SELECT count(*) FROM ticket_events WHERE at > '2026-11-20T17:55:00.000Z'").pluck().get()).toBe(0);
  });

  it('some tickets breached their SLA, most met it; an agent has a live queue', async () => {
    const report = (await crm(['report', 'sla', '--period', '2026-11', '--json'])).json();
    expect(report.breaches).toBeGreaterThan(0);
    expect(report.total.firstReply.compliance).toBeGreaterThan(60);
    expect(report.total.firstReply.compliance).toBeLessThan(100);
    const queue = await crm(['queue', '--as', 'support.anna', '--json']);
    expect(queue.json().length).toBeGreaterThan(0);
    expect((await crm(['ticket', 'list', '--breaching', '--json'])).json().length).toBeGreaterThan(0);
    const tickets = (await crm(['report', 'tickets', '--json'])).json();
    expect(tickets.agents.length).toBe(4);
  });
});
