/**
 * contact show / company show read activities, deal moves and ticket events for the timeline.
 * Those are not written by commands on PostgreSQL yet, so this test writes them through Kysely —
 * the same code on both engines — and requires identical --json from both.
 */
import { describe, expect, it } from 'vitest';
import type { AnyDb } from '../../../src/db/engine.js';
import { openPostgres } from '../../../src/db/postgres/connect.js';
import { openDatabase } from '../../../src/db/sqlite.js';
import { ENGINES, type EngineName } from '../../helpers/engines.js';
import { useTempDb } from '../../helpers/run-cli.js';

async function seedTimeline(db: AnyDb): Promise<void> {
  const k = db.kysely;
  const at = (d: string) => `2026-11-${d}.000Z`;
  await k.insertInto('deals').values({ title: 'Renewal', pipeline_id: 1, stage_id: 2, company_id: 1, contact_id: 1, amount_minor: 1_250_000_00, currency: 'EUR', stage_entered_at: at('02T10:00:00'), created_at: at('01T09:00:00'), updated_at: at('02T10:00:00') }).execute();
  await k.insertInto('deal_stage_history').values([
    { deal_id: 1, from_stage_id: null, to_stage_id: 1, at: at('01T09:00:00'), actor: 'tester' },
    { deal_id: 1, from_stage_id: 1, to_stage_id: 2, at: at('02T10:00:00'), actor: 'sara' },
  ]).execute();
  await k.insertInto('activities').values([
    { kind: 'call', subject: 'Intro call', contact_id: 1, occurred_at: at('03T08:30:00'), created_by: 'tester', created_at: at('03T08:31:00'), updated_at: at('03T08:31:00') },
    { kind: 'task', subject: 'Send quote', contact_id: 1, deal_id: 1, due_at: at('25T09:00:00'), created_by: 'tester', created_at: at('04T12:00:00'), updated_at: at('04T12:00:00') },
    { kind: 'note', subject: 'Company note', company_id: 1, created_by: 'sara', created_at: at('05T16:45:10'), updated_at: at('05T16:45:10') },
  ]).execute();
  await k.insertInto('tickets').values({ subject: 'Cannot log in', contact_id: 1, company_id: 1, priority: 'high', status: 'open', created_at: at('06T07:00:00'), updated_at: at('06T07:00:00') }).execute();
  await k.insertInto('ticket_events').values([
    { ticket_id: 1, kind: 'created', actor: 'tester', at: at('06T07:00:00') },
    { ticket_id: 1, kind: 'public_reply', body: 'Looking into it', actor: 'sara', at: at('06T07:20:00') },
  ]).execute();
}

const shows = new Map<EngineName, string[]>();

describe.each(ENGINES)('timeline on %s', (engine) => {
  const t = useTempDb({ engine });

  it('contact show and company show list activities, deal moves and ticket events', async () => {
    await t.ok(['company', 'add', 'Acme GmbH']);
    await t.ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme GmbH']);
    const db: AnyDb = engine === 'postgres' ? await openPostgres(t.db) : openDatabase(t.db);
    try {
      await seedTimeline(db);
    } finally {
      await db.close();
    }
    const out = [];
    for (const argv of [['contact', 'show', '1', '--json'], ['company', 'show', '1', '--json'], ['contact', 'show', '1'], ['contact', 'list', '--json']]) {
      const r = await t.ok(argv);
      out.push(r.stdout);
    }
    const contact = JSON.parse(out[0]!) as { timeline: { source: string }[] };
    expect(contact.timeline.map((e) => e.source).sort()).toEqual(['activity', 'activity', 'deal', 'deal', 'ticket', 'ticket']);
    shows.set(engine, out);
  });
});

it('both engines print the same', () => {
  expect(shows.get('postgres')).toEqual(shows.get('sqlite'));
});
