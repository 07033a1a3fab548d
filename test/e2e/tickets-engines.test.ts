/**
 * Tickets, SLA policies, calendars, the queue and the SLA/tickets reports give the same results
 * on SQLite and PostgreSQL (#15): one script of bin/crm command lines — each at its own frozen
 * "now", so the SLA clocks run, pause, breach and resume across a week — runs against a fresh
 * database of each engine, and every entity is exported in every format; every step's exit code, stdout and stderr must be identical.
 */
import { describe, expect, it } from 'vitest';
import { crmAsync, crmOn, ENGINES, mapLimit, freshDatabase, type CrmResult } from '../helpers/engines.js';

type Step = [now: string, args: string[], as?: string];

const MON = '2026-11-16';
const SCRIPT: Step[] = [
  [`${MON}T08:00:00Z`, ['user', 'add', 'anna', '--name', 'Anna Berg', '--json']],
  [`${MON}T08:00:00Z`, ['user', 'add', 'ben', '--name', 'Ben Ott', '--json']],
  [`${MON}T08:00:00Z`, ['company', 'add', 'Acme Ltd', '--tier', 'A', '--json']],
  [`${MON}T08:00:00Z`, ['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd', '--json']],
  [`${MON}T08:00:00Z`, ['contact', 'add', 'Bob Jones', '--email', 'bob@example.com', '--json']],
  [`${MON}T08:00:00Z`, ['calendar', 'add', 'office', '--tz', 'Europe/Berlin', '--hours', 'mon-fri 09:00-12:30,13:30-18:00', '--json']],
  [`${MON}T08:00:00Z`, ['calendar', 'holiday', 'add', 'office', '2026-11-19', 'Closed', '--json']],
  [`${MON}T08:00:00Z`, ['calendar', 'holiday', 'add', 'office', '2026-11-19']],
  [`${MON}T08:00:00Z`, ['calendar', 'holiday', 'add', 'office', '2026-12-25']],
  [`${MON}T08:00:00Z`, ['calendar', 'holiday', 'remove', 'office', '2026-12-25']],
  [`${MON}T08:00:00Z`, ['calendar', 'edit', 'office', '--hours', 'mon-fri 09:00-12:30,13:30-17:30', '--json']],
  [`${MON}T08:00:00Z`, ['calendar', 'add', 'mars', '--tz', 'Mars/Olympus']],
  [`${MON}T08:00:00Z`, ['calendar', 'list', '--json']],
  [`${MON}T08:00:00Z`, ['calendar', 'show', 'office']],
  [`${MON}T08:00:00Z`, ['calendar', 'holiday', 'list', 'office', '--json']],
  [`${MON}T08:00:00Z`, ['sla', 'policy', 'add', 'standard', '--calendar', 'office', '--first-reply', 'normal=1h,high=30m', '--next-reply', 'normal=4h', '--resolution', 'normal=2d,high=8h', '--json']],
  [`${MON}T08:00:00Z`, ['sla', 'policy', 'add', 'vip', '--tier', 'A', '--first-reply', 'all=15m', '--calendar-time', '--json']],
  [`${MON}T08:00:00Z`, ['sla', 'policy', 'add', 'bad', '--first-reply', 'normal=soon']],
  [`${MON}T08:00:00Z`, ['sla', 'policy', 'reorder', 'vip', '--json']],
  [`${MON}T08:00:00Z`, ['sla', 'policy', 'edit', 'standard', '--resolution', 'normal=3d', '--json']],
  [`${MON}T08:00:00Z`, ['sla', 'policy', 'list', '--json']],
  [`${MON}T08:00:00Z`, ['sla', 'policy', 'show', 'standard']],
  [`${MON}T09:10:00Z`, ['ticket', 'open', 'Printer on fire', '--contact', 'bob@example.com', '--priority', 'high', '--category', 'Hardware', '--tag', 'onsite', '--json']],
  [`${MON}T09:20:00Z`, ['ticket', 'open', 'Invoice wrong', '--contact', 'sara@example.com', '--channel', 'email', '--json']],
  [`${MON}T10:00:00Z`, ['ticket', 'open', 'Password reset', '--contact', 'bob@example.com', '--assignee', 'ben', '--json']],
  [`${MON}T10:00:00Z`, ['ticket', 'open', '']],
  [`${MON}T10:05:00Z`, ['ticket', 'note', '1', 'Looking into it'], 'anna'],
  [`${MON}T10:30:00Z`, ['ticket', 'reply', '1', "We're on it"], 'anna'],
  [`${MON}T11:00:00Z`, ['ticket', 'list', '--json']],
  [`${MON}T11:00:00Z`, ['ticket', 'list', '--breaching', '--json']],
  [`${MON}T11:00:00Z`, ['ticket', 'list', '--due-within', '2h', '--json']],
  [`${MON}T11:00:00Z`, ['ticket', 'list', 'status:any', 'category:hardware', '+onsite', '--json']],
  [`${MON}T11:00:00Z`, ['ticket', 'list', 'status:bogus']],
  [`${MON}T11:00:00Z`, ['ticket', 'list', 'invoice']],
  [`${MON}T11:00:00Z`, ['ticket', 'pending', '1', '--note', 'Waiting for the serial'], 'anna'],
  [`${MON}T12:00:00Z`, ['ticket', 'assign', '2', 'anna', '--json']],
  [`${MON}T12:00:00Z`, ['ticket', 'assign', '2', 'nobody']],
  [`${MON}T12:05:00Z`, ['ticket', 'priority', '2', 'urgent', '--json']],
  [`${MON}T12:10:00Z`, ['ticket', 'edit', '2', '--subject', 'Invoice 4711 wrong', '--category', 'billing', '--untag', 'x', '--json']],
  [`${MON}T12:10:00Z`, ['ticket', 'edit', '2', '--if-version', '1', '--subject', 'stale']],
  [`${MON}T12:15:00Z`, ['queue', '--json'], 'anna'],
  [`${MON}T12:15:00Z`, ['queue', '--all']],
  [`${MON}T12:15:00Z`, ['queue'], 'nobody'],
  [`2026-11-17T09:00:00Z`, ['ticket', 'message', '1', 'Here is the serial number', '--json']],
  [`2026-11-17T09:30:00Z`, ['ticket', 'hold', '3', '--json']],
  [`2026-11-17T10:00:00Z`, ['ticket', 'solve', '1', '--json'], 'anna'],
  [`2026-11-17T10:00:00Z`, ['ticket', 'close', '3']],
  [`2026-11-18T09:00:00Z`, ['ticket', 'reopen', '1', '--json']],
  [`2026-11-18T10:00:00Z`, ['ticket', 'solve', '1'], 'anna'],
  [`2026-11-20T10:00:00Z`, ['ticket', 'close', '1', '--csat', '4', '--json']],
  [`2026-11-20T10:00:00Z`, ['ticket', 'reply', '1', 'closed is final']],
  [`2026-11-20T11:00:00Z`, ['ticket', 'show', '1', '--json']],
  [`2026-11-20T11:00:00Z`, ['ticket', 'show', '2']],
  [`2026-11-20T11:00:00Z`, ['ticket', 'show', '99']],
  [`2026-11-20T11:00:00Z`, ['ticket', 'list', 'status:any', '--format', 'csv']],
  [`2026-11-20T11:00:00Z`, ['ticket', 'list', '--breaching', '--json']],
  [`2026-11-20T11:00:00Z`, ['queue', '--all', '--json']],
  [`2026-11-23T12:00:00Z`, ['report', 'sla', '--period', '2026-11', '--json']],
  [`2026-11-23T12:00:00Z`, ['report', 'sla', '--period', '2026-11', '--by', 'priority']],
  [`2026-11-23T12:00:00Z`, ['report', 'sla', '--period', '2026-11', '--by', 'assignee', '--as-of', '2026-11-17T12:00:00Z', '--json']],
  [`2026-11-23T12:00:00Z`, ['report', 'tickets', '--period', '2026-11', '--json']],
  [`2026-11-23T12:00:00Z`, ['history', 'ticket', '2', '--json']],
  [`2026-11-23T12:00:00Z`, ['contact', 'edit', '1', '--add-tag', 'vip', '--add-tag', 'beta', '--title', '=cmd|calc']],
  ...(['contacts', 'companies', 'tickets', 'users', 'deals', 'activities'] as const).flatMap((entity): Step[] =>
    ['csv', 'json', 'ndjson'].map((format) => [`2026-11-23T12:00:00Z`, ['export', entity, '--format', format]]),
  ),
  [`2026-11-23T12:00:00Z`, ['export', 'contacts', '--raw', '--excel']],
  [`2026-11-23T12:00:00Z`, ['export', 'contacts', '+vip', '--json']],
  [`2026-11-23T12:00:00Z`, ['export', 'tickets', 'status:any', 'priority:urgent', '--format', 'ndjson']],
  [`2026-11-23T12:00:00Z`, ['export', 'users', 'x']],
];

describe('tickets, SLAs and calendars give identical results on SQLite and PostgreSQL', () => {
  const results = new Map<string, CrmResult[]>();

  it.concurrent.each(ENGINES)('the script runs on %s', async (engine) => {
    const db = await freshDatabase(engine, 'tickets');
    try {
      expect(crmOn(db.url, ['db', 'migrate']).code).toBe(0); // an empty file or database alike (freshDatabase)
      // The OS login becomes the admin of a database without one, said once naming the database: before the script.
      expect(crmOn(db.url, ['user', 'list']).code).toBe(0);
      const steps = await mapLimit(SCRIPT, ([now, args, as]) => crmAsync(db.url, args, { CRM_NOW: now, ...(as ? { CRM_USER: as } : {}) }), 1);
      // The built-in default policy is created by the migration, at the real time: masked.
      const list = steps[SCRIPT.findIndex(([, a]) => a.join(' ') === 'sla policy list --json')]!;
      const migratedAt = (JSON.parse(list.stdout) as { name: string; createdAt: string }[]).find((p) => p.name === 'default')!.createdAt;
      const mask = (text: string) => text.split(migratedAt).join('<migration time>');
      results.set(engine, steps.map((r) => ({ code: r.code, stdout: mask(r.stdout), stderr: mask(r.stderr) })));
    } finally {
      db.cleanup();
    }
    const steps = results.get(engine)!;
    for (const r of steps) expect(r.stderr).not.toMatch(/internal error|does not run on PostgreSQL|at .*\.(c?js|ts):\d+/);
    const failing = SCRIPT.flatMap(([, args], i) => (steps[i]!.code === 0 ? [] : [`${args.slice(0, 3).join(' ')}: ${steps[i]!.code}`]));
    expect(failing).toEqual([
      'calendar holiday add: 1',
      'calendar add mars: 1',
      'sla policy add: 1',
      'ticket open : 1',
      'ticket list status:bogus: 2',
      'ticket assign 2: 1',
      'ticket edit 2: 1',
      'queue: 1',
      'ticket close 3: 1',
      'ticket reply 1: 1',
      'ticket show 99: 1',
      'export users x: 2',
    ]);
  }, 180_000);

  it('every step printed the same on both (exit code, stdout, stderr)', () => {
    const [sqlite, postgres] = [results.get('sqlite')!, results.get('postgres')!];
    expect(sqlite).toHaveLength(SCRIPT.length);
    expect(postgres).toHaveLength(SCRIPT.length);
    for (let i = 0; i < SCRIPT.length; i++) {
      const step = `${SCRIPT[i]![0]} crm ${SCRIPT[i]![1].join(' ')}`;
      expect({ step, ...postgres[i]! }).toEqual({ step, ...sqlite[i]! });
    }
    // The SLA clocks really ran: the comparison is not of two empty outputs.
    const at = (args: string) => SCRIPT.findIndex(([, a]) => a.join(' ') === args);
    const shown = JSON.parse(postgres[at('ticket show 1 --json')]!.stdout);
    expect(shown).toMatchObject({ status: 'closed', satisfaction: 4, policy: 'standard', sla: { firstReply: { state: 'breached' } } });
    const report = JSON.parse(postgres[at('report sla --period 2026-11 --json')]!.stdout);
    expect(report.tickets).toBe(3);
    expect(JSON.parse(postgres[at('report tickets --period 2026-11 --json')]!.stdout)).toMatchObject({ requests: 3 });
    // Exports: every entity, every format, byte for byte (above); and they hold the records.
    expect(JSON.parse(postgres[at('export tickets --format json')]!.stdout).map((t: { subject: string }) => t.subject)).toEqual(['Printer on fire', 'Invoice 4711 wrong', 'Password reset']);
    expect(JSON.parse(postgres[at('export contacts +vip --json')]!.stdout)).toMatchObject([{ email: 'sara@example.com', tags: ['beta', 'vip'], title: '=cmd|calc' }]);
    expect(postgres[at('export contacts --format csv')]!.stdout).toContain(`'=cmd|calc`);
  });
});
