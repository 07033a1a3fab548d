/**
 * Automation (#18) end to end on both engines: rules fire from the outbox written in the
 * change's transaction, once per occurrence however often `crm automate run` runs; notifications
 * land in the inbox; a rejected change fires nothing; validation names the bad term.
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, querySql, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('automation on %s', (engine) => {
  const db = useEngineDb(engine, 'automation');
  const crm = (args: string[], now = '2026-11-20T10:00:00Z', env: Record<string, string> = {}) => crmOn(db.url, args, { CRM_NOW: now, ...env });
  const ok = (args: string[], now?: string) => {
    const r = crm(args, now);
    expect(r.stderr, args.join(' ')).not.toMatch(/^error/m);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };

  it('an event rule notifies the manager and the owner and adds a task, once', () => {
    ok(['user', 'add', 'mona', '--name', 'Mona Manager', '--role', 'manager', '--team', 'Sales']);
    ok(['user', 'add', 'sam', '--name', 'Sam Rep', '--role', 'rep', '--team', 'Sales']);
    ok(['user', 'add', 'otto', '--name', 'Otto Other', '--role', 'manager', '--team', 'East']);
    const add = ok(['rule', 'add', 'big-quote', '--on', 'deal.stage_changed', '--stage', 'quote', '--if', 'amount:>=10000', '--notify', 'manager,owner', '--message', '{{deal.title}}: {{deal.amount}}', '--task', 'Prepare {{deal.title}}', '--task-due', '3d', '--json']);
    expect(JSON.parse(add.stdout)).toMatchObject({ name: 'big-quote', enabled: false, on: 'deal.stage_changed to quote' });
    ok(['rule', 'enable', 'big-quote']);
    ok(['deal', 'add', 'Big one', '--amount', '20000 EUR', '--owner', 'sam']);
    ok(['deal', 'add', 'Small one', '--amount', '500 EUR', '--owner', 'sam']);
    ok(['deal', 'move', '1', 'quote']);
    ok(['deal', 'move', '2', 'quote']);
    // A refused change writes no event.
    expect(crm(['deal', 'move', '1', 'negotiation', '--if-version', '1']).code).toBe(1);

    const dry = JSON.parse(ok(['automate', 'run', '--dry-run', '--json']).stdout);
    expect(dry.fired).toHaveLength(1);
    expect(dry.fired[0]).toMatchObject({ rule: 'big-quote', record: 'deal #1', outcome: 'would fire' });

    const run = JSON.parse(ok(['automate', 'run', '--json'], '2026-11-20T10:01:00Z').stdout);
    expect(run.events).toBe(2);
    expect(run.fired).toHaveLength(1);
    expect(run.fired[0].actions).toEqual(['notified mona, sam', 'task #1 for sam']);
    // Run again: nothing fires twice.
    expect(JSON.parse(ok(['automate', 'run', '--json'], '2026-11-20T10:02:00Z').stdout).fired).toEqual([]);

    const inbox = JSON.parse(ok(['inbox', '--json', '--as', 'mona']).stdout);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ title: 'big-quote: deal #1 Big one', body: 'Big one: 20,000.00 EUR', record: 'deal #1', open: 'crm deal show 1', unread: true, rule: 'big-quote' });
    expect(JSON.parse(ok(['inbox', '--json', '--as', 'otto']).stdout)).toEqual([]);
    const task = JSON.parse(ok(['task', 'show', '1', '--json']).stdout);
    expect(task).toMatchObject({ subject: 'Prepare Big one', owner: 'sam', dueAt: '2026-11-23T10:01:00.000Z' });

    const shown = ok(['inbox', 'show', String(inbox[0].id), '--as', 'mona']).stdout;
    expect(shown).toContain('crm deal show 1');
    ok(['inbox', 'read', '--all', '--as', 'mona']);
    expect(JSON.parse(ok(['inbox', '--json', '--as', 'mona']).stdout)).toEqual([]);
    expect(JSON.parse(ok(['inbox', '--all', '--json', '--as', 'mona']).stdout)[0].unread).toBe(false);

    const history = JSON.parse(ok(['rule', 'history', 'big-quote', '--json']).stdout);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ record: 'deal #1', outcome: 'ok', occurrence: expect.stringMatching(/^event:\d+$/) });
    const audit = JSON.parse(ok(['history', 'rule', 'big-quote', '--json']).stdout) as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(['create', 'enable', 'fire']);
  });

  it('validation names the bad field, term or recipient', () => {
    const bad = crm(['rule', 'add', 'x', '--on', 'deal.won', '--if', 'amout:>5', '--notify', 'owner']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Rule "x", if: Bad filter term "amout:>5"');
    expect(bad.stderr).toContain('did you mean amount?');
    expect(crm(['rule', 'add', 'x', '--on', 'deal.wonn', '--notify', 'owner']).stderr).toContain('unknown trigger "deal.wonn"');
    expect(crm(['rule', 'add', 'x', '--on', 'deal.won', '--notify', 'role:boss']).stderr).toContain('unknown role "boss"');
    expect(crm(['rule', 'add', 'x', '--on', 'deal.won', '--notify', 'owner', '--message', '{{deal.nope}}']).stderr).toContain('unknown merge field {{deal.nope}}');
    expect(crm(['rule', 'add', 'x', '--on', 'ticket.unassigned', '--assign', 'ghost']).stderr).toContain('ticket.unassigned needs "for:"');
  });

  it('without enabled rules a change writes no event', async () => {
    ok(['rule', 'disable', 'big-quote']);
    ok(['deal', 'add', 'Third', '--amount', '90000 EUR']);
    ok(['deal', 'move', '3', 'quote']);
    const pending = await querySql(db.url, 'SELECT COUNT(*) AS n FROM events WHERE processed_at IS NULL');
    expect(Number(pending[0]!.n)).toBe(0);
  });
});
