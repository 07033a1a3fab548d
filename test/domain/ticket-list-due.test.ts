/**
 * `crm ticket list --breaching` / `--due-within` read the stored SLA deadlines (ticket_sla_due,
 * src/domain/sla-due.ts) by index and let the SLA engine re-check the candidates. On both engines,
 * over random tickets (replies, pauses, priority changes, tickets written behind crm's back with
 * no stored row or a stale one, a solved ticket whose imported clocks still run): at several
 * moments and windows the filter gives exactly the tickets the SLA engine picks from every ticket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyDb } from '../../src/db/engine.js';
import { addCalendar } from '../../src/domain/calendars.js';
import { addPolicy } from '../../src/domain/sla-policies.js';
import type { Session } from '../../src/domain/session.js';
import { listTickets, type TicketRecord } from '../../src/domain/tickets.js';
import { ENGINES } from '../helpers/engines.js';
import { openPostgres } from '../../src/db/postgres/connect.js';
import { openDatabase } from '../../src/db/sqlite.js';
import { createTestPgDatabase, pgQuery, pgUrlFor } from '../helpers/postgres.js';
import { randomTickets } from '../helpers/random-tickets.js';
import { addUser, openTestDb } from '../helpers/report-data.js';

describe.each(ENGINES)('ticket list --breaching / --due-within from stored deadlines on %s', (engine) => {
  let db: AnyDb;
  let dir: string | undefined;
  let pgUrl = '';
  let clock = new Date('2026-11-20T15:10:00.000Z'); // a Friday afternoon: clocks cross the weekend
  let s: Session;

  beforeAll(async () => {
    if (engine === 'postgres') db = await openTestDb((pgUrl = await createTestPgDatabase('listdue')));
    else db = await openTestDb(join((dir = mkdtempSync(join(tmpdir(), 'crm-listdue-'))), 't.db'));
    s = { db, now: () => clock, actor: 'tester', timeZone: 'UTC' };
    await addUser(db as never, 'ana', { role: 'agent' });
    await addUser(db as never, 'ben', { role: 'agent' });
    await addCalendar(s, { name: 'office', timezone: 'Europe/Berlin', hours: 'mon-fri 09:00-12:30,13:30-18:00' });
    await addPolicy(s, { name: 'urgent', priority: ['urgent'], calendar: 'office', firstReply: 'all=30m', nextReply: 'all=1h', resolution: 'all=4h', calendarTime: ['firstReply', 'nextReply', 'resolution'] });
    await addPolicy(s, { name: 'standard', calendar: 'office', firstReply: 'low=8h,normal=4h,high=1h', nextReply: 'all=2h', resolution: 'low=5d,normal=3d,high=1d' });
  });
  afterAll(async () => {
    await (db as { close?: () => unknown } | undefined)?.close?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const later = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60000));
  const ids = (rows: TicketRecord[]) => rows.map((r) => r.id);

  it('gives the tickets the SLA engine gives, at every moment and window', async () => {
    const made = await randomTickets(s, { seed: engine === 'sqlite' ? 5 : 13, tickets: 30, openGap: 120, steps: 120, stepGap: 300, later });
    // Behind crm's back: tickets without a stored row (one imported as solved, its clocks never
    // stopped by an event), and a priority raised by SQL (the stored row is now stale).
    const at = clock.toISOString();
    const old = new Date(clock.getTime() - 3 * 86400_000).toISOString();
    for (const [subject, status, priority, created] of [['Imported new', 'new', 'high', at], ['Imported old', 'open', 'low', old], ['Imported solved', 'solved', 'normal', old]] as const) {
      await s.db.kysely.insertInto('tickets').values({ subject, status, priority, created_at: created, updated_at: created } as never).execute();
    }
    const stale = made[0]!;
    await s.db.kysely.updateTable('tickets').set((eb) => ({ priority: 'urgent', version: eb('version', '+', 1) })).where('id', '=', stale).execute();

    let breachingSeen = 0;
    let dueSeen = 0;
    let leftOut = 0;
    for (const step of [0, 45, 240, 1500, 4000]) {
      later(step);
      for (const filter of [[], ['status:any'], ['assignee:ana']]) {
        // The SLA engine over every ticket the filter names.
        const every = (await listTickets(s, { filter, sort: 'id' })).rows;
        const breaching = ids(every.filter((r) => r.breaching));
        expect(ids((await listTickets(s, { filter, sort: 'id', breaching: true })).rows), `--breaching ${filter.join(' ')} at ${clock.toISOString()}`).toEqual(breaching);
        breachingSeen += breaching.length;
        for (const within of [30 * 60, 4 * 3600, 2 * 86400]) {
          const limit = clock.getTime() + within * 1000;
          const due = ids(every.filter((r) => r.nextDeadline !== null && Date.parse(r.nextDeadline) <= limit));
          expect(ids((await listTickets(s, { filter, sort: 'id', dueWithinSeconds: within })).rows), `--due-within ${within}s ${filter.join(' ')} at ${clock.toISOString()}`).toEqual(due);
          const both = ids(every.filter((r) => r.breaching && r.nextDeadline !== null && Date.parse(r.nextDeadline) <= limit));
          expect(ids((await listTickets(s, { filter, sort: 'id', breaching: true, dueWithinSeconds: within })).rows)).toEqual(both);
          dueSeen += due.length - breaching.length;
          leftOut += every.length - due.length;
        }
      }
    }
    // The moments cover all three cases: breaching, due but not yet breached, and neither.
    expect(breachingSeen).toBeGreaterThan(0);
    expect(dueSeen).toBeGreaterThan(0);
    expect(leftOut).toBeGreaterThan(0);
  }, 240_000);

  it('still lists for a user who may only read: the engine decides every candidate', async () => {
    // A ticket written behind crm's back has no stored deadline; refreshing it is a write the
    // read-only connection refuses.
    const at = new Date(clock.getTime() - 86400_000).toISOString();
    await s.db.kysely.insertInto('tickets').values({ subject: 'Read-only case', status: 'open', priority: 'high', created_at: at, updated_at: at } as never).execute();
    const expected = ids((await listTickets({ ...s, db }, { sort: 'id' })).rows.filter((r) => r.breaching));
    await s.db.kysely.deleteFrom('ticket_sla_due').execute();
    let reader: AnyDb;
    if (engine === 'postgres') {
      await pgQuery(pgUrlFor('postgres'), `ALTER DATABASE ${new URL(pgUrl).pathname.slice(1)} SET default_transaction_read_only = on`);
      reader = await openPostgres(pgUrl, { migrate: false });
    } else {
      reader = openDatabase(join(dir!, 't.db'), { readonly: true, migrate: false });
    }
    try {
      const rows = (await listTickets({ ...s, db: reader }, { sort: 'id', breaching: true })).rows;
      expect(ids(rows)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    } finally {
      await (reader as { close?: () => unknown }).close?.();
    }
  }, 120_000);
});
