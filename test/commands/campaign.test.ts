import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const { crm } = useTempDb({
  seed: async ({ crm }) => {
    await crm(['user', 'add', 'tester']);
  },
});

async function seed() {
  expect((await crm(['campaign', 'add', 'Spring webinar', '--channel', 'webinar', '--cost', '1000 EUR', '--goal', '4 leads'])).stdout).toBe('1\n');
  await crm(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com', '--source', 'spring webinar']);
  await crm(['contact', 'add', 'Bo Chen', '--email', 'bo@example.com', '--source', 'Spring Webinar ']);
  await crm(['contact', 'add', 'Cy Diaz', '--email', 'cy@example.com', '--source', 'referral']);
  await crm(['contact', 'add', 'Di Eze', '--email', 'di@example.com']);
  await crm(['contact', 'edit', '1', '--lifecycle', 'customer']);
  expect((await crm(['deal', 'add', 'Pilot', '--amount', '3000 EUR', '--campaign', 'Spring webinar', '--source', 'webinar'])).exitCode).toBe(0);
  expect((await crm(['deal', 'win', '1'])).exitCode).toBe(0);
}

describe('crm campaign', () => {
  it('add, list, edit; bad input is one clear line', async () => {
    await seed();
    const list = await crm(['campaign', 'list', '--json']);
    expect(list.json()[0]).toMatchObject({ id: 1, name: 'Spring webinar', channel: 'webinar', currency: 'EUR', cost: { amount: '1000.00', currency: 'EUR' }, goal: { kind: 'leads', target: 4 } });
    expect((await crm(['campaign', 'edit', 'spring', '--cost', '1200'])).exitCode).toBe(0);
    expect((await crm(['campaign', 'show', '1', '--json'])).json().cost).toEqual({ amount: '1200.00', currency: 'EUR' });
    const dup = await crm(['campaign', 'add', 'Spring webinar']);
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toContain('already exists (#1)');
    const goal = await crm(['campaign', 'add', 'X', '--goal', 'lots']);
    expect(goal.exitCode).toBe(1);
    expect(goal.stderr).toContain('hint: Write the goal as "200 leads"');
    expect((await crm(['campaign', 'show', 'nope'])).stderr).toContain('crm campaign list');
    expect((await crm(['history', 'campaign', '1', '--json'])).json().map((h: any) => h.action)).toEqual(['create', 'update']);
  });

  it('show gives leads, conversion, won value, cost per lead, ROI and % of goal', async () => {
    await seed();
    const r = await crm(['campaign', 'show', 'Spring webinar', '--json']);
    expect(r.json().results).toMatchObject({
      leads: 2,
      customers: 1,
      conversion: 0.5,
      dealsWon: 1,
      wonValue: [{ amount: '3000.00', currency: 'EUR' }],
      costPerLead: { amount: '500.00', currency: 'EUR' },
      roi: 2,
      goalProgress: 0.5,
    });
    const text = await crm(['campaign', 'show', '1']);
    expect(text.stdout).toMatch(/roi\t200/);
  });
});

describe('report sources', () => {
  it('per source: leads, conversion, deals won; per campaign: ROI', async () => {
    await seed();
    const r = await crm(['report', 'sources', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json().rows.map((x: any) => [x.source, x.leads, x.customers, x.dealsWon])).toEqual([
      ['Spring Webinar', 2, 1, 0],
      ['referral', 1, 0, 0],
      ['webinar', 0, 0, 1],
      ['(none)', 1, 0, 0],
    ]);
    const c = await crm(['report', 'sources', '--by', 'campaign', '--format', 'csv']);
    // money: the currency in its own column, the amounts bare (one rectangular table)
    expect(c.stdout.split('\n')[1]).toBe('Spring webinar,2,0.5000,1,EUR,3000.00,1000.00,500.00,2.0000,0.5000');
    const explain = await crm(['report', 'sources', '--by', 'campaign', '--explain']);
    expect(explain.stdout).toContain('ROI = (won value − cost) ÷ cost');
  });
});
