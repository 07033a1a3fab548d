import { execSql } from '../helpers/engines.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();
const { crm, ok } = t;

const totalsOf = (report: any, stage: string) => report.stages.find((s: { name: string }) => s.name === stage).byCurrency;

describe('crm pipeline', () => {
  it('sums 0.10 + 0.20 to exactly 0.30, per currency, never mixing currencies', async () => {
    await ok(['deal', 'add', 'A', '--amount', '0.10 EUR', '--stage', 'quote']);
    await ok(['deal', 'add', 'B', '--amount', '0.20 EUR', '--stage', 'quote']);
    await ok(['deal', 'add', 'C', '--amount', '¥1,200', '--stage', 'quote']);
    const r = (await ok(['pipeline', '--json'])).json();
    expect(totalsOf(r, 'Quote')).toEqual([
      { currency: 'EUR', count: 2, total: { amount: '0.30', currency: 'EUR' }, weighted: { amount: '0.15', currency: 'EUR' } },
      { currency: 'JPY', count: 1, total: { amount: '1200', currency: 'JPY' }, weighted: { amount: '600', currency: 'JPY' } },
    ]);
    expect(r.open.map((x: any) => `${x.total.amount} ${x.currency}`)).toEqual(['0.30 EUR', '1200 JPY']);
    expect(r.rounding).toContain('half-up');
  });

  it('weights by the stage probability unless the deal overrides it; won counts 100%, lost 0%', async () => {
    await ok(['deal', 'add', 'Stage prob', '--amount', '1000 EUR', '--stage', 'qualification']);
    await ok(['deal', 'add', 'Override', '--amount', '1000 EUR', '--stage', 'qualification', '--probability', '90']);
    await ok(['deal', 'add', 'Odd', '--amount', '0.33 EUR', '--stage', 'qualification', '--probability', '50']);
    await ok(['deal', 'add', 'Won', '--amount', '500 EUR', '--probability', '20']);
    await ok(['deal', 'win', '4']);
    await ok(['deal', 'add', 'Lost', '--amount', '700 EUR']);
    await ok(['deal', 'lose', '5', '--reason', 'price']);
    const r = (await ok(['pipeline', '--json'])).json();
    // 1000 × 25% + 1000 × 90% + 0.33 × 50% = 250 + 900 + 0.165 → 1150.165 → 1150.17 (half-up)
    expect(totalsOf(r, 'Qualification')).toEqual([{ currency: 'EUR', count: 3, total: { amount: '2000.33', currency: 'EUR' }, weighted: { amount: '1150.17', currency: 'EUR' } }]);
    expect(totalsOf(r, 'Won')[0].weighted.amount).toBe('500.00');
    expect(totalsOf(r, 'Lost')[0]).toMatchObject({ total: { amount: '700.00' }, weighted: { amount: '0.00' } });
    expect(r.open).toEqual([{ currency: 'EUR', count: 3, total: { amount: '2000.33', currency: 'EUR' }, weighted: { amount: '1150.17', currency: 'EUR' } }]);
  });

  it('totals every deal in the database, not a page of rows', async () => {
    await ok(['deal', 'add', 'First', '--amount', '1.01 USD']);
    const values = (title: string, amount: string) => `('${title}', 1, 1, ${amount}, 'USD', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')`;
    // Two amounts past 2^53 minor units together: the sum stays exact.
    const rows = [...Array.from({ length: 119 }, (_, i) => values(`Deal ${i}`, '101')), values('Huge 1', '9007199254740991'), values('Huge 2', '9007199254740991')];
    await execSql(t.db, `INSERT INTO deals (title, pipeline_id, stage_id, amount_minor, currency, stage_entered_at, created_at, updated_at) VALUES ${rows.join(', ')}`);
    const r = (await ok(['pipeline', '--json'], { tty: true })).json();
    expect(totalsOf(r, 'Prospecting')).toEqual([{ currency: 'USD', count: 122, total: { amount: '180143985094941.02', currency: 'USD' }, weighted: { amount: '18014398509494.10', currency: 'USD' } }]);
    const tty = await ok(['pipeline'], { tty: true });
    expect(tty.stdout).toMatch(/Prospecting[\s│]+10%[\s│]+122[\s│]+180,143,985,094,941\.02 USD/);
  });

  it('on a terminal draws bars; piped keeps the layout without bars; --no-chart drops them', async () => {
    await ok(['deal', 'add', 'A', '--amount', '1000 EUR']);
    await ok(['deal', 'add', 'B', '--amount', '250 EUR', '--stage', 'quote']);
    const tty = await ok(['pipeline'], { tty: true });
    // The one report renderer (src/output/report.ts): title, scope line, a table with a totals row.
    expect(tty.stdout.split('\n').slice(0, 2)).toEqual(['Sales pipeline', 'as of 2026-11-20 17:55']);
    expect(tty.stdout).toMatch(/Prospecting[\s│]+10%[\s│]+1[\s│]+1,000\.00 EUR[\s│]+100\.00 EUR[\s│]+█{20,}/);
    expect(tty.stdout).toMatch(/Quote[\s│]+50%[\s│]+1[\s│]+250\.00 EUR[\s│]+125\.00 EUR[\s│]+█{5,}/);
    expect(tty.stdout).toMatch(/Open pipeline[\s│]+2[\s│]+1,250\.00 EUR[\s│]+225\.00 EUR/);
    const piped = await ok(['pipeline']);
    expect(piped.stdout).toMatch(/Prospecting[\s│]+10%[\s│]+1[\s│]+1,000\.00 EUR[\s│]+100\.00 EUR[\s│]+\n/);
    expect(piped.stdout).not.toContain('█');
    expect(piped.stdout).not.toContain('\u001b[');
    expect((await ok(['pipeline', '--no-chart'], { tty: true })).stdout).not.toContain('█');
    const tsv = await ok(['pipeline', '--format', 'tsv']);
    expect(tsv.stdout.split('\n').slice(0, 2)).toEqual(['stage\tkind\tprobability\tcurrency\tcount\ttotal\tweighted', 'Prospecting\topen\t10\tEUR\t1\t1000.00\t100.00']);
  });

  it('takes filter terms and --period; crm report pipeline is the same report', async () => {
    await ok(['user', 'add', 'sara']);
    await ok(['deal', 'add', 'Mine', '--amount', '100 EUR', '--owner', 'sara']);
    await ok(['deal', 'add', 'Other', '--amount', '300 EUR']);
    await ok(['deal', 'add', 'Old win', '--amount', '50 EUR'], { now: '2026-05-01T10:00:00Z' });
    await ok(['deal', 'win', '3'], { now: '2026-05-02T10:00:00Z' });
    const mine = (await ok(['pipeline', 'owner:sara', '--json'])).json();
    expect(mine.open).toMatchObject([{ count: 1, total: { amount: '100.00' } }]);
    expect(mine.filter).toEqual(['owner:sara']);
    const q4 = (await ok(['pipeline', '--period', '2026-Q4', '--json'])).json();
    expect(totalsOf(q4, 'Won')).toEqual([]);
    expect(totalsOf((await ok(['pipeline', '--period', '2026-Q2', '--json'])).json(), 'Won')[0].count).toBe(1);
    const report = (await ok(['report', 'pipeline', 'owner:sara', '--json'])).json();
    expect(report).toEqual(mine);
    expect((await ok(['report', 'pipeline', '--owner', 'sara', '--json'])).json().open).toEqual(mine.open);
    await ok(['user', 'edit', 'sara', '--team', 'DACH (Munich)']);
    expect((await ok(['pipeline', '--team', 'dach', '--json'])).json().open).toEqual(mine.open);
    expect((await ok(['pipeline', '--explain'])).stdout).toContain('rounded half-up');
    const bad = await crm(['pipeline', 'stage:nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Unknown stage "nope"');
  });

  it('pipeline add|list manage pipelines', async () => {
    expect((await ok(['pipeline', 'add', 'Renewals'])).stdout).toBe('2\n');
    const list = (await ok(['pipeline', 'list', '--json'])).json();
    expect(list.map((p: { name: string; isDefault: boolean }) => [p.name, p.isDefault])).toEqual([['Sales', true], ['Renewals', false]]);
    expect((await crm(['pipeline', 'add', 'renewals'])).exitCode).toBe(1);
  });
});

describe('deal list filters', () => {
  beforeEach(async () => {
    await ok(['user', 'add', 'sara']); // tester, the acting user, is the database's first admin
    await ok(['deal', 'add', 'Big yen', '--amount', '¥600,000', '--close', '2026-11-28', '--tag', 'renewal'], { now: '2026-09-01T10:00:00Z' });
    await ok(['deal', 'add', 'Small euro', '--amount', '4999.99 EUR', '--close', '2026-12-15', '--owner', 'sara']);
    await ok(['deal', 'add', 'Big euro', '--amount', '6000 EUR', '--close', '2026-11-05', '--stage', 'quote']);
    await ok(['deal', 'add', 'Won euro', '--amount', '9000 EUR', '--close', '2026-11-10']);
    await ok(['deal', 'win', '4']);
  });
  const ids = async (...filter: string[]) => (await ok(['deal', 'list', ...filter, '--json'])).json().map((d: { id: number }) => d.id);

  it('stage, owner, amount in major units per currency, tags, status', async () => {
    expect(await ids('stage:quote')).toEqual([3]);
    expect(await ids('stage:prosp,quo')).toEqual([1, 2, 3]);
    expect(await ids('owner:me')).toEqual([1, 3, 4]);
    expect(await ids('owner:sara')).toEqual([2]);
    expect(await ids('amount:>5000')).toEqual([1, 3, 4]);
    expect(await ids('amount:<5000')).toEqual([2]);
    expect(await ids('amount:4999.99')).toEqual([2]);
    expect(await ids('amount:>5000', 'currency:eur')).toEqual([3, 4]);
    expect(await ids('+renewal')).toEqual([1]);
    expect(await ids('status:won')).toEqual([4]);
    expect(await ids('status:open', 'big')).toEqual([1, 3]);
  });

  it('close dates, closing:this-month and stale:>30d', async () => {
    expect(await ids('close:<2026-12-01')).toEqual([1, 3, 4]);
    expect(await ids('closing:this-month')).toEqual([1, 3]);
    expect(await ids('stale:>30d')).toEqual([1]);
    expect(await ids('stale:<7')).toEqual([2, 3]);
    expect(await ids('status:open', '--sort', 'close')).toEqual([3, 1, 2]);
    const bad = await crm(['deal', 'list', 'stale:long']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Bad filter term "stale:long"');
  });

  it('lists show money grouped on a terminal and exact when piped', async () => {
    const tty = await ok(['deal', 'list', 'stage:quote'], { tty: true });
    expect(tty.stdout).toContain('6,000.00 EUR');
    const piped = await ok(['deal', 'list', 'stage:quote']);
    expect(piped.stdout.split('\n')[1]).toBe('3\tBig euro\t\tQuote\t6000.00 EUR\t50%\t2026-11-05\ttester\t0\t');
  });
});

describe('crm quota', () => {
  it('takes the form of the issue: --owner --period --amount with the currency in the amount', async () => {
    await ok(['user', 'add', 'sara']);
    expect((await ok(['quota', 'set', '--owner', 'sara', '--period', '2026-Q4', '--amount', '50000 EUR'])).stdout).toBe('1\n');
    expect((await ok(['quota', 'list', '--json'])).json()).toEqual([{ id: 1, owner: 'sara', period: '2026-Q4', amount: { amount: '50000.00', currency: 'EUR' } }]);
    await ok(['quota', 'set', '--owner', 'sara', '--period', '2026-q4', '--amount', '60.000,00 EUR', '--locale', 'de']);
    expect((await ok(['quota', 'list', '--period', '2026-Q4', '--json'])).json()[0].amount.amount).toBe('60000.00');
    for (const [argv, msg] of [
      [['quota', 'set', '--owner', 'nobody', '--period', '2026-Q4', '--amount', '5 EUR'], 'No user "nobody"'],
      [['quota', 'set', '--owner', 'sara', '--period', '2026-W47', '--amount', '5 EUR'], 'not a quota period'],
      [['quota', 'set', '--owner', 'sara', '--period', '2026-11', '--amount', 'lots'], 'Not an amount'],
      [['quota', 'set', '--owner', 'sara', '--period', '2026-11', '--amount', '12,500 EUR'], 'ambiguous'],
      [['quota', 'set', '--owner', 'sara', '--period', '2026-11', '--amount', '5 EUR', '--currency', 'USD'], 'is in EUR but --currency says USD'],
      [['quota', 'set', 'sara', '--amount', '5 EUR'], 'Missing the period'],
    ] as const) {
      const r = await crm([...argv]);
      expect(r.exitCode, argv.join(' ')).not.toBe(0);
      expect(r.stderr).toContain(msg);
    }
    expect((await ok(['quota', 'list', '--json'])).json()).toHaveLength(1);
  });
});
