import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const { crm } = useTempDb({
  seed: async ({ crm }) => {
    await crm(['user', 'add', 'anna', '--name', 'Anna Keller', '--role', 'agent']);
    await crm(['user', 'add', 'omar', '--name', 'Omar Haddad', '--role', 'agent']);
    await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    await crm(['calendar', 'add', 'office', '--tz', 'Europe/Berlin', '--hours', 'mon-fri 09:00-12:30,13:30-18:00']);
    await crm(['sla', 'policy', 'add', 'standard', '--calendar', 'office', '--first-reply', 'normal=1h,high=30m', '--next-reply', 'all=2h', '--resolution', 'normal=2d,high=8h']);
  },
});

/** A week of support: replies on time and late, pending, reopen, reassignments, priority changes. */
const SCRIPT: [string, string[]][] = [
  ['2026-11-16T08:00:00Z', ['ticket', 'open', 'A', '--contact', '1', '--assignee', 'anna']],
  ['2026-11-16T08:20:00Z', ['ticket', 'reply', '1', 'hi', '--as', 'anna']],
  ['2026-11-16T09:00:00Z', ['ticket', 'open', 'B', '--contact', '1', '--priority', 'high', '--assignee', 'omar']],
  ['2026-11-16T12:00:00Z', ['ticket', 'reply', '2', 'late', '--as', 'omar']],
  ['2026-11-16T13:00:00Z', ['ticket', 'message', '1', 'more']],
  ['2026-11-16T14:00:00Z', ['ticket', 'pending', '2']],
  ['2026-11-17T09:00:00Z', ['ticket', 'reply', '1', 'answer', '--as', 'anna']],
  ['2026-11-17T10:00:00Z', ['ticket', 'solve', '1', '--as', 'anna']],
  ['2026-11-17T11:00:00Z', ['ticket', 'open', 'C', '--contact', '1']],
  ['2026-11-18T09:00:00Z', ['ticket', 'message', '1', 'still broken']],
  ['2026-11-18T10:00:00Z', ['ticket', 'assign', '1', 'omar']],
  ['2026-11-18T11:00:00Z', ['ticket', 'priority', '3', 'high']],
  ['2026-11-19T15:00:00Z', ['ticket', 'solve', '2']],
  ['2026-11-20T10:00:00Z', ['ticket', 'reply', '3', 'finally', '--as', 'anna']],
];

async function play(until = '9999', from = ''): Promise<void> {
  for (const [now, argv] of SCRIPT) {
    if (now <= from) continue;
    if (now > until) break;
    const r = await crm(argv, { now });
    expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
  }
}

describe('crm report sla', () => {
  it('--as-of T equals what the report printed at T, recomputed from the events', async () => {
    const checkpoints = ['2026-11-16T12:30:00Z', '2026-11-17T10:30:00Z', '2026-11-18T10:30:00Z', '2026-11-19T18:00:00Z'];
    const printed = new Map<string, string[]>();
    let done = 0;
    for (const cp of checkpoints) {
      for (; done < SCRIPT.length && SCRIPT[done]![0] <= cp; done++) await crm(SCRIPT[done]![1], { now: SCRIPT[done]![0] });
      printed.set(cp, [
        (await crm(['report', 'sla', '--json'], { now: cp })).stdout,
        (await crm(['report', 'sla', '--by', 'assignee', '--json'], { now: cp })).stdout,
        (await crm(['report', 'sla', '--by', 'priority', '--json'], { now: cp })).stdout,
      ]);
    }
    for (; done < SCRIPT.length; done++) await crm(SCRIPT[done]![1], { now: SCRIPT[done]![0] });
    for (const cp of checkpoints) {
      const later = { now: '2026-11-27T12:00:00Z' };
      expect((await crm(['report', 'sla', '--as-of', cp, '--json'], later)).stdout).toBe(printed.get(cp)![0]);
      expect((await crm(['report', 'sla', '--by', 'assignee', '--as-of', cp, '--json'], later)).stdout).toBe(printed.get(cp)![1]);
      expect((await crm(['report', 'sla', '--by', 'priority', '--as-of', cp, '--json'], later)).stdout).toBe(printed.get(cp)![2]);
    }
    // And the history changed meanwhile, so the check is not vacuous.
    expect((await crm(['report', 'sla', '--json'], { now: '2026-11-27T12:00:00Z' })).stdout).not.toBe(printed.get(checkpoints[1]!)![0]);
  });

  it('counts met and missed per metric, with times in business and calendar time', async () => {
    await play();
    const r = (await crm(['report', 'sla', '--period', '2026-11', '--json'], { now: '2026-11-20T12:00:00Z' })).json();
    expect(r.tickets).toBe(3);
    // First replies: #1 20 min (met 1h), #2 3h for a 30m target (missed), #3 high after 11:00 on the 18th (missed).
    expect(r.total.firstReply).toEqual({ achieved: 1, breached: 2, inProgress: 0, compliance: 33.3 });
    expect(r.total.firstReplyTime).toMatchObject({ count: 3, medianCalendarSeconds: 3 * 3600 });
    expect(r.total.resolution.breached).toBeGreaterThanOrEqual(1);
    const byAssignee = (await crm(['report', 'sla', '--by', 'assignee', '--json'], { now: '2026-11-20T12:00:00Z' })).json();
    expect(byAssignee.groups.map((g: { key: string | null }) => g.key)).toEqual(['anna', 'omar']); // #3 went to anna with her reply
    const human = await crm(['report', 'sla', '--by', 'priority', '--explain'], { now: '2026-11-20T12:00:00Z' });
    expect(human.stdout).toContain('SLA compliance — tickets created 2026-11: 3');
    expect(human.stdout).toContain('compliance = achieved / (achieved + breached)');
  });

  it('--fail-on-breach exits 3 when there are breaches, 0 when none', async () => {
    await play('2026-11-16T08:20:00Z');
    expect((await crm(['report', 'sla', '--fail-on-breach', '-q'], { now: '2026-11-16T08:30:00Z' })).exitCode).toBe(0);
    await play('9999', '2026-11-16T08:20:00Z');
    const r = await crm(['report', 'sla', '--fail-on-breach'], { now: '2026-11-20T12:00:00Z' });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain('SLA compliance');
    expect(r.stderr).toMatch(/^error: \d+ SLA breaches among tickets created 2026-11\./);
  });

  it('rejects a bad grouping and a bad --as-of', async () => {
    expect((await crm(['report', 'sla', '--by', 'colour'])).exitCode).toBe(2);
    expect((await crm(['report', 'sla', '--as-of', 'yesterday-ish'])).stderr).toContain('is not a time');
  });
});

describe('crm report tickets', () => {
  it('counts requests per weekday, day and month, and solved per agent with CSAT and reopen rate', async () => {
    await play();
    await crm(['ticket', 'close', '2', '--csat', '2'], { now: '2026-11-20T16:00:00Z' });
    const r = (await crm(['report', 'tickets', '--period', '2026-11', '--json'], { now: '2026-11-20T18:00:00Z' })).json();
    expect(r.requests).toBe(3);
    expect(r.byWeekday.map((x: { requests: number }) => x.requests)).toEqual([2, 1, 0, 0, 0, 0, 0]);
    expect(r.byDayOfMonth[15]).toEqual({ key: '16', requests: 2 });
    expect(r.byMonth).toEqual([{ key: '2026-11', requests: 3, campaigns: [] }]);
    // #2 was solved by omar (CSAT 2); #1 was solved by anna, reopened, then reassigned to omar — credited to anna.
    expect(r.agents).toEqual([
      { agent: 'anna', solved: 1, avgSatisfaction: null, satisfactionResponses: 0, reopened: 1, reopenRate: 100 },
      { agent: 'omar', solved: 1, avgSatisfaction: 2, satisfactionResponses: 1, reopened: 0, reopenRate: 0 },
    ]);
    const human = (await crm(['report', 'tickets', '--period', '2026-11'], { now: '2026-11-20T18:00:00Z' })).stdout;
    expect(human).toContain('Requests per weekday');
    expect(human).toMatch(/Mon {2}2 {2}█+/);
  });
});
