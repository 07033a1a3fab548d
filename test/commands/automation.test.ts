/**
 * crm rule / automate / inbox in process (SQLite): rules files round-trip, permissions, the
 * time triggers and actions beyond the shipped examples, failures, and the depth limit.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb({
  seed: async ({ ok }) => {
    await ok(['user', 'add', 'sam', '--name', 'Sam Rep', '--role', 'rep', '--team', 'Sales']);
    await ok(['user', 'add', 'ana', '--name', 'Ana Agent', '--role', 'agent', '--team', 'Support']);
    await ok(['user', 'add', 'ben', '--name', 'Ben Agent', '--role', 'agent', '--team', 'Support']);
    await ok(['user', 'add', 'stocky', '--name', 'Stock Control', '--role', 'stock-control']);
  },
});
const { crm, ok } = t;
const runJson = async (now: string) => (await ok(['automate', 'run', '--json'], { now })).json<{ events: number; fired: { rule: string; record: string; actions: string[]; outcome: string }[] }>();

describe('rules files', () => {
  it('apply creates and updates; applying twice, or applying the export, changes nothing', async () => {
    const file = join(t.dir, 'rules.yaml');
    writeFileSync(
      file,
      `rules:
  - name: lost-ask
    on: deal.lost
    actions:
      - notify: owner
        message: "Why did {{deal.title}} go?"
    enabled: true
  - name: yearly-touch
    on: contact.untouched
    for: 300d
    actions:
      - task: "Touch base with {{contact.name}}"
        for: owner
        due: 7d
`,
    );
    const first = await ok(['rule', 'apply', file, '--json']);
    expect(first.json()).toEqual([
      { name: 'lost-ask', outcome: 'created' },
      { name: 'yearly-touch', outcome: 'updated' },
    ]);
    expect((await ok(['rule', 'apply', file, '--json'])).json().map((r: { outcome: string }) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    const exported = (await ok(['rule', 'export'])).stdout;
    expect(exported).toContain('name: lost-ask');
    expect(exported).toContain('for: 300d');
    const back = join(t.dir, 'export.yaml');
    writeFileSync(back, exported);
    expect((await ok(['rule', 'apply', back, '--json'])).json().every((r: { outcome: string }) => r.outcome === 'unchanged')).toBe(true);
    expect((await ok(['rule', 'export'])).stdout).toBe(exported);
    expect((await ok(['history', 'rule', 'yearly-touch', '--json'])).json().map((a: { action: string }) => a.action)).toEqual(['update']);
  });

  it('a bad rule in a file changes nothing and names the rule and the term', async () => {
    const file = join(t.dir, 'bad.yaml');
    writeFileSync(file, `- name: fine\n  on: deal.won\n  actions: [{ notify: owner }]\n- name: broken\n  on: ticket.created\n  if: "priorty:high"\n  actions: [{ notify: owner }]\n`);
    const r = await crm(['rule', 'apply', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Rule "broken", if: Bad filter term "priorty:high"');
    expect((await ok(['rule', 'list', '--json'])).json().some((x: { name: string }) => x.name === 'fine')).toBe(false);
    writeFileSync(file, `- name: odd\n  on: deal.won\n  colour: red\n  actions: [{ notify: owner }]\n`);
    expect((await crm(['rule', 'apply', file])).stderr).toContain('Rule "odd": unknown key "colour"');
  });
});

describe('permissions and the inbox', () => {
  it('a rep may not manage rules; a notification-only user reads the inbox and nothing else', async () => {
    const refused = await crm(['rule', 'add', 'mine', '--on', 'deal.won', '--notify', 'owner'], { login: 'sam', env: { CRM_USER: '' } });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('needs the permission rule.manage');
    const inbox = await crm(['inbox', '--json'], { login: 'stocky', env: { CRM_USER: '' } });
    expect(inbox.exitCode).toBe(0);
    expect(inbox.json()).toEqual([]);
    expect((await crm(['contact', 'list'], { login: 'stocky', env: { CRM_USER: '' } })).exitCode).toBe(1);
  });
});

describe('triggers and actions', () => {
  it('ticket.created: round-robin assignment, tag and field set, rule test explains a record', async () => {
    await ok(['rule', 'add', 'triage', '--on', 'ticket.created', '--if', 'category:billing', '--assign', 'round-robin role:agent', '--tag', '+billing -new', '--set', 'priority=high', '--enable']);
    await ok(['ticket', 'open', 'Invoice 1', '--category', 'billing', '--tag', 'new']);
    await ok(['ticket', 'open', 'Invoice 2', '--category', 'billing']);
    await ok(['ticket', 'open', 'Printer', '--category', 'hardware']);
    const r = await runJson('2026-11-20T18:00:00Z');
    expect(r.fired.map((f) => [f.record, f.actions])).toEqual([
      ['ticket #1', ['assigned ana', 'set priority=high', 'tagged +billing -new']],
      ['ticket #2', ['assigned ben', 'set priority=high', 'tagged +billing -new']],
    ]);
    const one = (await ok(['ticket', 'show', '1', '--json'])).json();
    expect(one).toMatchObject({ assignee: 'ana', priority: 'high', tags: ['billing'] });
    const test = (await ok(['rule', 'test', 'triage', '--record', '3', '--json'])).json();
    expect(test).toEqual([{ record: 'ticket #3', fires: false, why: 'category:billing does not hold', actions: [] }]);
    await ok(['rule', 'disable', 'triage']);
  });

  it('a failing action is recorded as failed and blocks nothing', async () => {
    await ok(['template', 'add', 'hello', '--subject', 'Hi', '--body', 'Hello {{contact.firstName}}']);
    await ok(['rule', 'add', 'greet', '--on', 'deal.created', '--email', 'hello', '--enable']);
    await ok(['rule', 'add', 'note-owner', '--on', 'deal.created', '--notify', 'owner', '--enable']);
    await ok(['contact', 'add', 'Bob Smith', '--email', 'bob@example.com']);
    await ok(['deal', 'add', 'With Bob', '--contact', 'bob@example.com', '--owner', 'sam']);
    await ok(['deal', 'add', 'Nobody', '--owner', 'sam']);
    const r = await runJson('2026-11-20T18:05:00Z');
    expect(r.fired.map((f) => [f.rule, f.record, f.outcome])).toEqual([
      ['greet', 'deal #1', 'ok'],
      ['note-owner', 'deal #1', 'ok'],
      ['greet', 'deal #2', 'failed: deal #2 Nobody has no contact to email.'],
      ['note-owner', 'deal #2', 'ok'],
    ]);
    const emails = (await ok(['activity', 'list', 'kind:email', '--json'])).json();
    expect(emails).toMatchObject([{ subject: 'Hi', body: 'Hello Bob' }]);
    expect((await ok(['rule', 'history', 'greet', '--json'])).json().map((f: { outcome: string }) => f.outcome)).toEqual(['failed: deal #2 Nobody has no contact to email.', 'ok']);
    expect((await runJson('2026-11-20T18:06:00Z')).fired).toEqual([]);
    await ok(['rule', 'disable', 'greet']);
    await ok(['rule', 'disable', 'note-owner']);
  });

  it('task.overdue and deal.stale fire once per occurrence', async () => {
    await ok(['rule', 'add', 'overdue', '--on', 'task.overdue', '--for', '1d', '--notify', 'owner', '--message', '{{record}} is a day late', '--enable']);
    await ok(['rule', 'add', 'stale', '--on', 'deal.stale', '--for', '30d', '--if', 'stage:qual', '--notify', 'owner', '--enable']);
    await ok(['task', 'add', 'Call back', '--due', '2026-11-21T09:00:00Z', '--owner', 'sam']);
    await ok(['deal', 'add', 'Slow', '--owner', 'sam', '--stage', 'qualification'], { now: '2026-11-21T09:00:00Z' });
    expect((await runJson('2026-11-22T08:59:00Z')).fired).toEqual([]);
    expect((await runJson('2026-11-22T09:01:00Z')).fired.map((f) => f.rule)).toEqual(['overdue']);
    expect((await runJson('2026-12-21T09:01:00Z')).fired.map((f) => f.rule)).toEqual(['stale']);
    expect((await runJson('2026-12-22T09:01:00Z')).fired).toEqual([]);
    const inbox = (await ok(['inbox', '--json'], { login: 'sam', env: { CRM_USER: '' } })).json();
    expect(inbox.map((n: { body: string | null; record: string }) => [n.record, n.body])).toEqual([
      ['deal #1', null],
      ['activity #1', 'task #1 Call back is a day late'],
    ]);
    await ok(['rule', 'disable', 'overdue']);
    await ok(['rule', 'disable', 'stale']);
  });

  it('schedule: a cron slot in the rule zone fires once, late if cron missed it', async () => {
    await ok(['rule', 'add', 'monday-brief', '--on', 'schedule', '--cron', '0 8 * * mon', '--timezone', 'Asia/Tehran', '--notify', 'user:sam', '--message', 'Weekly pipeline review', '--enable'], { now: '2026-11-20T18:00:00Z' });
    // Monday 08:00 in Tehran (+03:30) is 04:30 UTC.
    expect((await runJson('2026-11-23T04:29:00Z')).fired).toEqual([]);
    expect((await runJson('2026-11-23T04:45:00Z')).fired.map((f) => [f.rule, f.record])).toEqual([['monday-brief', '-']]);
    expect((await runJson('2026-11-23T05:00:00Z')).fired).toEqual([]);
    const bad = await crm(['rule', 'add', 'x', '--on', 'schedule', '--cron', '61 * * * *', '--notify', 'owner']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Rule "x", cron:');
    await ok(['rule', 'disable', 'monday-brief']);
  });

  it('import.finished fires from the importer; crm help automation explains the shipped rules', async () => {
    await ok(['rule', 'add', 'imported', '--on', 'import.finished', '--notify', 'user:sam', '--message', 'Import done: {{record}}', '--enable']);
    const csv = join(t.dir, 'people.csv');
    writeFileSync(csv, 'name,email\nAda Lovelace,ada@example.com\nAlan Turing,alan@example.com\n');
    await ok(['import', 'contacts', csv]);
    const r = await runJson('2026-11-20T18:10:00Z');
    expect(r.fired.map((f) => [f.rule, f.record, f.actions])).toEqual([['imported', 'import run #1', ['notified sam']]]);
    const help = (await ok(['help', 'automation'])).stdout;
    for (const name of ['big-deal-quote', 'unassigned-ticket', 'first-reply-due', 'yearly-touch', 'lost-deal-review']) expect(help).toContain(`crm rule enable ${name}`);
    expect(help).toContain('events more than 3 levels deep');
  });

  it('rules that trigger each other stop at the depth limit', async () => {
    await ok(['rule', 'add', 'ping-pong', '--on', 'ticket.assigned', '--assign', 'round-robin role:agent', '--enable']);
    await ok(['ticket', 'open', 'Loop'], { now: '2026-11-24T10:00:00Z' });
    await ok(['ticket', 'assign', '1', 'ana'], { now: '2026-11-24T10:00:00Z' });
    const r = await runJson('2026-11-24T10:01:00Z');
    // The person's assignment (depth 0) and three rule-made ones (depths 1–3); the fourth writes no event.
    expect(r.fired.filter((f) => f.rule === 'ping-pong')).toHaveLength(4);
    expect((await runJson('2026-11-24T10:02:00Z')).fired).toEqual([]);
    await ok(['rule', 'disable', 'ping-pong']);
  });
});
