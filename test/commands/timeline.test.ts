import { describe, expect, it } from 'vitest';
import { cliFor, tempDb, useTempDb } from '../helpers/run-cli.js';
import { execSql } from '../helpers/engines.js';

/** The suite is sara at the keyboard (login and CRM_USER); the harness's first admin, tester, adds her. */
const AS_ADMIN = { login: 'tester', env: { CRM_USER: 'tester' } };

/** Deals and tickets are written directly: this tests the timeline, not those modules. */
async function seedDealAndTicket(db: string): Promise<void> {
  await execSql(db, `
    INSERT INTO deals (id, title, pipeline_id, stage_id, company_id, contact_id, amount_minor, currency, stage_entered_at, created_at, updated_at)
      VALUES (1, 'Big order', 1, 3, 1, 1, 500000, 'EUR', '2026-11-10T09:00:00.000Z', '2026-11-01T09:00:00.000Z', '2026-11-10T09:00:00.000Z');
    INSERT INTO deal_stage_history (deal_id, from_stage_id, to_stage_id, at, actor) VALUES
      (1, NULL, 1, '2026-11-01T09:00:00.000Z', 'sara'),
      (1, 1, 3, '2026-11-10T09:00:00.000Z', 'sara');
    INSERT INTO tickets (id, subject, contact_id, company_id, created_at, updated_at) VALUES (7, 'Printer broken', 1, 1, '2026-11-12T08:00:00.000Z', '2026-11-12T08:00:00.000Z');
    INSERT INTO ticket_events (ticket_id, kind, body, from_value, to_value, actor, at) VALUES
      (7, 'created', NULL, NULL, NULL, 'bob@example.com', '2026-11-12T08:00:00.000Z'),
      (7, 'reply', 'We are on it.\nMore text', NULL, NULL, 'tom', '2026-11-12T09:00:00.000Z'),
      (7, 'status', NULL, 'open', 'pending', 'tom', '2026-11-12T09:00:01.000Z');
  `);
}

const { crm } = useTempDb({
  login: 'sara',
  env: { CRM_USER: 'sara', TZ: 'Europe/Berlin' },
  seed: async ({ crm, db }) => {
    await crm(['user', 'add', 'sara', '--name', 'Sara Rahimi'], AS_ADMIN);
    await crm(['contact', 'add', 'Bob Smith', '--email', 'bob@example.com', '--company', 'Acme Ltd']);
    await crm(['contact', 'add', 'Ann Lee', '--email', 'ann@example.com', '--company', 'Acme Ltd']);
    await seedDealAndTicket(db);
  },
});

describe('timeline', () => {
  it('merges activities, deal moves (with stage names) and ticket events in order', async () => {
    await crm(['log', 'call', 'bob@example.com', 'Discussed pricing', '--at', '2026-11-05 10:00', '--next', 'Send quote', '--due', '2026-11-25']);
    await crm(['log', 'email', 'deal:1', 'Sent the quote', '--at', '2026-11-11 10:00']);
    const show = (await crm(['contact', 'show', '1', '--json'])).json();
    expect(show.timeline.map((e: { at: string; source: string; kind: string; summary: string }) => [e.at, e.source, e.kind, e.summary])).toEqual([
      ['2026-11-01T09:00:00.000Z', 'deal', 'created', 'Deal #1 Big order created in Prospecting'],
      ['2026-11-05T09:00:00.000Z', 'activity', 'call', 'Discussed pricing'],
      ['2026-11-10T09:00:00.000Z', 'deal', 'stage', 'Deal #1 Big order: Prospecting → Quote'],
      ['2026-11-11T09:00:00.000Z', 'activity', 'email', 'Sent the quote'],
      ['2026-11-12T08:00:00.000Z', 'ticket', 'created', 'Ticket #7 opened: Printer broken'],
      ['2026-11-12T09:00:00.000Z', 'ticket', 'reply', 'Ticket #7 Printer broken: reply: We are on it.'],
      ['2026-11-12T09:00:01.000Z', 'ticket', 'status', 'Ticket #7 Printer broken: status open → pending'],
      ['2026-11-25T08:00:00.000Z', 'activity', 'task', 'Send quote'],
    ]);
    expect(show.timeline.at(-1)).toMatchObject({ status: 'open', activityId: 2 });
  });

  it('shows a Timeline section on a terminal, in the user zone, limited by --timeline-limit', async () => {
    await crm(['log', 'call', '1', 'Discussed pricing', '--at', '2026-11-05 10:00']);
    const r = await crm(['contact', 'show', '1', '--timeline-limit', '2'], { tty: true });
    expect(r.stdout).toContain('Timeline (2)');
    expect(r.stdout).toContain('2026-11-12 10:00');
    expect(r.stdout).toContain('ticket reply');
    expect(r.stdout).toContain('status open → pending');
    expect(r.stdout).not.toContain('Discussed pricing');
    const none = await crm(['contact', 'show', '1', '--timeline-limit', '0'], { tty: true });
    expect(none.stdout).not.toContain('Timeline');
    const bad = await crm(['contact', 'show', '1', '--timeline-limit', 'lots']);
    expect(bad.exitCode).toBe(2);
  });

  it('a company timeline covers its people, deals and tickets', async () => {
    await crm(['log', 'meeting', 'ann@example.com', 'Site visit', '--at', '2026-11-02 10:00']);
    await crm(['log', 'note', 'company:Acme Ltd', 'Budget frozen until Q1', '--at', '2026-11-03 10:00']);
    const show = (await crm(['company', 'show', 'Acme Ltd', '--json'])).json();
    expect(show.timeline.map((e: { summary: string }) => e.summary).slice(0, 3)).toEqual(['Deal #1 Big order created in Prospecting', 'Site visit', 'Budget frozen until Q1']);
    expect(show.timeline).toHaveLength(7);
    const tty = await crm(['company', 'show', '1'], { tty: true });
    expect(tty.stdout).toContain('Timeline (7)');
  });

  it('deal show has a timeline of its activities and stage moves', async () => {
    const fresh = tempDb();
    try {
      const c = cliFor(fresh.db, { login: 'sara', env: { CRM_USER: 'sara', TZ: 'UTC' } });
      await c(['user', 'add', 'sara', '--name', 'Sara Rahimi'], AS_ADMIN);
      await c(['contact', 'add', 'Bob Smith', '--email', 'bob@example.com', '--company', 'Acme Ltd']);
      expect((await c(['deal', 'add', 'Acme renewal', '--company', 'Acme Ltd', '--contact', 'bob@example.com', '--amount', '100 EUR'], { now: '2026-11-18T09:00:00Z' })).exitCode).toBe(0);
      await c(['log', 'call', 'deal:1', 'Negotiated terms', '--at', '2026-11-19 10:00']);
      await c(['deal', 'move', '1', 'quote']);
      const d = (await c(['deal', 'show', '1', '--json'])).json();
      expect(d.timeline.map((e: { kind: string; summary: string }) => `${e.kind}: ${e.summary}`)).toEqual([
        'created: Deal #1 Acme renewal created in Prospecting',
        'call: Negotiated terms',
        'stage: Deal #1 Acme renewal: Prospecting → Quote',
      ]);
      const tty = await c(['deal', 'show', '1', '--timeline-limit', '1'], { tty: true });
      expect(tty.stdout).toContain('Timeline (1)');
      // A call logged on the deal is also on its primary contact's timeline.
      const bob = (await c(['contact', 'show', '1', '--json'])).json();
      expect(bob.timeline.map((e: { summary: string }) => e.summary)).toContain('Negotiated terms');
    } finally {
      fresh.cleanup();
    }
  });

  it('ticket show interleaves activities logged on the ticket with its events', async () => {
    const fresh = tempDb();
    try {
      const c = cliFor(fresh.db, { login: 'sara', env: { CRM_USER: 'sara', TZ: 'UTC' } });
      await c(['user', 'add', 'sara', '--name', 'Sara Rahimi'], AS_ADMIN);
      await c(['contact', 'add', 'Bob Smith', '--email', 'bob@example.com']);
      expect((await c(['ticket', 'open', 'Printer on fire', '--contact', 'bob@example.com'], { now: '2026-11-19T09:00:00Z' })).exitCode).toBe(0);
      const log = await c(['log', 'call', 'ticket:1', 'Talked Bob through the reset', '--at', '2026-11-19 10:00']);
      expect(log.exitCode).toBe(0);
      expect((await c(['activity', 'show', '1', '--json'])).json()).toMatchObject({ ticket: { id: 1 }, contact: { id: 1 } });
      const tty = await c(['ticket', 'show', '1'], { tty: true });
      expect(tty.stdout).toMatch(/Timeline \(2\)[\s\S]*created[\s\S]*call[\s\S]*Talked Bob through the reset/);
      const j = (await c(['ticket', 'show', '1', '--json'])).json();
      expect(j.timeline.map((e: { source: string; kind: string }) => `${e.source}:${e.kind}`)).toEqual(['ticket:created', 'activity:call']);
      // On Bob's timeline too, with the ticket named.
      const bob = (await c(['contact', 'show', '1', '--json'])).json();
      expect(bob.timeline.map((e: { summary: string }) => e.summary)).toEqual(['Ticket #1 opened: Printer on fire', 'Talked Bob through the reset']);
    } finally {
      fresh.cleanup();
    }
  });
});
