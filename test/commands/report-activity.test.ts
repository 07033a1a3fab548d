import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';
import { addActivity, addContact, addDeal, addUser, openTestDb, STAGE } from '../helpers/report-data.js';

// 2026-W47 is Monday 2026-11-16 .. Sunday 2026-11-22.
const { crm } = useTempDb({
  now: '2026-11-23T08:00:00Z',
  seed: async (t) => {
    const db = await openTestDb(t.db);
    const sara = await addUser(db, 'sara', { team: 'East' });
    await addUser(db, 'quiet', { team: 'East' });
    await addUser(db, 'gone', { active: false });
    await addUser(db, 'helpdesk', { role: 'agent' });
    const boss = await addUser(db, 'boss', { role: 'manager' });
    await addActivity(db, { kind: 'call', ownerId: sara, occurredAt: '2026-11-16T08:00:00Z' });
    await addActivity(db, { kind: 'call', ownerId: sara, occurredAt: '2026-11-22T23:30:00Z' }); // Sunday night UTC, Monday 00:30 in Berlin
    await addActivity(db, { kind: 'meeting', ownerId: sara, occurredAt: '2026-11-17T10:00:00Z' });
    await addActivity(db, { kind: 'email', ownerId: boss, occurredAt: '2026-11-18T10:00:00Z' });
    await addActivity(db, { kind: 'linkedin', ownerId: boss, occurredAt: '2026-11-18T11:00:00Z' });
    await addActivity(db, { kind: 'call', ownerId: sara, occurredAt: '2026-11-13T10:00:00Z' }); // previous week
    await addActivity(db, { kind: 'task', ownerId: sara, createdAt: '2026-11-19T10:00:00Z', dueAt: '2026-11-25T10:00:00Z' });
    await addContact(db, { first: 'New', ownerId: sara, createdAt: '2026-11-18T10:00:00Z' });
    await addDeal(db, { ownerId: sara, createdAt: '2026-11-16T09:00:00Z', path: [[STAGE.prospecting, '2026-11-16T09:00:00Z'], [STAGE.quote, '2026-11-17T09:00:00Z'], [STAGE.won, '2026-11-19T09:00:00Z']] });
    await addDeal(db, { ownerId: boss, createdAt: '2026-10-16T09:00:00Z', path: [[STAGE.quote, '2026-10-16T09:00:00Z'], [STAGE.qualification, '2026-11-17T09:00:00Z']] });
    await db.close();
  },
});

describe('report activity', () => {
  it('lists every active rep and manager, flags those with nothing, counts the ISO week', async () => {
    const r = await crm(['report', 'activity', '--week', '2026-W47', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = r.json().rows;
    expect(rows.map((x: any) => x.owner)).toEqual(['boss', 'quiet', 'sara']);
    expect(rows[2]).toMatchObject({ calls: 2, meetings: 1, newContacts: 1, dealsCreated: 1, dealsAdvanced: 1, dealsWon: 1, dealsLost: 0, nextSteps: 1, flag: null });
    expect(rows[0]).toMatchObject({ emails: 1, touches: 1, dealsAdvanced: 0, flag: null });
    expect(rows[1]).toMatchObject({ total: 0, flag: 'NO ACTIVITY' });
    expect(r.json().noActivity).toEqual(['quiet']);
  });

  it('counts only what had happened by the as-of instant', async () => {
    const rows = (await crm(['report', 'activity', '--week', '2026-W47', '--as-of', '2026-11-17T12:00:00Z', '--json'])).json().rows;
    expect(rows.find((x: any) => x.owner === 'sara')).toMatchObject({ calls: 1, meetings: 1, dealsWon: 0, nextSteps: 0 });
  });

  it('cuts the week in the user zone', async () => {
    // In Berlin the Sunday 22:00 UTC call is already Monday of W48.
    const rows = (await crm(['report', 'activity', '--week', '2026-W47', '--json'], { env: { TZ: 'Europe/Berlin' } })).json().rows;
    expect(rows.find((x: any) => x.owner === 'sara').calls).toBe(1);
  });

  it('prints a readable table when piped, with the flag', async () => {
    const r = await crm(['report', 'activity', '--week', '2026-W47', '--team', 'East']);
    expect(r.stdout).toContain('Activity by rep');
    expect(r.stdout).toMatch(/│ quiet .*NO ACTIVITY/);
    expect(r.stdout).not.toContain('boss');
    expect(r.stdout).toContain('Note: No activity at all in 2026-W47: quiet.');
  });
});
