import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';
import { addDeal, addUser, openTestDb, STAGE } from '../helpers/report-data.js';

const { crm } = useTempDb({
  seed: async (t) => {
    const db = await openTestDb(t.db);
    const sara = await addUser(db, 'sara', { team: 'East' });
    const kenji = await addUser(db, 'kenji', { team: 'West' });
    await addDeal(db, { ownerId: sara, amount: 100000, createdAt: '2026-10-01T09:00:00Z', path: [[STAGE.prospecting, '2026-10-01T09:00:00Z'], [STAGE.won, '2026-10-15T09:00:00Z']], source: 'web' });
    await addDeal(db, { ownerId: sara, amount: 50000, createdAt: '2026-10-02T09:00:00Z', path: [[STAGE.prospecting, '2026-10-02T09:00:00Z'], [STAGE.lost, '2026-11-10T09:00:00Z']], source: 'web', lostReason: 'price' });
    await addDeal(db, { ownerId: kenji, amount: 200000, currency: 'EUR', createdAt: '2026-09-01T09:00:00Z', path: [[STAGE.qualification, '2026-09-01T09:00:00Z'], [STAGE.quote, '2026-10-01T09:00:00Z'], [STAGE.won, '2026-11-18T09:00:00Z']] });
    await addDeal(db, { ownerId: kenji, amount: 70000, createdAt: '2026-10-05T09:00:00Z', path: [[STAGE.prospecting, '2026-10-05T09:00:00Z'], [STAGE.lost, '2026-11-19T09:00:00Z']], lostReason: 'competitor' });
    // open deals
    await addDeal(db, { ownerId: sara, amount: 300000, createdAt: '2026-11-01T09:00:00Z', path: [[STAGE.prospecting, '2026-11-01T09:00:00Z'], [STAGE.quote, '2026-11-05T09:00:00Z']], expectedClose: '2026-12-15' });
    await addDeal(db, { ownerId: kenji, amount: 100000, probability: 90, createdAt: '2026-10-10T09:00:00Z', stage: STAGE.negotiation, expectedClose: '2026-11-30' });
    await addDeal(db, { ownerId: sara, amount: 10000, createdAt: '2026-10-01T09:00:00Z', expectedClose: '2026-09-30' });
    await addDeal(db, { ownerId: sara, amount: 20000, createdAt: '2026-10-01T09:00:00Z' });
    await db.close();
  },
});

describe('report framework (through win-rate)', () => {
  it('defaults to this quarter and keeps money per currency', async () => {
    const r = await crm(['report', 'win-rate', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = r.json();
    expect(j.period).toEqual({ label: '2026-Q4', start: '2026-10-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' });
    expect(j.rows).toEqual([
      { group: 'kenji', won: 1, lost: 1, closed: 2, winRate: 0.5, wonValue: [{ amount: '2000.00', currency: 'EUR' }], lostValue: [{ amount: '700.00', currency: 'USD' }] },
      { group: 'sara', won: 1, lost: 1, closed: 2, winRate: 0.5, wonValue: [{ amount: '1000.00', currency: 'USD' }], lostValue: [{ amount: '500.00', currency: 'USD' }] },
    ]);
    expect(j.total.wonValue).toEqual([
      { amount: '2000.00', currency: 'EUR' },
      { amount: '1000.00', currency: 'USD' },
    ]);
  });

  it('--as-of recomputes from what had happened by then', async () => {
    const r = await crm(['report', 'win-rate', '--as-of', '2026-11-01', '--json']);
    expect(r.json().rows.map((x: any) => [x.group, x.won, x.lost])).toEqual([['sara', 1, 0]]);
    expect(r.json().asOf).toBe('2026-11-02T00:00:00.000Z');
  });

  it('--owner and --team narrow the deals; unknown ones are errors with a hint', async () => {
    expect((await crm(['report', 'win-rate', '--team', 'east', '--json'])).json().rows.map((x: any) => x.group)).toEqual(['sara']);
    expect((await crm(['report', 'win-rate', '--owner', 'kenji', '--json'])).json().rows.map((x: any) => x.group)).toEqual(['kenji']);
    const bad = await crm(['report', 'win-rate', '--owner', 'nobody']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('crm user list');
    const team = await crm(['report', 'win-rate', '--team', 'North']);
    expect(team.exitCode).toBe(1);
    expect(team.stderr).toContain('Teams: East, West');
  });

  it('--period, --week and --from/--to; a bad period is a usage error', async () => {
    expect((await crm(['report', 'win-rate', '--period', '2026-10', '--json'])).json().rows.map((x: any) => [x.group, x.won, x.lost])).toEqual([['sara', 1, 0]]);
    expect((await crm(['report', 'win-rate', '--week', '2026-W47', '--json'])).json().rows.map((x: any) => [x.group, x.won, x.lost])).toEqual([['kenji', 1, 1]]);
    expect((await crm(['report', 'win-rate', '--from', '2026-11-10', '--to', '2026-11-10', '--json'])).json().total.lost).toBe(1);
    const bad = await crm(['report', 'win-rate', '--period', 'Q9']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Unknown period "Q9"');
    expect((await crm(['report', 'win-rate', '--period', '2026-Q4', '--week', '2026-W47'])).exitCode).toBe(2);
  });

  it('periods are cut in the user time zone', async () => {
    // 2026-10-01T09:00Z is still 2026-09-30 in Honolulu … but the won deal closed 2026-10-15.
    const r = await crm(['report', 'win-rate', '--period', '2026-10', '--json'], { env: { TZ: 'Pacific/Honolulu' } });
    expect(r.json().period.start).toBe('2026-10-01T10:00:00.000Z');
    expect(r.json().timeZone).toBe('Pacific/Honolulu');
  });

  it('keeps its human layout when piped, and --format csv gives the table', async () => {
    const text = await crm(['report', 'win-rate']);
    expect(text.stdout.split('\n')[0]).toBe('Win rate by owner');
    expect(text.stdout).toContain('│ kenji');
    expect(text.stdout).not.toContain('█');
    // the total is in two currencies: one line each, the second with only the amount
    expect(text.stdout).toMatch(/│ Total +│ +2 │ +2 │ +4 │ +50\.0% │ 2,000\.00 EUR │\n│ +│ +│ +│ +│ +│ 1,000\.00 USD │/);
    const tty = await crm(['report', 'win-rate'], { tty: true });
    expect(tty.stdout).toContain('█');
    expect((await crm(['report', 'win-rate', '--no-chart'], { tty: true })).stdout).not.toContain('█');
    const csv = await crm(['report', 'win-rate', '--format', 'csv']);
    expect(csv.stdout.split('\n')).toEqual(['group,won,lost,closed,winRate,currency,wonValue', 'kenji,1,1,2,0.5000,EUR,2000.00', 'sara,1,1,2,0.5000,USD,1000.00', '']);
    const totals = await crm(['report', 'win-rate', '--format', 'csv', '--totals']);
    expect(totals.stdout.split('\n').slice(3)).toEqual(['Total,2,2,4,0.5000,EUR,2000.00', 'Total,2,2,4,0.5000,USD,1000.00', '']);
  });

  it('--explain states the formula with the exact period bounds', async () => {
    const r = await crm(['report', 'win-rate', '--explain']);
    expect(r.stdout).toContain('How this is computed');
    expect(r.stdout).toContain('Win rate = won ÷ (won + lost)');
    expect(r.stdout).toContain('from 2026-10-01T00:00:00.000Z (inclusive) to 2027-01-01T00:00:00.000Z (exclusive)');
    expect((await crm(['report', 'win-rate', '--explain', '--json'])).json().explain).toContain('Win rate = won ÷ (won + lost)');
  });
});

describe('report cycle', () => {
  it('measures days from creation to won, and time in each stage', async () => {
    const r = await crm(['report', 'cycle', '--json']);
    const j = r.json();
    expect(j.rows).toEqual([
      { group: 'kenji', won: 1, meanDays: 78, medianDays: 78, minDays: 78, maxDays: 78 },
      { group: 'sara', won: 1, meanDays: 14, medianDays: 14, minDays: 14, maxDays: 14 },
    ]);
    expect(j.total.medianDays).toBe(46);
    expect(j.stages).toEqual([
      { stage: 'Prospecting', deals: 1, meanDays: 14, medianDays: 14 },
      { stage: 'Qualification', deals: 1, meanDays: 30, medianDays: 30 },
      { stage: 'Quote', deals: 1, meanDays: 48, medianDays: 48 },
    ]);
  });
});

describe('report forecast and quota', () => {
  it('forecasts open deals by expected close month, raw and weighted', async () => {
    const r = await crm(['report', 'forecast', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = r.json();
    expect(j.months).toEqual([
      { month: '2026-10', deals: 0, raw: [], weighted: [] },
      { month: '2026-11', deals: 1, raw: [{ amount: '1000.00', currency: 'USD' }], weighted: [{ amount: '900.00', currency: 'USD' }] },
      { month: '2026-12', deals: 1, raw: [{ amount: '3000.00', currency: 'USD' }], weighted: [{ amount: '1500.00', currency: 'USD' }] },
    ]);
    expect(j.total.weighted).toEqual([{ amount: '2400.00', currency: 'USD' }]);
    expect(j.outside).toEqual({ beforePeriod: 1, afterPeriod: 0, noCloseDate: 1 });
    const text = (await crm(['report', 'forecast'])).stdout;
    expect(text).toContain('1 open deal has no expected close date');
  });

  it('--as-of takes each deal in the stage it had then', async () => {
    const j = (await crm(['report', 'forecast', '--as-of', '2026-11-03', '--json'])).json();
    expect(j.months[2].weighted).toEqual([{ amount: '300.00', currency: 'USD' }]);
    expect(j.months[1].weighted).toEqual([{ amount: '900.00', currency: 'USD' }]);
    const before = (await crm(['report', 'forecast', '--as-of', '2026-10-09', '--json'])).json();
    expect(before.total.deals).toBe(0);
  });

  it('quota attainment uses the period quota, else the sum of its months', async () => {
    expect((await crm(['quota', 'set', 'sara', '2026-Q4', '5000'])).exitCode).toBe(0);
    for (const m of ['2026-10', '2026-11', '2026-12']) await crm(['quota', 'set', 'kenji', m, '1000', '--currency', 'EUR']);
    const j = (await crm(['report', 'quota', '--json'])).json();
    expect(j.rows.map((r: any) => [r.owner, r.quota, r.won, r.attainment, r.remaining])).toEqual([
      ['kenji', { amount: '3000.00', currency: 'EUR' }, { amount: '2000.00', currency: 'EUR' }, 2 / 3, { amount: '1000.00', currency: 'EUR' }],
      ['sara', { amount: '5000.00', currency: 'USD' }, { amount: '1000.00', currency: 'USD' }, 0.2, { amount: '4000.00', currency: 'USD' }],
    ]);
    const fc = (await crm(['report', 'forecast', '--json'])).json();
    expect(fc.byOwner.find((o: any) => o.owner === 'sara').expectedAttainment).toBeCloseTo((1000 + 1500) / 5000, 10);
    const bad = await crm(['quota', 'set', 'sara', 'Q4', '10']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('2026-Q4');
    expect((await crm(['quota', 'list'])).stdout).toContain('kenji\t2026-10\t1000.00 EUR');
  });

  it('lost reasons: count, share and value', async () => {
    const j = (await crm(['report', 'lost-reasons', '--json'])).json();
    expect(j.rows).toEqual([
      { reason: 'competitor', deals: 1, share: 0.5, value: [{ amount: '700.00', currency: 'USD' }] },
      { reason: 'price', deals: 1, share: 0.5, value: [{ amount: '500.00', currency: 'USD' }] },
    ]);
  });
});

describe('crm help kpi', () => {
  it('states every report formula', async () => {
    const r = await crm(['help', 'kpi']);
    expect(r.exitCode).toBe(0);
    for (const text of ['Win rate = won ÷ (won + lost)', 'ROI = (won value − cost) ÷ cost', 'Attainment = won value in the period ÷ quota', 'Weighted = Σ amount × probability ÷ 100', '--as-of']) {
      expect(r.stdout).toContain(text);
    }
  });
});
