import { beforeEach, describe, expect, it } from 'vitest';
import { cliFor, tempDb, useTempDb } from '../helpers/run-cli.js';

const { crm } = useTempDb();

const ISSUE_EXAMPLES = [
  ['calendar', 'add', 'office', '--tz', 'Europe/Berlin', '--hours', 'mon-fri 09:00-12:30,13:30-18:00'],
  ['calendar', 'holiday', 'add', 'office', '2026-12-25'],
  ['sla', 'policy', 'add', 'standard', '--calendar', 'office', '--first-reply', 'normal=1h,high=30m', '--resolution', 'normal=2d,high=8h'],
  ['ticket', 'open', 'Printer on fire', '--contact', 'sara@example.com', '--priority', 'high'],
  ['ticket', 'reply', '1', "We're on it"],
  ['ticket', 'pending', '1'],
  ['ticket', 'message', '1', 'Here is the serial number'],
  ['ticket', 'solve', '1'],
];

describe('the examples of the issue', () => {
  it('work as written, as a sequence with CRM_NOW fixed, and print reproducible deadlines', async () => {
    expect((await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com'])).exitCode).toBe(0);
    for (const argv of ISSUE_EXAMPLES) {
      const r = await crm(argv);
      expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const show = await crm(['ticket', 'show', '1', '--json']);
    expect(show.exitCode).toBe(0);
    const ticket = show.json();
    // Friday 17:55 UTC = 18:55 in Berlin, after hours: the 30-minute first reply was due Monday 09:30 Berlin.
    expect(ticket).toMatchObject({ id: 1, status: 'solved', priority: 'high', policy: 'standard', requester: { email: 'sara@example.com' } });
    expect(ticket.sla.firstReply).toMatchObject({ state: 'achieved', targetSeconds: 1800, basis: 'business', elapsedSeconds: 0, deadline: '2026-11-23T08:30:00.000Z' });
    expect(ticket.sla.resolution).toMatchObject({ state: 'achieved', targetSeconds: 8 * 3600, deadline: '2026-11-23T17:00:00.000Z' });
    expect(ticket.sla.nextReply).toBeNull();
    expect(ticket.events.map((e: { kind: string; to: string | null }) => (e.kind === 'status' ? `status:${e.to}` : e.kind))).toEqual(['created', 'reply', 'status:open', 'assign', 'status:pending', 'message', 'status:open', 'status:solved']); // the replier (tester, a user) takes the unassigned ticket
    expect(ticket.events.every((e: { actor: string; at: string }) => e.actor && e.at === '2026-11-20T17:55:00.000Z')).toBe(true);
    const report = await crm(['report', 'sla', '--json']);
    expect(report.exitCode).toBe(0);
    expect(report.json()).toMatchObject({ tickets: 1, breaches: 0, total: { firstReply: { achieved: 1, breached: 0, compliance: 100 }, resolution: { achieved: 1, compliance: 100 } } });
    // Reproducible: the same commands on a fresh database print the same thing.
    const again = tempDb();
    try {
      const crm2 = cliFor(again.db);
      await crm2(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
      for (const argv of ISSUE_EXAMPLES) await crm2(argv);
      expect((await crm2(['ticket', 'show', '1', '--json'])).stdout).toBe(show.stdout);
      expect((await crm2(['report', 'sla', '--json'])).stdout).toBe(report.stdout);
    } finally {
      again.cleanup();
    }
  });

  it('runs over real time: the first reply due Monday 09:30 Berlin is shown while the ticket waits', async () => {
    await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    for (const argv of ISSUE_EXAMPLES.slice(0, 4)) await crm(argv);
    const open = await crm(['ticket', 'list', '--json'], { now: '2026-11-21T10:00:00Z' });
    expect(open.json()[0]).toMatchObject({ id: 1, status: 'new', nextDeadline: '2026-11-23T08:30:00.000Z', breaching: false });
    const late = await crm(['ticket', 'list', '--breaching', '--json'], { now: '2026-11-23T08:31:00Z' });
    expect(late.json().map((x: { id: number }) => x.id)).toEqual([1]);
    expect(late.json()[0].sla.firstReply).toMatchObject({ state: 'breached', breachedAt: '2026-11-23T08:30:00.000Z' });
  });
});

describe('ticket lifecycle', () => {
  beforeEach(async () => {
    await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    await crm(['ticket', 'open', 'Printer on fire', '--contact', 'sara@example.com']);
  });

  it('refuses to close a new ticket, and changes nothing', async () => {
    const before = (await crm(['ticket', 'show', '1', '--json'])).stdout;
    const r = await crm(['ticket', 'close', '1']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: Ticket #1 is new; it cannot be closed.\nhint: Only a solved ticket can be closed. Solve it first: crm ticket solve 1\n');
    expect((await crm(['ticket', 'show', '1', '--json'])).stdout).toBe(before);
  });

  it('closes a solved ticket with satisfaction, and closed is final', async () => {
    await crm(['ticket', 'solve', '1']);
    const bad = await crm(['ticket', 'close', '1', '--csat', '9']);
    expect(bad.exitCode).toBe(2);
    const closed = await crm(['ticket', 'close', '1', '--csat', '4', '--json']);
    expect(closed.json()).toMatchObject({ status: 'closed', satisfaction: 4 });
    expect(closed.json().events.at(-1)).toMatchObject({ kind: 'csat', to: '4' });
    const reopen = await crm(['ticket', 'reopen', '1']);
    expect(reopen.exitCode).toBe(1);
    expect(reopen.stderr).toContain('closed tickets are final');
  });

  it('a requester message reopens a solved ticket; reopen resumes the resolution clock', async () => {
    await crm(['ticket', 'solve', '1'], { now: '2026-11-20T18:55:00Z' });
    const msg = await crm(['ticket', 'message', '1', 'Still broken', '--json'], { now: '2026-11-21T09:00:00Z' });
    expect(msg.json()).toMatchObject({ status: 'open', solvedAt: null });
    expect(msg.json().sla.resolution).toMatchObject({ state: 'active', elapsedSeconds: 3600 });
  });

  it('a note is internal and never counts as the first reply', async () => {
    const r = await crm(['ticket', 'note', '1', 'Called, no answer', '--json']);
    expect(r.json().sla.firstReply).toMatchObject({ state: 'active', stoppedAt: null });
    expect(r.json().status).toBe('new');
  });

  it('a reply opens a new ticket and assigns it to the replying agent', async () => {
    await crm(['user', 'add', 'tester', '--name', 'Test Er', '--role', 'agent']);
    const r = await crm(['ticket', 'reply', '1', 'On it', '--json']);
    expect(r.json()).toMatchObject({ status: 'open', assignee: 'tester' });
    expect(r.json().events.map((e: { kind: string }) => e.kind)).toEqual(['created', 'reply', 'status', 'assign']);
  });

  it('raising the priority moves to the matching policy with a policy event', async () => {
    await crm(['sla', 'policy', 'add', 'urgent-only', '--priority', 'urgent', '--first-reply', 'urgent=15m']);
    const r = await crm(['ticket', 'priority', '1', 'urgent', '--json'], { now: '2026-11-20T18:00:00Z' });
    expect(r.json()).toMatchObject({ priority: 'urgent', policy: 'urgent-only' });
    expect(r.json().events.slice(-2).map((e: { kind: string }) => e.kind)).toEqual(['priority', 'policy']);
    // 5 minutes already accrued in calendar time: 10 minutes left.
    expect(r.json().sla.firstReply).toMatchObject({ elapsedSeconds: 300, deadline: '2026-11-20T18:10:00.000Z' });
  });

  it.each([
    [['ticket', 'pending', '1'], ['ticket', 'pending', '1'], 'already pending'],
    [['ticket', 'solve', '1'], ['ticket', 'hold', '1'], 'cannot be set to on hold'],
    [['ticket', 'note', '1', 'x'], ['ticket', 'reply', '1'], 'needs some text'],
    [['ticket', 'note', '1', 'x'], ['ticket', 'priority', '1', 'critical'], 'Unknown priority'],
    [['ticket', 'note', '1', 'x'], ['ticket', 'show', '99'], 'No ticket #99'],
    [['ticket', 'note', '1', 'x'], ['ticket', 'assign', '1', 'nobody'], 'No user "nobody"'],
  ])('rejects bad input with a clear error (%j then %j)', async (first, second, message) => {
    await crm(first);
    const r = await crm(second);
    expect(r.exitCode).toBeGreaterThan(0);
    expect(r.stderr).toContain(message);
  });
});

describe('ticket list and queue', () => {
  beforeEach(async () => {
    await crm(['user', 'add', 'anna', '--name', 'Anna Keller', '--role', 'agent']);
    await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    await crm(['ticket', 'open', 'Low thing', '--contact', '1', '--priority', 'low', '--assignee', 'anna']);
    await crm(['ticket', 'open', 'Urgent thing', '--contact', '1', '--priority', 'urgent', '--assignee', 'anna', '--category', 'billing']);
    await crm(['ticket', 'open', 'Normal thing', '--contact', '1', '--tag', 'vip']);
    await crm(['ticket', 'open', 'Done thing', '--contact', '1']);
    await crm(['ticket', 'solve', '4']);
  });

  it('lists unsolved tickets by next deadline; status:any shows all', async () => {
    const r = await crm(['ticket', 'list', '--json']);
    expect(r.json().map((x: { id: number }) => x.id)).toEqual([2, 3, 1]);
    expect((await crm(['ticket', 'list', 'status:any', '--json'])).json().map((x: { id: number }) => x.id)).toEqual([2, 3, 1, 4]);
    expect((await crm(['ticket', 'list', 'category:billing', '--json'])).json().map((x: { id: number }) => x.id)).toEqual([2]);
    expect((await crm(['ticket', 'list', '+vip', '--json'])).json().map((x: { id: number }) => x.id)).toEqual([3]);
    expect((await crm(['ticket', 'list', 'assignee:anna', 'priority:low', '--json'])).json().map((x: { id: number }) => x.id)).toEqual([1]);
    const tsv = (await crm(['ticket', 'list'])).stdout.split('\n');
    expect(tsv[0]).toBe('id\tstatus\tpriority\tsubject\trequester\tassignee\tnextDeadline\tsla\tcreatedAt');
    expect(tsv[1]).toMatch(/^2\tnew\turgent\tUrgent thing\tSara Rahimi\tanna\t2026-11-20T18:55:00.000Z\tfirst reply in 1h/);
  });

  it('--due-within and --breaching use the SLA clock', async () => {
    expect((await crm(['ticket', 'list', '--due-within', '2h', '--json'])).json().map((x: { id: number }) => x.id)).toEqual([2]);
    const later = await crm(['ticket', 'list', '--breaching', '--json'], { now: '2026-11-21T06:00:00Z' });
    expect(later.json().map((x: { id: number }) => x.id)).toEqual([2, 3]);
    const bad = await crm(['ticket', 'list', '--due-within', 'soon']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('"soon" is not a duration');
  });

  it('crm queue shows the acting agent her tickets, most urgent first', async () => {
    const mine = await crm(['queue', '--as', 'anna', '--json']);
    expect(mine.json().map((x: { id: number }) => x.id)).toEqual([2, 1]);
    expect((await crm(['queue', '--all', '--json'])).json().map((x: { id: number }) => x.id)).toEqual([2, 3, 1]);
    const stranger = await crm(['queue'], { login: 'stranger' }); // a login that is no crm user sees nothing
    expect(stranger.exitCode).toBe(1);
    expect(stranger.stdout).toBe('');
    expect(stranger.stderr).toContain('crm user add stranger');
  });
});

describe('ticket views on a terminal and piped', () => {
  beforeEach(async () => {
    await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
    await crm(['sla', 'policy', 'add', 'urgent-only', '--priority', 'urgent', '--first-reply', 'urgent=15m']);
    await crm(['ticket', 'open', 'Printer on fire', '--contact', 'sara@example.com', '--category', 'hardware']);
    await crm(['ticket', 'note', '1', 'Checked the toner']);
    await crm(['ticket', 'priority', '1', 'urgent'], { now: '2026-11-20T18:00:00Z' });
  });

  it('show on a terminal: fields, an SLA table and the timeline with internal notes marked', async () => {
    const r = await crm(['ticket', 'show', '1'], { tty: true, now: '2026-11-20T18:30:00Z' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Subject: +Printer on fire/);
    expect(r.stdout).toMatch(/SLA policy: +urgent-only/);
    expect(r.stdout).toContain('SLA (1)'); // urgent-only measures first reply only
    expect(r.stdout).toMatch(/│ First reply +│ breached │ 15m calendar/);
    expect(r.stdout).toContain('Timeline (4)');
    expect(r.stdout).toContain('note (internal)');
    expect(r.stdout).toContain('default → urgent-only');
  });

  it('list on a terminal is a table with relative due times; piped it is TSV with ISO times', async () => {
    const tty = await crm(['ticket', 'list'], { tty: true, now: '2026-11-20T18:05:00Z' });
    expect(tty.stdout).toMatch(/│ ID │ Status │ Priority │ Subject/);
    expect(tty.stdout).toContain('in 5 min');
    expect(tty.stdout).toContain('first reply in 5m');
    const piped = await crm(['ticket', 'list'], { now: '2026-11-20T18:05:00Z' });
    expect(piped.stdout.split('\n')[1]).toBe('1\tnew\turgent\tPrinter on fire\tSara Rahimi\t\t2026-11-20T18:10:00.000Z\tfirst reply in 5m\t2026-11-20T17:55:00.000Z');
    const csv = await crm(['ticket', 'list', '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('id,status,priority,subject,requester,assignee,nextDeadline,sla,createdAt');
  });
});

describe('ticket list filter errors', () => {
  it('an unknown status is a usage error (exit 2) naming the statuses', async () => {
    const r = await crm(['ticket', 'list', 'status:bogus']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('error: Bad filter term "status:bogus".\nhint: status is one of: new, open, pending, on_hold, solved, closed, unsolved, any. See: crm help filters\n');
  });
});
