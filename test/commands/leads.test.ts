/**
 * Issue #21 item 5: leads as the source defines them — a grade (ordered, configurable) and a
 * status (disqualified needs a reason), `crm lead convert` making the deal (and the company)
 * with the lead's source and campaign, `crm report leads`, and `crm help lifecycle`.
 */
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

describe.each(['sqlite', 'postgres'] as const)('leads on %s', (engine) => {
  const { ok, crm } = useTempDb({ engine });

  it('grades and sets the status of leads; lists them by grade and status; disqualifying needs a reason', async () => {
    await ok(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com', '--source', 'Spring webinar']);
    await ok(['contact', 'add', 'Bob Stone', '--email', 'bob@example.com']);
    await ok(['contact', 'add', 'Cem Kaya', '--email', 'cem@example.com', '--lifecycle', 'customer']);
    const edited = (await ok(['lead', 'edit', '1', '--grade', 'A', '--status', 'working', '--json'])).json();
    expect(edited).toMatchObject({ id: 1, grade: 'A', leadStatus: 'working', lifecycle: 'lead' });
    await ok(['lead', 'edit', '2', '--grade', 'C']);
    const names = async (...filter: string[]) => (await ok(['lead', 'list', ...filter, '--json'])).json().map((l: { name: string }) => l.name);
    expect(await names()).toEqual(['Ana Lima', 'Bob Stone']);
    expect(await names('grade:>=B')).toEqual(['Ana Lima']);
    expect(await names('status:new')).toEqual(['Bob Stone']);

    const noReason = await crm(['lead', 'edit', '2', '--status', 'disqualified']);
    expect(noReason.exitCode).toBe(2);
    expect(noReason.stderr).toContain('needs a reason');
    await ok(['lead', 'disqualify', '2', '--reason', 'no budget']);
    expect((await ok(['lead', 'show', '2', '--json'])).json()).toMatchObject({ leadStatus: 'disqualified', disqualifiedReason: 'no budget' });
    expect(await names('not:status:disqualified')).toEqual(['Ana Lima']);

    const badGrade = await crm(['lead', 'edit', '1', '--grade', 'Z']);
    expect(badGrade.exitCode).not.toBe(0);
    expect(badGrade.stderr.trim().split('\n')[0]).toContain('Z');
    const customer = await crm(['lead', 'edit', '3', '--status', 'working']);
    expect(customer.exitCode).toBe(1);
    expect(customer.stderr).toContain('not a lead');
    const history = (await ok(['history', 'contact', '2'])).stdout;
    expect(history).toContain('disqualify');
    expect(history).toContain('no budget');
  });

  it('takes another grade scale through the field definition (hot/warm/cold)', async () => {
    await ok(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com']);
    await ok(['field', 'enable', 'contact', 'lead_grade']);
    await ok(['field', 'edit', 'contact', 'lead_grade', '--choices', 'cold,warm,hot']);
    await ok(['lead', 'edit', '1', '--grade', 'hot']);
    expect((await ok(['lead', 'list', 'grade:>=warm', '--json'])).json()).toHaveLength(1);
  });

  it('converts a lead into a deal and a new company, carrying source and campaign; refuses twice and disqualified', async () => {
    await ok(['campaign', 'add', 'Spring webinar', '--cost', '100 EUR']);
    await ok(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com', '--source', 'spring webinar']);
    await ok(['contact', 'add', 'Bob Stone', '--email', 'bob@example.com']);
    const r = await ok(['lead', 'convert', '1', '--deal-title', 'Acme pilot', '--amount', '5000 EUR', '--company', 'Acme Ltd']);
    const dealId = r.stdout.trim();
    expect(dealId).toMatch(/^\d+$/);
    expect(r.stderr).toContain('Created company');
    const deal = (await ok(['deal', 'show', dealId, '--json'])).json();
    expect(deal).toMatchObject({ title: 'Acme pilot', source: 'spring webinar', campaign: { name: 'Spring webinar' }, company: { name: 'Acme Ltd' }, contact: { id: 1 } });
    expect(deal.amount).toEqual({ amount: '5000.00', currency: 'EUR' });
    const lead = (await ok(['lead', 'show', '1', '--json'])).json();
    expect(lead).toMatchObject({ lifecycle: 'prospect', leadStatus: 'converted', convertedDealId: Number(dealId) });
    // The lead had no company: it joins the deal's, so the account lists its person.
    expect((await ok(['contact', 'show', '1', '--json'])).json().company).toMatchObject({ name: 'Acme Ltd' });
    expect((await ok(['company', 'list', '--json'])).json()).toMatchObject([{ name: 'Acme Ltd', contacts: 1 }]);
    const again = await crm(['lead', 'convert', '1']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr.trim().split('\n')[0]).toBe(`error: Lead #1 was already converted (deal #${dealId}).`);

    await ok(['lead', 'disqualify', '2', '--reason', 'student']);
    const dq = await crm(['lead', 'convert', '2']);
    expect(dq.exitCode).toBe(1);
    expect(dq.stderr).toContain('disqualified');
    expect((await ok(['deal', 'list', '--json'])).json()).toHaveLength(1);
    expect((await ok(['company', 'list', '--json'])).json()).toHaveLength(1);
    const history = (await ok(['history', 'contact', '1'])).stdout;
    expect(history).toContain('convert');
    expect(history).toContain('lead → prospect');
  });

  it('a lead who has a company keeps it when the deal is with another', async () => {
    await ok(['company', 'add', 'Own Co']);
    await ok(['contact', 'add', 'Cy Lead', '--email', 'cy@example.com', '--company', 'Own Co']);
    const dealId = (await ok(['lead', 'convert', 'cy@example.com', '--company', 'Other Co'])).stdout.trim();
    expect((await ok(['deal', 'show', dealId, '--json'])).json().company).toMatchObject({ name: 'Other Co' });
    expect((await ok(['contact', 'show', 'cy@example.com', '--json'])).json().company).toMatchObject({ name: 'Own Co' });
  });

  it('reports leads created, converted, conversion and lead-to-won days by source, campaign and owner', async () => {
    await ok(['campaign', 'add', 'Spring webinar']);
    await ok(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com', '--source', 'Spring webinar'], { now: '2026-11-01T00:00:00Z' });
    await ok(['contact', 'add', 'Bob Stone', '--email', 'bob@example.com', '--source', 'Spring webinar'], { now: '2026-11-02T00:00:00Z' });
    await ok(['contact', 'add', 'Cem Kaya', '--email', 'cem@example.com', '--source', 'fair'], { now: '2026-11-03T00:00:00Z' });
    await ok(['contact', 'add', 'Old Customer', '--email', 'old@example.com', '--lifecycle', 'customer'], { now: '2026-11-03T00:00:00Z' });
    const deal = (await ok(['lead', 'convert', '1', '--amount', '100 EUR'], { now: '2026-11-05T00:00:00Z' })).stdout.trim();
    await ok(['deal', 'win', deal], { now: '2026-11-11T00:00:00Z' });
    await ok(['lead', 'disqualify', '3', '--reason', 'no fit'], { now: '2026-11-06T00:00:00Z' });

    const bySource = (await ok(['report', 'leads', '--period', '2026-11', '--json'])).json();
    expect(bySource.total).toMatchObject({ leads: 3, converted: 1, disqualified: 1, won: 1, leadToWonDays: 10 });
    expect(bySource.total.conversion).toBeCloseTo(1 / 3);
    expect(bySource.rows).toEqual([
      { group: 'Spring webinar', leads: 2, converted: 1, disqualified: 0, conversion: 0.5, won: 1, leadToWonDays: 10 },
      { group: 'fair', leads: 1, converted: 0, disqualified: 1, conversion: 0, won: 0, leadToWonDays: null },
    ]);
    const byCampaign = (await ok(['report', 'leads', '--period', '2026-11', '--by', 'campaign', '--json'])).json();
    expect(byCampaign.rows.map((r: { group: string; leads: number }) => [r.group, r.leads])).toEqual([['Spring webinar', 2], ['(none)', 1]]);
    const byOwner = (await ok(['report', 'leads', '--period', '2026-11', '--by', 'owner', '--json'])).json();
    expect(byOwner.rows).toHaveLength(1);
    expect(byOwner.rows[0]).toMatchObject({ leads: 3, converted: 1 });
    // As of before the conversion: nothing converted yet.
    const before = (await ok(['report', 'leads', '--period', '2026-11', '--as-of', '2026-11-03', '--json'])).json();
    expect(before.total).toMatchObject({ converted: 0, won: 0 });
    expect((await ok(['report', 'leads', '--period', '2026-11', '--explain'])).stdout).toContain('Conversion = converted ÷ leads');
  });
});

describe('crm help lifecycle', () => {
  const { ok } = useTempDb();
  it('states what a lead, its grade, its status and a conversion are', async () => {
    const text = (await ok(['help', 'lifecycle'])).stdout;
    for (const word of ['A lead is a contact in lifecycle lead', 'lead_grade', 'disqualified', 'crm lead convert', 'lead-to-won']) expect(text).toContain(word);
  });
});
