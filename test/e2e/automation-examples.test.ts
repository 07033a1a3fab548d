/**
 * The five shipped rules of #18 (installed disabled, one `crm rule enable` each) do what
 * `crm help automation` says, end to end with CRM_NOW on both engines. The week: Fri 2026-11-20,
 * business hours Mon–Fri 09:00–17:00 UTC.
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

const FRI = '2026-11-20';
const MON = '2026-11-23';

describe.each(ENGINES)('shipped automation examples on %s', (engine) => {
  const db = useEngineDb(engine, 'examples');
  const crm = (args: string[], now = `${FRI}T08:00:00Z`) => crmOn(db.url, args, { CRM_NOW: now });
  const ok = (args: string[], now?: string) => {
    const r = crm(args, now);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const run = (now: string) => (JSON.parse(ok(['automate', 'run', '--json'], now)) as { fired: { rule: string; record: string; actions: string[] }[] }).fired;
  const inbox = (who: string, now?: string) => (JSON.parse(ok(['inbox', '--json', '--as', who], now)) as { title: string; body: string | null; record: string }[]);

  it('are installed disabled', () => {
    const rules = JSON.parse(ok(['rule', 'list', '--json'])) as { name: string; enabled: boolean }[];
    expect(rules.map((r) => [r.name, r.enabled])).toEqual([
      ['big-deal-quote', false],
      ['first-reply-due', false],
      ['lost-deal-review', false],
      ['unassigned-ticket', false],
      ['yearly-touch', false],
    ]);
    ok(['user', 'add', 'mona', '--name', 'Mona', '--role', 'manager', '--team', 'Sales']);
    ok(['user', 'add', 'sam', '--name', 'Sam', '--role', 'rep', '--team', 'Sales']);
    ok(['user', 'add', 'stock', '--name', 'Stock Control', '--role', 'stock-control']);
    ok(['user', 'add', 'ana', '--name', 'Ana', '--role', 'agent', '--team', 'Support']);
    ok(['user', 'add', 'ben', '--name', 'Ben', '--role', 'agent', '--team', 'Support']);
    ok(['user', 'add', 'lea', '--name', 'Lea', '--role', 'manager', '--team', 'Support']);
    ok(['calendar', 'add', 'office', '--tz', 'UTC', '--hours', 'mon-fri 09:00-17:00']);
    ok(['sla', 'policy', 'add', 'standard', '--calendar', 'office', '--first-reply', 'all=1h']);
  });

  it('big-deal-quote: a deal of at least 10,000 reaching Quote notifies the managers and stock-control', () => {
    ok(['rule', 'enable', 'big-deal-quote']);
    ok(['company', 'add', 'Acme Ltd']);
    ok(['deal', 'add', 'Big press', '--amount', '25000 EUR', '--owner', 'sam', '--company', 'Acme Ltd']);
    ok(['deal', 'add', 'Small part', '--amount', '900 EUR', '--owner', 'sam']);
    ok(['deal', 'move', '1', 'quote'], `${FRI}T08:10:00Z`);
    ok(['deal', 'move', '2', 'quote'], `${FRI}T08:10:00Z`);
    const fired = run(`${FRI}T08:11:00Z`);
    expect(fired.map((f) => [f.rule, f.record])).toEqual([['big-deal-quote', 'deal #1']]);
    for (const who of ['mona', 'lea', 'stock']) {
      expect(inbox(who)).toMatchObject([{ title: expect.stringContaining('deal #1 Big press'), body: 'Big press (25,000.00 EUR, Acme Ltd) reached Quote.', record: 'deal #1' }]);
    }
    expect(inbox('sam')).toEqual([]);
    expect(run(`${FRI}T08:12:00Z`)).toEqual([]);
  });

  it('unassigned-ticket: after 30 business minutes the least-loaded agent gets the ticket', () => {
    ok(['rule', 'enable', 'unassigned-ticket']);
    ok(['ticket', 'open', 'Old one', '--assignee', 'ana'], `${FRI}T08:00:00Z`);
    ok(['ticket', 'open', 'Printer jammed'], `${FRI}T16:50:00Z`);
    // 20 wall-clock minutes but 10 business minutes: not yet.
    expect(run(`${FRI}T17:10:00Z`).filter((f) => f.rule === 'unassigned-ticket')).toEqual([]);
    // Monday 09:19: 29 business minutes.
    expect(run(`${MON}T09:19:00Z`).filter((f) => f.rule === 'unassigned-ticket')).toEqual([]);
    const fired = run(`${MON}T09:21:00Z`).filter((f) => f.rule === 'unassigned-ticket');
    expect(fired).toMatchObject([{ record: 'ticket #2', actions: ['assigned ben'] }]);
    expect(JSON.parse(ok(['ticket', 'show', '2', '--json'], `${MON}T09:22:00Z`)).assignee).toBe('ben');
    expect(run(`${MON}T09:30:00Z`).filter((f) => f.rule === 'unassigned-ticket')).toEqual([]);
  });

  it('first-reply-due: 15 minutes before the first reply is due, the assignee and their manager are told', () => {
    ok(['rule', 'enable', 'first-reply-due']);
    ok(['ticket', 'open', 'Invoice wrong', '--assignee', 'ana'], `${MON}T10:00:00Z`);
    expect(run(`${MON}T10:40:00Z`).filter((f) => f.rule === 'first-reply-due')).toEqual([]);
    const fired = run(`${MON}T10:50:00Z`).filter((f) => f.rule === 'first-reply-due');
    expect(fired).toMatchObject([{ record: 'ticket #3', actions: ['notified ana, lea'] }]);
    expect(inbox('ana', `${MON}T10:51:00Z`)).toMatchObject([{ body: 'The first reply on ticket #3 Invoice wrong is due within 15 minutes.' }]);
    expect(inbox('mona', `${MON}T10:51:00Z`).filter((n) => n.record === 'ticket #3')).toEqual([]);
    expect(run(`${MON}T10:55:00Z`).filter((f) => f.rule === 'first-reply-due')).toEqual([]);
  });

  it('lost-deal-review: a deal lost with no next step gets a review task in 90 days', () => {
    ok(['rule', 'enable', 'lost-deal-review']);
    ok(['company', 'add', 'Beta GmbH']);
    ok(['deal', 'add', 'Lost without plan', '--amount', '1000 EUR', '--owner', 'sam', '--company', 'Acme Ltd'], `${MON}T11:00:00Z`);
    ok(['deal', 'add', 'Lost with plan', '--amount', '1000 EUR', '--owner', 'sam', '--company', 'Beta GmbH'], `${MON}T11:00:00Z`);
    ok(['task', 'add', 'Call Beta in spring', '--company', 'Beta GmbH', '--owner', 'sam'], `${MON}T11:00:00Z`);
    ok(['deal', 'lose', '3', '--reason', 'price'], `${MON}T11:05:00Z`);
    ok(['deal', 'lose', '4', '--reason', 'price'], `${MON}T11:05:00Z`);
    const fired = run(`${MON}T11:06:00Z`).filter((f) => f.rule === 'lost-deal-review');
    expect(fired).toMatchObject([{ record: 'deal #3' }]);
    const tasks = JSON.parse(ok(['task', 'list', 'owner:sam', '--json'], `${MON}T11:07:00Z`)) as { subject: string; dueAt: string }[];
    expect(tasks.find((t) => t.subject === 'Review lost deal Lost without plan')?.dueAt).toBe('2027-02-21T11:06:00.000Z');
    expect(tasks.some((t) => t.subject === 'Review lost deal Lost with plan')).toBe(false);
  });

  it('yearly-touch: a contact untouched for 330 days gets one touch task for the owner', () => {
    ok(['rule', 'enable', 'yearly-touch']);
    ok(['contact', 'add', 'Carla Nobody', '--email', 'carla@example.com', '--owner', 'sam'], `${MON}T12:00:00Z`);
    expect(run('2027-10-18T11:00:00Z').filter((f) => f.rule === 'yearly-touch')).toEqual([]);
    const fired = run('2027-10-19T12:01:00Z').filter((f) => f.rule === 'yearly-touch');
    expect(fired).toMatchObject([{ record: 'contact #1', actions: [expect.stringMatching(/^task #\d+ for sam$/)] }]);
    expect(run('2027-10-20T12:00:00Z').filter((f) => f.rule === 'yearly-touch')).toEqual([]);
    const tasks = JSON.parse(ok(['task', 'list', 'owner:sam', '--json'], '2027-10-20T12:00:00Z')) as { subject: string }[];
    expect(tasks.filter((t) => t.subject === 'Touch base with Carla Nobody')).toHaveLength(1);
  });
});
