import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const { crm, ok } = useTempDb();

describe('the examples of the issue, as written', () => {
  it('add, move, move, win, lose, show --json, pipeline --json', async () => {
    for (const u of ['sara', 'omar', 'lin']) await ok(['user', 'add', u, '--role', 'data-steward']);
    await ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    const add = await ok(['deal', 'add', 'Acme renewal', '--company', 'Acme Ltd', '--contact', 'sara@example.com', '--amount', '12500.50 EUR', '--close', '2026-12-15']);
    expect(add.stdout).toBe('1\n');
    expect(add.stderr).toContain('Created company #1 Acme Ltd');
    await ok(['deal', 'add', 'Globex pumps', '--amount', '$1,250']);
    await ok(['deal', 'move', '1', 'qualification'], { now: '2026-11-21T09:00:00Z', login: 'sara' });
    await ok(['deal', 'move', '1', 'quote'], { now: '2026-11-23T09:00:00Z', login: 'omar' });
    await ok(['deal', 'win', '1'], { now: '2026-11-26T12:00:00Z', login: 'lin' });
    const lose = await ok(['deal', 'lose', '2', '--reason', 'price', '--note', 'Went with a cheaper vendor']);
    expect(lose.stderr).toContain('Deal #2 Globex pumps: lost (price)');
    const show = (await ok(['deal', 'show', '1', '--json'], { now: '2026-11-27T12:00:00Z' })).json();
    expect(show).toMatchObject({ id: 1, title: 'Acme renewal', status: 'won', stage: { name: 'Won' }, amount: { amount: '12500.50', currency: 'EUR' }, company: { name: 'Acme Ltd' }, contact: { name: 'Sara Rahimi' }, expectedClose: '2026-12-15', wonAt: '2026-11-26T12:00:00.000Z' });
    const lost = (await ok(['deal', 'show', '2', '--json'])).json();
    expect(lost).toMatchObject({ status: 'lost', lostReason: 'price', lostNote: 'Went with a cheaper vendor' });
    const pipeline = (await ok(['pipeline', '--json'])).json();
    expect(pipeline.stages.map((s: { name: string; count: number }) => `${s.name}:${s.count}`)).toEqual(['Prospecting:0', 'Qualification:0', 'Quote:0', 'Negotiation:0', 'Won:1', 'Lost:1']);
  });
});

describe('stage history', () => {
  it('moving twice and winning gives three history rows with actors and times, and time in each stage', async () => {
    for (const u of ['ana', 'sara', 'omar', 'lin']) await ok(['user', 'add', u, '--role', 'data-steward']);
    await ok(['deal', 'add', 'Acme renewal', '--amount', '100 EUR'], { now: '2026-11-20T10:00:00Z', login: 'ana' });
    await ok(['deal', 'move', '1', 'qual'], { now: '2026-11-21T10:00:00Z', login: 'sara' });
    await ok(['deal', 'move', '1', 'quote'], { now: '2026-11-23T16:30:00Z', login: 'omar' });
    await ok(['deal', 'win', '1'], { now: '2026-11-24T16:30:00Z', login: 'lin' });
    const d = (await ok(['deal', 'show', '1', '--json'], { now: '2026-12-01T00:00:00Z' })).json();
    const moves = d.history.filter((h: { from: unknown }) => h.from !== null);
    expect(moves.map((h: any) => [h.from.name, h.to.name, h.actor, h.at])).toEqual([
      ['Prospecting', 'Qualification', 'sara', '2026-11-21T10:00:00.000Z'],
      ['Qualification', 'Quote', 'omar', '2026-11-23T16:30:00.000Z'],
      ['Quote', 'Won', 'lin', '2026-11-24T16:30:00.000Z'],
    ]);
    expect(d.history[0]).toMatchObject({ from: null, to: { name: 'Prospecting' }, actor: 'ana', at: '2026-11-20T10:00:00.000Z' });
    expect(d.timeline.filter((e: { source: string }) => e.source === 'deal')).toHaveLength(4);
    expect(d.timeInStage).toEqual([
      { stage: 'Prospecting', seconds: 86400, duration: '1d', visits: 1 },
      { stage: 'Qualification', seconds: 2 * 86400 + 6.5 * 3600, duration: '2d 6h 30m', visits: 1 },
      { stage: 'Quote', seconds: 86400, duration: '1d', visits: 1 },
    ]);
  });

  it('shows contacts with roles, milestones and history on a terminal', async () => {
    await ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    await ok(['contact', 'add', 'Bob Stone', '--email', 'bob@example.com']);
    await ok(['deal', 'add', 'Acme renewal', '--contact', 'sara@example.com', '--amount', '100 EUR']);
    await ok(['deal', 'contact', 'add', '1', 'bob@example.com', '--role', 'champion']);
    await ok(['deal', 'contact', 'add', '1', 'sara@example.com', '--role', 'decision-maker']);
    await ok(['deal', 'milestone', 'add', '1', '2026-12-01', 'Pilot done']);
    await ok(['deal', 'milestone', 'done', '1']);
    await ok(['deal', 'move', '1', 'quote'], { now: '2026-11-22T17:55:00Z' });
    const r = await ok(['deal', 'show', '1'], { tty: true, now: '2026-11-24T17:55:00Z' });
    expect(r.stdout).toMatch(/Contacts \(2\)[\s\S]*Sara Rahimi[\s\S]*decision maker[\s\S]*primary[\s\S]*Bob Stone[\s\S]*champion/);
    expect(r.stdout).toMatch(/Milestones \(1\)[\s\S]*2026-12-01[\s\S]*Pilot done[\s\S]*✓ 2026-11-20/);
    expect(r.stdout).toMatch(/Stage history \(2\)[\s\S]*\(created\)[\s\S]*Prospecting[\s\S]*2d[\s\S]*Quote/);
    const bad = await crm(['deal', 'contact', 'add', '1', 'bob@example.com', '--role', 'boss']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('Unknown contact role "boss"');
  });
});

describe('deal lose', () => {
  beforeEach(async () => {
    await ok(['deal', 'add', 'Globex', '--amount', '500 EUR']);
  });

  it('fails piped without a reason (exit 1, hint lists the reasons) and changes nothing', async () => {
    const r = await crm(['deal', 'lose', '1']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error: Losing a deal needs a reason.');
    expect(r.stderr).toMatch(/hint: .*--reason.*price, competitor, no budget/);
    const d = (await ok(['deal', 'show', '1', '--json'])).json();
    expect(d).toMatchObject({ status: 'open', lostAt: null, lostReason: null, version: 1 });
    expect(d.history).toHaveLength(1);
  });

  it('asks for the reason on a terminal and records it', async () => {
    const r = await ok(['deal', 'lose', '1'], { tty: true, answers: ['comp', 'They had stock'] });
    expect(r.stderr).toContain('Why was deal #1 lost? (price, competitor');
    expect((await ok(['deal', 'show', '1', '--json'])).json()).toMatchObject({ status: 'lost', lostReason: 'competitor', lostNote: 'They had stock' });
  });

  it('takes reasons from the configurable list only', async () => {
    const r = await crm(['deal', 'lose', '1', '--reason', 'weather']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Unknown lost reason "weather"');
    expect(r.stderr).toContain('crm deal reasons add "weather"');
    await ok(['deal', 'reasons', 'add', 'Weather']);
    await ok(['deal', 'lose', '1', '--reason', 'weather']);
    const reasons = (await ok(['deal', 'reasons', '--json'])).json();
    expect(reasons.find((x: { name: string }) => x.name === 'weather')).toMatchObject({ deals: 1, active: true });
    await ok(['deal', 'reasons', 'remove', 'timing']);
    expect((await ok(['deal', 'reasons', '--json'])).json().map((x: { name: string }) => x.name)).not.toContain('timing');
  });

  it('reopen clears lost and returns to the last open stage', async () => {
    await ok(['deal', 'move', '1', 'negotiation']);
    await ok(['deal', 'lose', '1', '--reason', 'price']);
    const again = await crm(['deal', 'lose', '1', '--reason', 'price']);
    expect(again.exitCode).toBe(1);
    const r = (await ok(['deal', 'reopen', '1', '--json'])).json();
    expect(r).toMatchObject({ status: 'open', stage: { name: 'Negotiation' }, lostReason: null, lostAt: null });
    await ok(['deal', 'win', '1']);
    expect((await ok(['deal', 'reopen', '1', '--stage', 'qual', '--json'])).json()).toMatchObject({ stage: { name: 'Qualification' }, wonAt: null });
  });
});

describe('errors change nothing', () => {
  beforeEach(async () => {
    await ok(['deal', 'add', 'Acme', '--amount', '100 EUR']);
  });

  async function unchanged() {
    const list = (await ok(['deal', 'list', '--json'])).json();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ version: 1, stage: { name: 'Prospecting' }, amount: { amount: '100.00' } });
    expect((await ok(['deal', 'show', '1', '--json'])).json().history).toHaveLength(1);
  }

  it('an invalid amount', async () => {
    for (const amount of ['lots', '12,500 EUR', '-5 EUR', '1.234 EUR', '100 XYZ']) {
      const r = await crm(['deal', 'add', 'Bad', '--amount', amount]);
      expect(r.exitCode, amount).toBe(1);
      expect(r.stderr.split('\n')[0], amount).toMatch(/^error: /);
      expect((await crm(['deal', 'edit', '1', '--amount', amount])).exitCode).toBe(1);
    }
    expect((await crm(['deal', 'add', 'Bad', '--amount', '12,500 EUR'])).stderr).toContain('--locale');
    await unchanged();
  });

  it('an unknown stage names the stages', async () => {
    const r = await crm(['deal', 'move', '1', 'closing']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: Unknown stage "closing" in pipeline Sales.\nhint: Stages: Prospecting, Qualification, Quote, Negotiation, Won, Lost (crm stage list).\n');
    await unchanged();
  });

  it('an unknown owner', async () => {
    const r = await crm(['deal', 'add', 'Other', '--owner', 'nobody', '--amount', '5 EUR']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('No user "nobody"');
    expect((await crm(['deal', 'edit', '1', '--owner', 'nobody'])).exitCode).toBe(1);
    await unchanged();
  });

  it('a close date that is not a date', async () => {
    for (const close of ['2026-02-30', 'next week', '15.12.2026']) {
      const r = await crm(['deal', 'add', 'Other', '--close', close]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`Close date "${close}" is not a date.`);
      expect((await crm(['deal', 'edit', '1', '--close', close])).exitCode).toBe(1);
    }
    await unchanged();
  });

  it('moving, winning or losing an archived deal', async () => {
    await ok(['deal', 'archive', '1']);
    for (const argv of [['deal', 'move', '1', 'quote'], ['deal', 'win', '1'], ['deal', 'lose', '1', '--reason', 'price'], ['deal', 'lose', '1'], ['deal', 'edit', '1', '--title', 'x']]) {
      const r = await crm(argv);
      expect(r.exitCode, argv.join(' ')).toBe(1);
      expect(r.stderr).toBe('error: Deal #1 is archived.\nhint: Restore it first: crm deal restore 1\n');
    }
    const d = (await ok(['deal', 'show', '1', '--json'])).json();
    expect(d).toMatchObject({ version: 2, stage: { name: 'Prospecting' }, title: 'Acme' });
    expect(d.history).toHaveLength(1);
  });

  it('an unknown deal', async () => {
    const r = await crm(['deal', 'move', '99', 'quote']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('No deal #99.');
  });
});

describe('stages', () => {
  it('are found case-insensitively by unique prefix; an ambiguous prefix lists the matches', async () => {
    await ok(['deal', 'add', 'A', '--amount', '1 EUR']);
    await ok(['deal', 'move', '1', 'QUO']);
    await ok(['stage', 'add', 'Quality check', '--probability', '30', '--after', 'qualification']);
    const r = await crm(['deal', 'move', '1', 'qual']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('"qual" matches several stages: Qualification, Quality check.');
    const stages = (await ok(['stage', 'list', '--json'])).json();
    expect(stages.map((s: { name: string }) => s.name)).toEqual(['Prospecting', 'Qualification', 'Quality check', 'Quote', 'Negotiation', 'Won', 'Lost']);
  });

  it('reorder swaps, edit changes probability, archive needs --move-to when deals are in it', async () => {
    await ok(['deal', 'add', 'A', '--amount', '1 EUR', '--stage', 'quote']);
    await ok(['stage', 'reorder', 'negotiation', 'quote']);
    expect((await ok(['stage', 'list', '--json'])).json().map((s: { name: string }) => s.name)).toEqual(['Prospecting', 'Qualification', 'Negotiation', 'Quote', 'Won', 'Lost']);
    await ok(['stage', 'edit', 'quote', '--probability', '60']);
    expect((await ok(['deal', 'show', '1', '--json'])).json()).toMatchObject({ probability: 60 });
    const refused = await crm(['stage', 'archive', 'quote']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('Quote holds 1 open deal (#1).');
    expect(refused.stderr).toContain('--move-to');
    await ok(['stage', 'archive', 'quote', '--move-to', 'negotiation']);
    const d = (await ok(['deal', 'show', '1', '--json'])).json();
    expect(d.stage.name).toBe('Negotiation');
    expect(d.history.at(-1)).toMatchObject({ from: { name: 'Quote' }, to: { name: 'Negotiation' }, actor: 'tester' });
    expect((await crm(['stage', 'archive', 'won'])).exitCode).toBe(1);
  });

  it('a second pipeline has its own stages', async () => {
    await ok(['pipeline', 'add', 'Partners', '--stages', 'Intro:10,Pilot:40,Contract:80']);
    await ok(['deal', 'add', 'P1', '--pipeline', 'partners', '--amount', '10 EUR']);
    const d = (await ok(['deal', 'move', '1', 'pilot', '--json'])).json();
    expect(d).toMatchObject({ pipeline: { name: 'Partners' }, stage: { name: 'Pilot' }, probability: 40 });
    const p = (await ok(['pipeline', '--pipeline', 'partners', '--json'])).json();
    expect(p.stages.map((s: { name: string }) => s.name)).toEqual(['Intro', 'Pilot', 'Contract', 'Won', 'Lost']);
    expect((await crm(['deal', 'move', '1', 'quote'])).stderr).toContain('Unknown stage "quote" in pipeline Partners.');
  });
});

describe('lifecycle', () => {
  it('a deal for a lead makes them a prospect; winning makes them a customer; both in the audit log', async () => {
    await ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    await ok(['deal', 'add', 'Acme', '--contact', 'sara@example.com', '--amount', '5 EUR']);
    expect((await ok(['contact', 'show', '1', '--json'])).json().lifecycle).toBe('prospect');
    await ok(['deal', 'win', '1']);
    expect((await ok(['contact', 'show', '1', '--json'])).json().lifecycle).toBe('customer');
    const history = (await ok(['history', 'contact', '1', '--json'])).json();
    expect(history.filter((h: { action: string }) => h.action === 'lifecycle').map((h: any) => h.changes.lifecycle)).toEqual([
      ['lead', 'prospect'],
      ['prospect', 'customer'],
    ]);
  });

  it('contact show and company show list the deals', async () => {
    await ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd']);
    await ok(['deal', 'add', 'Acme renewal', '--contact', 'sara@example.com', '--amount', '5 EUR']);
    const c = await ok(['contact', 'show', '1'], { tty: true });
    expect(c.stdout).toMatch(/Deals \(1\)[\s\S]*Acme renewal/);
    const co = await ok(['company', 'show', '1'], { tty: true });
    expect(co.stdout).toMatch(/Deals \(1\)[\s\S]*Acme renewal/);
    expect((await ok(['company', 'show', '1', '--json'])).json().deals.map((d: { title: string }) => d.title)).toEqual(['Acme renewal']);
  });
});

describe('deal edit, archive and the audit log', () => {
  it('changes only the given fields, keeps the currency of a bare amount, and records it', async () => {
    await ok(['user', 'add', 'sara']);
    await ok(['deal', 'add', 'Acme', '--amount', '100 EUR', '--close', '2026-12-01']);
    const r = (await ok(['deal', 'edit', '1', '--amount', '1.250,50', '--locale', 'de', '--owner', 'sara', '--probability', '35', '--add-tag', 'renewal', '--json'])).json();
    expect(r).toMatchObject({ amount: { amount: '1250.50', currency: 'EUR' }, owner: 'sara', probability: 35, probabilityOverride: 35, expectedClose: '2026-12-01', tags: ['renewal'], version: 2 });
    expect((await ok(['deal', 'edit', '1', '--probability', 'none', '--json'])).json()).toMatchObject({ probability: 10, probabilityOverride: null });
    const stale = await crm(['deal', 'edit', '1', '--title', 'New', '--if-version', '1']);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain('was changed by someone else');
    const nothing = await crm(['deal', 'edit', '1']);
    expect(nothing.exitCode).toBe(2);
    expect((await crm(['deal', 'edit', '1', '--currency', 'USD'])).exitCode).toBe(2);
    const history = (await ok(['history', 'deal', '1', '--json'])).json();
    expect(history.map((h: { action: string }) => h.action)).toEqual(['create', 'update', 'update']);
    expect(history[1].changes).toMatchObject({ amount: ['100.00 EUR', '1250.50 EUR'], owner: ['tester', 'sara'], probability: [null, 35], tags: [[], ['renewal']] });
  });

  it('archived deals leave lists and totals, and come back with restore', async () => {
    await ok(['deal', 'add', 'Acme', '--amount', '100 EUR']);
    await ok(['deal', 'archive', '1']);
    expect((await ok(['deal', 'list', '--json'])).json()).toEqual([]);
    expect((await ok(['deal', 'list', '--archived', '--json'])).json()).toHaveLength(1);
    expect((await ok(['pipeline', '--json'])).json().open).toEqual([]);
    await ok(['deal', 'restore', '1']);
    expect((await ok(['pipeline', '--json'])).json().open[0].count).toBe(1);
  });

  it('customers stay customers when a new deal names them', async () => {
    await ok(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com', '--lifecycle', 'customer']);
    await ok(['deal', 'add', 'Upsell', '--contact', 'ana@example.com', '--amount', '5 EUR']);
    expect((await ok(['contact', 'show', '1', '--json'])).json().lifecycle).toBe('customer');
  });
});
