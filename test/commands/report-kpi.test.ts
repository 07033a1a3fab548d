import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';
import { addActivity, addCompany, addContact, addDeal, addUser, openTestDb, STAGE } from '../helpers/report-data.js';

let dealIds: number[];

const { crm } = useTempDb({
  seed: async (t) => {
    const db = await openTestDb(t.db);
    const sara = await addUser(db, 'tester');
    const acme = await addCompany(db, 'Acme');
    dealIds = [
      // won this month (2026-11) and last month
      await addDeal(db, { ownerId: sara, amount: 100000, createdAt: '2026-09-01T09:00:00Z', path: [[STAGE.prospecting, '2026-09-01T09:00:00Z'], [STAGE.won, '2026-11-02T09:00:00Z']] }),
      await addDeal(db, { ownerId: sara, amount: 40000, createdAt: '2026-09-01T09:00:00Z', path: [[STAGE.prospecting, '2026-09-01T09:00:00Z'], [STAGE.won, '2026-10-02T09:00:00Z']] }),
      await addDeal(db, { ownerId: sara, amount: 40000, createdAt: '2026-09-01T09:00:00Z', path: [[STAGE.prospecting, '2026-09-01T09:00:00Z'], [STAGE.won, '2026-10-05T09:00:00Z']] }),
      await addDeal(db, { ownerId: sara, amount: 5000, createdAt: '2026-09-01T09:00:00Z', path: [[STAGE.prospecting, '2026-09-01T09:00:00Z'], [STAGE.lost, '2026-11-03T09:00:00Z']] }),
      // open: one past its close date, one with no amount and no owner, one fine
      await addDeal(db, { ownerId: sara, amount: 80000, createdAt: '2026-10-01T09:00:00Z', stage: STAGE.quote, expectedClose: '2026-11-01' }),
      await addDeal(db, { ownerId: null, amount: 0, createdAt: '2026-10-01T09:00:00Z', stage: STAGE.prospecting, expectedClose: '2026-12-01' }),
      await addDeal(db, { ownerId: sara, amount: 20000, createdAt: '2026-10-01T09:00:00Z', stage: STAGE.negotiation, expectedClose: '2026-12-01' }),
    ];
    await addActivity(db, { kind: 'task', ownerId: sara, createdAt: '2026-11-01T09:00:00Z', dueAt: '2026-11-10T09:00:00Z', dealId: dealIds[6] });
    await addActivity(db, { kind: 'task', ownerId: sara, createdAt: '2026-11-01T09:00:00Z', dueAt: '2026-11-10T09:00:00Z', doneAt: '2026-11-09T09:00:00Z' });
    await addContact(db, { first: 'Ana', last: 'Lima', email: 'ana@example.com', phone: '+49 30 1234567', ownerId: sara, companyId: acme, lastTouchedAt: '2026-11-01T00:00:00Z' });
    await addContact(db, { first: 'ANA', last: 'lima', email: 'ana.lima@example', phone: '0049 (30) 123-4567', ownerId: sara, companyId: acme, lastTouchedAt: '2026-11-01T00:00:00Z' });
    await addContact(db, { first: 'Old', email: 'old@example.com', ownerId: null, createdAt: '2024-01-01T00:00:00Z' });
    await db.close();
  },
});

describe('report kpi', () => {
  it('shows pipeline, won vs previous period, win rate, overdue tasks', async () => {
    const r = await crm(['report', 'kpi', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = r.json();
    expect(j.pipeline).toEqual({ openDeals: 3, value: [{ amount: '1000.00', currency: 'USD' }], weighted: [{ amount: '550.00', currency: 'USD' }] });
    expect(j.won).toEqual({ deals: 1, value: [{ amount: '1000.00', currency: 'USD' }], previous: { period: '2026-10', deals: 2, value: [{ amount: '800.00', currency: 'USD' }] } });
    expect(j.winRate).toEqual({ current: 0.5, won: 1, lost: 1, previous: 1 });
    expect(j.overdueTasks).toBe(1);
    expect(j.sla).toEqual({ available: true, compliance: null, met: 0, breached: 0 });
    expect(j.trend.wonValue).toEqual([0, 0, 0, 0, 800, 1000]);
  });

  it('is readable when piped (for a cron mail)', async () => {
    const r = await crm(['report', 'kpi']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('KPIs');
    expect(r.stdout).toMatch(/Open pipeline +1,000\.00 USD +3 open deals; weighted 550\.00 USD/);
    expect(r.stdout).toMatch(/Won 2026-11 +1,000\.00 USD +1 deal \(-1 vs 2 in 2026-10: 800\.00 USD\)/);
    expect(r.stdout).toMatch(/SLA compliance +— +0 met, 0 breached/);
    expect(r.stdout).not.toContain('\u001b[');
    expect((await crm(['report', 'kpi'], { tty: true })).stdout).toMatch(/▁▁▁▁.█/);
  });
});

describe('report kpi: SLA', () => {
  it('uses the ticket SLA clock: compliance of tickets created in the period, open tickets breaching', async () => {
    const at = { now: '2026-11-10T10:00:00Z' };
    await crm(['ticket', 'open', 'Printer on fire', '--priority', 'urgent'], at);
    await crm(['ticket', 'open', 'Cannot log in', '--priority', 'urgent'], at);
    expect((await crm(['ticket', 'reply', '1', 'On it'], { now: '2026-11-10T10:30:00Z' })).exitCode).toBe(0);
    const j = (await crm(['report', 'kpi', '--json'])).json();
    // urgent: first reply 1h (met by #1, missed by #2), resolution 8h (missed by both)
    expect(j.sla).toEqual({ available: true, compliance: 0.25, met: 1, breached: 3 });
    expect(j.tickets).toEqual({ open: 2, breaching: 2 });
    const early = (await crm(['report', 'kpi', '--as-of', '2026-11-10T10:45:00Z', '--json'])).json();
    expect(early.sla).toEqual({ available: true, compliance: 1, met: 1, breached: 0 });
    expect(early.tickets.breaching).toBe(0);
  });
});

describe('report kpi --owner: SLA', () => {
  it('counts only the tickets assigned to the owners asked for', async () => {
    expect((await crm(['user', 'add', 'anna', '--name', 'Anna Berg'])).exitCode).toBe(0);
    const at = { now: '2026-11-10T10:00:00Z' };
    await crm(['ticket', 'open', 'Printer on fire', '--priority', 'urgent', '--assignee', 'anna'], at);
    await crm(['ticket', 'open', 'Cannot log in', '--priority', 'urgent', '--assignee', 'tester'], at);
    await crm(['ticket', 'open', 'Nobody has it', '--priority', 'urgent'], at);
    expect((await crm(['ticket', 'reply', '1', 'On it'], { now: '2026-11-10T10:30:00Z' })).exitCode).toBe(0);
    const all = (await crm(['report', 'kpi', '--json'])).json();
    expect(all.sla).toEqual({ available: true, compliance: 1 / 6, met: 1, breached: 5 });
    const anna = (await crm(['report', 'kpi', '--owner', 'anna', '--json'])).json();
    // urgent: #1 met its first reply (1h), missed resolution (8h)
    expect(anna.sla).toEqual({ available: true, compliance: 0.5, met: 1, breached: 1 });
    expect(anna.tickets.breaching).toBe(1);
    const tester = (await crm(['report', 'kpi', '--owner', 'tester', '--json'])).json();
    expect(tester.sla).toEqual({ available: true, compliance: 0, met: 0, breached: 2 });
  });
});

describe('report data-quality', () => {
  it('finds missing fields, invalid emails, duplicates and stale records', async () => {
    const r = await crm(['report', 'data-quality', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const byCheck = Object.fromEntries(r.json().checks.map((c: any) => [c.check, c.examples]));
    expect(byCheck['contact-invalid-email']).toEqual([2]);
    expect(byCheck['duplicate-phone']).toEqual([[1, 2]]);
    expect(byCheck['duplicate-name-company']).toEqual([[1, 2]]);
    expect(byCheck['contact-no-owner']).toEqual([3]);
    expect(byCheck['contact-untouched-year']).toEqual([3]);
    expect(byCheck['deal-no-owner']).toEqual([dealIds[5]]);
    expect(byCheck['open-deal-no-amount']).toEqual([dealIds[5]]);
    expect(byCheck['open-deal-past-close']).toEqual([dealIds[4]]);
    expect(byCheck['open-deal-no-next-step']).toEqual([dealIds[4], dealIds[5]]);
  });

  it('a task on the deal is a next step; --fail-on-issues exits 3', async () => {
    expect((await crm(['task', 'add', 'Send quote', '--deal', String(dealIds[4]), '--due', '2026-11-25'])).exitCode).toBe(0);
    const j = (await crm(['report', 'data-quality', '--json'])).json();
    expect(j.checks.find((c: any) => c.check === 'open-deal-no-next-step').examples).toEqual([dealIds[5]]);
    const fail = await crm(['report', 'data-quality', '--fail-on-issues']);
    expect(fail.exitCode).toBe(3);
    expect(fail.stdout).toContain('Likely duplicates: same phone');
    expect(fail.stderr).toContain('error: Data quality:');
  });
});
