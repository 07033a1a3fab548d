/**
 * Stored SLA deadlines (migration 0024, src/domain/sla-due.ts) on both engines: the row the ticket
 * write path keeps equals what the SLA engine computes, through replies, pauses, priority and
 * policy changes and a policy moved to another calendar; the backfill of `crm automate run`
 * gives the same rows; `sla.breached` fires from them once, also for tickets written behind crm's
 * back (raw SQL, as an import or a restored copy would).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyDb } from '../../src/db/engine.js';
import { writeTransaction } from '../../src/db/transaction.js';
import { addCalendar } from '../../src/domain/calendars.js';
import { clearSlaDue, refreshSlaDue, runningDeadline, type SlaDueRow } from '../../src/domain/sla-due.js';
import { addPolicy, editPolicy } from '../../src/domain/sla-policies.js';
import type { Session } from '../../src/domain/session.js';
import {
  messageOnTicket,
  openTicketId,
  replyToTicket,
  setTicketStatus,
  slaContext,
  slaFor,
} from '../../src/domain/tickets.js';
import { crmOn, ENGINES, execSql, freshDatabase, type EngineDb } from '../helpers/engines.js';
import { createTestPgDatabase } from '../helpers/postgres.js';
import { randomTickets } from '../helpers/random-tickets.js';
import { addUser, openTestDb } from '../helpers/report-data.js';

type Due = Omit<SlaDueRow, 'ticket_id' | 'version'>;

describe.each(ENGINES)('stored SLA deadlines on %s', (engine) => {
  let db: AnyDb;
  let dir: string | undefined;
  let clock = new Date('2026-11-16T08:00:00.000Z'); // a Monday, 09:00 in Berlin
  let s: Session;

  beforeAll(async () => {
    if (engine === 'postgres') db = await openTestDb(await createTestPgDatabase('sladue'));
    else db = await openTestDb(join((dir = mkdtempSync(join(tmpdir(), 'crm-sladue-'))), 't.db'));
    s = { db, now: () => clock, actor: 'tester', timeZone: 'UTC' };
    await addUser(db as never, 'ana', { role: 'agent' });
    await addUser(db as never, 'ben', { role: 'agent' });
    await addCalendar(s, { name: 'office', timezone: 'Europe/Berlin', hours: 'mon-fri 09:00-12:30,13:30-18:00' });
    await addCalendar(s, { name: 'long', timezone: 'America/New_York', hours: 'mon-sat 07:00-21:00' });
    // Urgent tickets on the wall clock, the rest in business hours.
    await addPolicy(s, { name: 'urgent', priority: ['urgent'], calendar: 'office', firstReply: 'all=30m', nextReply: 'all=1h', resolution: 'all=4h', calendarTime: ['firstReply', 'nextReply', 'resolution'] });
    await addPolicy(s, { name: 'standard', calendar: 'office', firstReply: 'low=8h,normal=4h,high=1h', nextReply: 'all=2h', resolution: 'low=5d,normal=3d,high=1d' });
  });
  afterAll(async () => {
    await (db as { close?: () => unknown } | undefined)?.close?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (id: number): Promise<SlaDueRow | null> => (await s.db.kysely.selectFrom('ticket_sla_due').selectAll().where('ticket_id', '=', id).executeTakeFirst()) ?? null;
  const dueOf = (r: SlaDueRow | null): Due | null => (r ? { first_reply_due: r.first_reply_due, next_reply_due: r.next_reply_due, resolution_due: r.resolution_due } : null);
  /** What the SLA engine says now: the deadlines of the running metrics. */
  const computed = async (id: number): Promise<Due> => {
    const r = (await slaFor(s, [id], clock)).get(id)!;
    return { first_reply_due: runningDeadline(r.firstReply), next_reply_due: runningDeadline(r.nextReply), resolution_due: runningDeadline(r.resolution) };
  };
  const later = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60000));
  const allRows = async () => (await s.db.kysely.selectFrom('ticket_sla_due').selectAll().orderBy('ticket_id').execute()).map((r) => ({ ...r, ticket_id: Number(r.ticket_id) }));

  it('moves when the ticket is replied to, paused, resumed, and when its policy changes calendar', async () => {
    clock = new Date('2026-11-16T08:00:00.000Z');
    const id = await openTicketId(s, { subject: 'Printer on fire', priority: 'normal' });
    const opened = dueOf(await stored(id));
    // 4 business hours from 09:00 Berlin: 12:30, lunch, 14:00 Berlin = 13:00Z.
    expect(opened).toMatchObject({ first_reply_due: '2026-11-16T13:00:00.000Z', next_reply_due: null });
    expect(opened).toEqual(await computed(id));

    later(60);
    await replyToTicket(s, id, 'On it');
    const replied = dueOf(await stored(id))!;
    expect(replied.first_reply_due).toBeNull();
    expect(replied.resolution_due).toBe(opened!.resolution_due);
    expect(replied).toEqual(await computed(id));

    later(60); // 10:00Z = 11:00 Berlin: 1h30 to lunch, then 30 min → 14:00 Berlin
    await messageOnTicket(s, id, 'Still burning');
    expect(dueOf(await stored(id))).toMatchObject({ next_reply_due: '2026-11-16T13:00:00.000Z' });
    expect(dueOf(await stored(id))).toEqual(await computed(id));

    later(10);
    await setTicketStatus(s, id, 'pending');
    const paused = dueOf(await stored(id))!;
    expect(paused.resolution_due).toBeNull(); // resolution pauses; the reply clock does not
    expect(paused.next_reply_due).toBe('2026-11-16T13:00:00.000Z');
    expect(paused).toEqual(await computed(id));

    later(120);
    await setTicketStatus(s, id, 'open');
    const resumed = dueOf(await stored(id))!;
    expect(resumed.resolution_due! > opened!.resolution_due!).toBe(true); // the paused business time is added
    expect(resumed).toEqual(await computed(id));

    // The policy moves to another calendar: every stored deadline is void, and recomputed.
    await editPolicy(s, 'standard', { calendar: 'long' });
    expect(await stored(id)).toBeNull();
    await refreshSlaDue(s, () => slaContext(s.db.kysely), { write: true });
    const moved = dueOf(await stored(id))!;
    expect(moved.resolution_due).not.toBe(resumed.resolution_due);
    expect(moved).toEqual(await computed(id));

    later(5);
    await setTicketStatus(s, id, 'solved');
    expect(await stored(id)).toBeNull();
  }, 60_000);

  it('equals the SLA engine for a varied set of tickets (property), and the backfill gives the same rows', async () => {
    clock = new Date('2026-11-20T15:10:00.000Z'); // a Friday afternoon: clocks cross the weekend
    const ids = await randomTickets(s, { seed: engine === 'sqlite' ? 7 : 11, tickets: 24, openGap: 90, steps: 160, stepGap: 400, later });
    later(1);
    const tickets = await s.db.kysely.selectFrom('tickets').select(['id', 'status', 'version']).where('id', 'in', ids).execute();
    let open = 0;
    for (const t of tickets) {
      const row = await stored(t.id);
      if (['solved', 'closed'].includes(t.status)) {
        expect(row, `ticket #${t.id} (${t.status})`).toBeNull();
        continue;
      }
      open++;
      expect(row?.version, `ticket #${t.id} version`).toBe(t.version);
      expect(dueOf(row), `ticket #${t.id}`).toEqual(await computed(t.id));
    }
    expect(open).toBeGreaterThan(3);
    // Nothing is behind, and recomputing everything (the backfill) gives the very same rows.
    expect((await refreshSlaDue(s, () => slaContext(s.db.kysely), { write: true })).size).toBe(0);
    const before = await allRows();
    await writeTransaction(s.db, (trx) => clearSlaDue(trx));
    expect((await refreshSlaDue(s, () => slaContext(s.db.kysely), { write: true })).size).toBe(before.length);
    expect(await allRows()).toEqual(before);
  }, 240_000);
});

describe.each(ENGINES)('sla.breached from stored deadlines on %s', (engine) => {
  let db: EngineDb;
  beforeAll(async () => {
    db = await freshDatabase(engine, 'breach');
  });
  afterAll(() => db.cleanup());
  const MON = '2026-11-16';
  const ok = (args: string[], now = `${MON}T08:00:00Z`) => {
    const r = crmOn(db.url, args, { CRM_NOW: now });
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };

  it('fires once per breach, for tickets written by crm and behind its back alike', async () => {
    ok(['user', 'add', 'ana', '--name', 'Ana', '--role', 'agent']);
    ok(['calendar', 'add', 'office', '--tz', 'UTC', '--hours', 'mon-fri 09:00-17:00']);
    ok(['sla', 'policy', 'add', 'standard', '--calendar', 'office', '--first-reply', 'all=1h']);
    ok(['rule', 'add', 'late', '--on', 'sla.breached', '--target', 'first_reply', '--notify', 'ana', '--enable']);
    ok(['ticket', 'open', 'Answered in time'], `${MON}T09:00:00Z`);
    ok(['ticket', 'open', 'Forgotten'], `${MON}T09:00:00Z`);
    ok(['ticket', 'reply', '1', 'Hello'], `${MON}T09:30:00Z`);
    // A ticket inserted by SQL (no stored deadline yet): the run computes its row first.
    await execSql(db.url, `INSERT INTO tickets (id, subject, priority, status, created_at, updated_at) VALUES (3, 'Imported', 'normal', 'new', '${MON}T09:20:00.000Z', '${MON}T09:20:00.000Z')`);
    await execSql(db.url, `UPDATE tickets SET sla_policy_id = (SELECT id FROM sla_policies WHERE name = 'standard') WHERE id = 3`);
    const run = (now: string) => (JSON.parse(ok(['automate', 'run', '--json'], now)) as { fired: { rule: string; record: string; occurrence: string }[] }).fired.filter((f) => f.rule === 'late');
    expect(run(`${MON}T09:59:00Z`)).toEqual([]);
    expect(run(`${MON}T10:10:00Z`)).toMatchObject([{ record: 'ticket #2', occurrence: `first_reply-breached:${MON}T10:00:00.000Z` }]);
    expect(run(`${MON}T10:30:00Z`)).toMatchObject([{ record: 'ticket #3', occurrence: `first_reply-breached:${MON}T10:20:00.000Z` }]);
    expect(run(`${MON}T11:00:00Z`)).toEqual([]);
    // Replied late: the clock stopped, its stored deadline is gone; nothing fires again.
    ok(['ticket', 'reply', '2', 'Sorry for the wait'], `${MON}T11:05:00Z`);
    expect(run(`${MON}T11:10:00Z`)).toEqual([]);
  }, 120_000);
});
