/**
 * `crm ticket edit` is a ticket change like any other: one `edit` event per changed field
 * (body: the field; from → to), shown in the ticket's and the requester's timelines — and it
 * never moves an SLA clock.
 */
import { describe, expect, it } from 'vitest';
import { cliFor, tempDb, useTempDb, type Cli } from '../helpers/run-cli.js';

const SETUP: string[][] = [
  ['user', 'add', 'anna', '--name', 'Anna Keller', '--role', 'agent'],
  ['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com'],
  ['calendar', 'add', 'office', '--tz', 'Europe/Berlin', '--hours', 'mon-fri 09:00-12:30,13:30-18:00'],
  ['sla', 'policy', 'add', 'standard', '--calendar', 'office', '--first-reply', 'normal=1h,high=30m', '--next-reply', 'all=2h', '--resolution', 'normal=2d,high=8h'],
];

const t = useTempDb({
  seed: async ({ ok }) => {
    for (const argv of SETUP) await ok(argv);
  },
});

type Event = { kind: string; body: string | null; from: string | null; to: string | null; actor: string };

async function events(crm: Cli, id = '1'): Promise<Event[]> {
  return (await crm(['ticket', 'show', id, '--json'])).json().events.map(({ kind, body, from, to, actor }: Event) => ({ kind, body, from, to, actor }));
}

describe('crm ticket edit writes ticket events', () => {
  it('one edit event per changed field (subject, description, category, channel, tags), with the audit entry', async () => {
    await t.ok(['ticket', 'open', 'Printer on fire', '--contact', 'sara@example.com', '--tag', 'old']);
    const r = await t.ok(['ticket', 'edit', '1', '--subject', 'Printer on fire (2nd floor)', '--description', 'Smoke\nfrom tray 2', '--category', 'Billing', '--channel', 'phone', '--tag', 'vip', '--untag', 'old', '--json'], { login: 'anna' }); // anna (an agent) at her own keyboard
    expect(r.json()).toMatchObject({ subject: 'Printer on fire (2nd floor)', category: 'billing', channel: 'phone', tags: ['vip'], version: 2 });
    expect(await events(t.crm)).toEqual([
      { kind: 'created', body: 'Printer on fire', from: null, to: 'new', actor: 'tester' },
      { kind: 'edit', body: 'subject', from: 'Printer on fire', to: 'Printer on fire (2nd floor)', actor: 'anna' },
      { kind: 'edit', body: 'description', from: null, to: 'Smoke\nfrom tray 2', actor: 'anna' },
      { kind: 'edit', body: 'category', from: null, to: 'billing', actor: 'anna' },
      { kind: 'edit', body: 'channel', from: null, to: 'phone', actor: 'anna' },
      { kind: 'edit', body: 'tags', from: 'old', to: 'vip', actor: 'anna' },
    ]);
    // The audit entry now has the tags too (it had only the columns).
    const history = (await t.ok(['history', 'ticket', '1', '--json'])).json();
    expect(history.at(-1)).toMatchObject({ action: 'update', actor: 'anna' });
    expect(history.at(-1).changes).toMatchObject({ subject: ['Printer on fire', 'Printer on fire (2nd floor)'], category: [null, 'billing'], tags: [['old'], ['vip']] });

    // ticket show's timeline, and the requester's 360° timeline.
    const shown = (await t.ok(['ticket', 'show', '1'], { tty: true })).stdout;
    expect(shown).toMatch(/edit +│ anna +│ subject: Printer on fire → Printer on fire \(2nd floor\) +│/);
    expect(shown).toMatch(/edit +│ anna +│ description: — → Smoke from tray 2/);
    expect(shown).toMatch(/edit +│ anna +│ tags: old → vip/);
    const timeline = (await t.ok(['contact', 'show', '1', '--json'])).json().timeline.filter((e: { kind: string }) => e.kind === 'edit');
    expect(timeline.map((e: { summary: string }) => e.summary)).toEqual([
      'Ticket #1 Printer on fire (2nd floor): subject Printer on fire → Printer on fire (2nd floor)',
      'Ticket #1 Printer on fire (2nd floor): description — → Smoke',
      'Ticket #1 Printer on fire (2nd floor): category — → billing',
      'Ticket #1 Printer on fire (2nd floor): channel — → phone',
      'Ticket #1 Printer on fire (2nd floor): tags old → vip',
    ]);
  });

  it('a value given but unchanged writes no event; clearing one records it', async () => {
    await t.ok(['ticket', 'open', 'Printer on fire', '--contact', 'sara@example.com', '--category', 'billing', '--tag', 'vip']);
    await t.ok(['ticket', 'edit', '1', '--subject', 'Printer on fire', '--category', 'none', '--tag', 'vip']);
    expect((await events(t.crm)).slice(1)).toEqual([{ kind: 'edit', body: 'category', from: 'billing', to: null, actor: 'tester' }]);
  });

  it('an edit that changes nothing (tags included) writes nothing and says so', async () => {
    await t.ok(['ticket', 'open', 'Printer on fire', '--contact', 'sara@example.com', '--category', 'billing', '--description', 'Smoke', '--tag', 'vip']);
    const before = (await t.ok(['ticket', 'show', '1', '--json'])).json();
    const audit = async () => (await t.ok(['history', 'ticket', '1', '--json'])).json().length;
    const audits = await audit();
    for (const [argv, message] of [
      [['--tag', 'vip'], 'Nothing to change: ticket #1 already has tag vip.'],
      [['--untag', 'old'], 'Nothing to change: ticket #1 already has no tag old.'],
      [['--tag', 'VIP', '--category', 'Billing', '--subject', 'Printer on fire'], 'Nothing to change: ticket #1 already has that subject, category billing and tag vip.'],
      [['--description', 'Smoke', '--channel', 'none'], 'Nothing to change: ticket #1 already has that description and no channel.'],
    ] as [string[], string][]) {
      const r = await t.crm(['ticket', 'edit', '1', ...argv]);
      expect(r.exitCode, argv.join(' ')).toBe(1); // as for any no-op ticket change (already assigned, already high priority)
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
    const after = (await t.ok(['ticket', 'show', '1', '--json'])).json();
    expect(after.version).toBe(before.version);
    expect(after.updatedAt).toBe(before.updatedAt);
    expect(after.tags).toEqual(['vip']);
    expect(after.events).toEqual(before.events);
    expect(await audit()).toBe(audits);
    // --json callers get the code.
    const json = await t.crm(['ticket', 'edit', '1', '--tag', 'vip', '--json']);
    expect(json.exitCode).toBe(1);
    expect(json.stderr).toContain('no_change');
    // A real change still goes through: one version, one audit entry, one event.
    const changed = (await t.ok(['ticket', 'edit', '1', '--tag', 'vip', '--tag', 'printer', '--json'])).json();
    expect(changed).toMatchObject({ version: before.version + 1, tags: ['printer', 'vip'] });
    expect(await audit()).toBe(audits + 1);
    expect(changed.events.slice(before.events.length).map((e: Event) => [e.kind, e.body, e.from, e.to])).toEqual([['edit', 'tags', 'vip', 'printer, vip']]);
  });

  it('a category change that selects another policy: the edit event, then the policy event', async () => {
    await t.ok(['sla', 'policy', 'add', 'billing', '--category', 'billing', '--first-reply', 'all=15m']);
    await t.ok(['sla', 'policy', 'reorder', 'billing']);
    await t.ok(['ticket', 'open', 'Invoice wrong', '--contact', 'sara@example.com']);
    await t.ok(['ticket', 'edit', '1', '--category', 'billing', '--tag', 'invoice']);
    expect((await events(t.crm)).slice(1).map((e) => [e.kind, e.body, e.from, e.to])).toEqual([
      ['edit', 'category', null, 'billing'],
      ['edit', 'tags', null, 'invoice'],
      ['policy', 'standard → billing', expect.any(String), expect.any(String)],
    ]);
  });
});

describe('edit events never move the SLA clocks', () => {
  /** A week of support with business hours, pauses, a reopen and breaches. */
  const SCRIPT: [string, string[]][] = [
    ['2026-11-16T08:00:00Z', ['ticket', 'open', 'A', '--contact', '1', '--assignee', 'anna']],
    ['2026-11-16T09:00:00Z', ['ticket', 'open', 'B', '--contact', '1', '--priority', 'high']],
    ['2026-11-16T09:30:00Z', ['ticket', 'reply', '1', 'hi', '--as', 'anna']],
    ['2026-11-16T13:00:00Z', ['ticket', 'pending', '2']],
    ['2026-11-17T09:00:00Z', ['ticket', 'message', '2', 'here you go']],
    ['2026-11-17T10:00:00Z', ['ticket', 'solve', '1']],
    ['2026-11-18T09:00:00Z', ['ticket', 'message', '1', 'still broken']],
    ['2026-11-19T15:00:00Z', ['ticket', 'open', 'C', '--contact', '1']],
  ];
  /** Edits at awkward moments: at a deadline, while paused, on a solved ticket, after hours. */
  const EDITS: [string, string[]][] = [
    ['2026-11-16T08:30:00Z', ['ticket', 'edit', '1', '--subject', 'A (edited)']],
    ['2026-11-16T09:30:00Z', ['ticket', 'edit', '2', '--description', 'at the first-reply deadline', '--tag', 'vip']], // 30 business minutes after 10:00 Berlin
    ['2026-11-16T15:00:00Z', ['ticket', 'edit', '2', '--category', 'hardware', '--channel', 'phone']], // while pending
    ['2026-11-17T12:00:00Z', ['ticket', 'edit', '1', '--tag', 'solved-one']], // solved
    ['2026-11-17T21:00:00Z', ['ticket', 'edit', '2', '--untag', 'vip']], // after hours
    ['2026-11-19T15:00:00Z', ['ticket', 'edit', '3', '--subject', 'C (edited)']], // the instant it was opened
  ];
  const CHECKPOINTS = ['2026-11-16T09:30:00Z', '2026-11-16T12:00:00Z', '2026-11-17T11:00:00Z', '2026-11-18T17:00:00Z', '2026-11-20T12:00:00Z'];

  /** What the SLA engine says, everywhere it says something, at `now`. */
  async function clocks(crm: Cli, now: string): Promise<unknown> {
    const out: Record<string, unknown> = {};
    for (const id of ['1', '2', '3']) {
      const r = await crm(['ticket', 'show', id, '--json'], { now });
      if (r.exitCode !== 0) continue; // not opened yet
      const { sla, nextDeadline, breaching, status, policy } = r.json();
      out[`ticket ${id}`] = { sla, nextDeadline, breaching, status, policy };
    }
    out.queue = (await crm(['ticket', 'list', '--json'], { now })).json().map((x: { id: number }) => x.id);
    out.breaching = (await crm(['ticket', 'list', '--breaching', '--json'], { now })).json().map((x: { id: number }) => x.id);
    out.report = (await crm(['report', 'sla', '--period', '2026-11', '--json'], { now })).json();
    out.byAssignee = (await crm(['report', 'sla', '--period', '2026-11', '--by', 'assignee', '--json'], { now })).json();
    return out;
  }

  it('the same week with and without edits: the same SLA states, queue, breaches and reports at every checkpoint, and --as-of', async () => {
    const plain = tempDb();
    try {
      const other = cliFor(plain.db);
      for (const argv of SETUP) expect((await other(argv)).exitCode).toBe(0);
      // Same commands in the same order; the edited database gets the edits in between (after a
      // command of the same instant).
      const isEdit = (step: [string, string[]]) => (step[1][1] === 'edit' ? 1 : 0);
      const edited = [...SCRIPT, ...EDITS].sort((a, b) => a[0].localeCompare(b[0]) || isEdit(a) - isEdit(b));
      const upTo = async (crm: Cli, steps: [string, string[]][], from: string, to: string) => {
        for (const [now, argv] of steps) {
          if (now <= from || now > to) continue;
          const r = await crm(argv, { now });
          expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
        }
      };
      let from = '';
      for (const now of [...CHECKPOINTS, '9999']) {
        await upTo(other, SCRIPT, from, now);
        await upTo(t.crm, edited, from, now);
        from = now;
        if (now !== '9999') expect(await clocks(t.crm, now), now).toEqual(await clocks(other, now));
      }
      const all = (await Promise.all(['1', '2', '3'].map((id) => events(t.crm, id)))).flat();
      expect(all.filter((e) => e.kind === 'edit').length).toBe(8);
      expect(all.filter((e) => e.kind === 'policy')).toEqual([]);

      // Recomputed afterwards from the events (edits included), the past is the same too.
      const later = { now: '2026-11-27T12:00:00Z' };
      for (const asOf of CHECKPOINTS) {
        const argv = ['report', 'sla', '--period', '2026-11', '--as-of', asOf, '--json'];
        expect((await t.crm(argv, later)).stdout, asOf).toBe((await other(argv, later)).stdout);
      }
      const kpi = ['report', 'kpi', '--period', '2026-11', '--json'];
      expect((await t.crm(kpi, later)).stdout).toBe((await other(kpi, later)).stdout);
    } finally {
      plain.cleanup();
    }
  });
});
