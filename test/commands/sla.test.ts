import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const { crm } = useTempDb();

describe('crm calendar', () => {
  it('adds, shows and edits a calendar with holidays', async () => {
    expect((await crm(['calendar', 'add', 'office', '--tz', 'Europe/Berlin', '--hours', 'mon-fri 09:00-12:30,13:30-18:00; sat 10:00-14:00'])).stdout).toBe('1\n');
    await crm(['calendar', 'holiday', 'add', 'office', '2026-12-25', 'Christmas', 'Day']);
    const show = (await crm(['calendar', 'show', 'office', '--json'])).json();
    expect(show).toMatchObject({ name: 'office', timezone: 'Europe/Berlin', hours: 'mon-fri 09:00-12:30,13:30-18:00; sat 10:00-14:00', holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] });
    expect(show.week.mon).toEqual([['09:00', '12:30'], ['13:30', '18:00']]);
    await crm(['calendar', 'edit', 'office', '--hours', 'mon-fri 08:00-16:00']);
    expect((await crm(['calendar', 'list'])).stdout.split('\n')[1]).toBe('1\toffice\tEurope/Berlin\tmon-fri 08:00-16:00\t1\t');
    expect((await crm(['calendar', 'holiday', 'remove', 'office', '2026-12-25'])).exitCode).toBe(0);
    expect((await crm(['calendar', 'holiday', 'list', 'office', '--json'])).json()).toEqual([]);
  });

  it.each([
    [['--tz', 'Mars/Olympus'], 'error: Unknown time zone "Mars/Olympus".'],
    [['--tz', 'UTC', '--hours', 'mon-fri 09:00-13:00,12:00-18:00'], 'error: Intervals 09:00-13:00 and 12:00-18:00 overlap on mon.'],
    [['--tz', 'UTC', '--hours', 'mon-fri 18:00-09:00'], 'error: Interval 18:00-09:00 in "mon-fri 18:00-09:00" ends before it starts.'],
    [['--tz', 'UTC', '--hours', 'weekdays 09:00-17:00'], 'error: "weekdays" in "weekdays 09:00-17:00" is not a weekday or a range of weekdays.'],
  ])('rejects %j with a clear error and adds nothing', async (flags, message) => {
    const r = await crm(['calendar', 'add', 'office', ...flags]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(message);
    expect(r.stderr).toContain('hint: ');
    expect((await crm(['calendar', 'list', '--json'])).json()).toEqual([]);
  });

  it('rejects a bad holiday date and a duplicate', async () => {
    await crm(['calendar', 'add', 'office', '--tz', 'UTC']);
    expect((await crm(['calendar', 'holiday', 'add', 'office', '2026-02-30'])).exitCode).toBe(2);
    await crm(['calendar', 'holiday', 'add', 'office', '2026-12-25']);
    expect((await crm(['calendar', 'holiday', 'add', 'office', '2026-12-25'])).stderr).toContain('already a holiday');
  });
});

describe('crm sla policy', () => {
  it('lists user policies before the built-in default, and reorders them', async () => {
    await crm(['calendar', 'add', 'office', '--tz', 'Europe/Berlin', '--hours', 'mon-fri 09:00-18:00']);
    await crm(['sla', 'policy', 'add', 'standard', '--calendar', 'office', '--first-reply', 'normal=1h,high=30m', '--resolution', 'normal=2d,high=8h']);
    await crm(['sla', 'policy', 'add', 'vip', '--tier', 'A', '--first-reply', 'all=15m', '--calendar-time']);
    const list = (await crm(['sla', 'policy', 'list', '--json'])).json();
    expect(list.map((p: { name: string; position: number }) => `${p.position}:${p.name}`)).toEqual(['1:standard', '2:vip', '3:default']);
    expect(list[0]).toMatchObject({ calendar: { name: 'office' }, firstReply: 'normal=1h,high=30m', resolution: 'normal=2d,high=8h', when: 'any ticket' });
    expect(list[1]).toMatchObject({ when: 'tier:a', firstReply: 'low=15m,normal=15m,high=15m,urgent=15m (calendar time)' });
    expect(list[2]).toMatchObject({ isDefault: true, when: 'any other ticket' });
    await crm(['sla', 'policy', 'reorder', 'vip']);
    expect((await crm(['sla', 'policy', 'list', '--json'])).json().map((p: { name: string }) => p.name)).toEqual(['vip', 'standard', 'default']);
  });

  it('first match wins: a tier-A company gets the vip policy', async () => {
    await crm(['company', 'add', 'Acme Ltd', '--tier', 'A']);
    await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd']);
    await crm(['contact', 'add', 'Bob Jones', '--email', 'bob@example.com']);
    await crm(['sla', 'policy', 'add', 'vip', '--tier', 'A', '--first-reply', 'all=15m']);
    expect((await crm(['ticket', 'open', 'Help', '--contact', 'sara@example.com', '--json'])).json()).toMatchObject({ policy: 'vip', company: { name: 'Acme Ltd' } });
    expect((await crm(['ticket', 'open', 'Help', '--contact', 'bob@example.com', '--json'])).json()).toMatchObject({ policy: 'default' });
  });

  it.each([
    [['--first-reply', 'normal=-1h'], 'is negative'],
    [['--first-reply', 'normal=0m'], 'is zero'],
    [['--resolution', 'normal=soon'], 'is not a duration'],
    [['--first-reply', 'critical=1h'], 'unknown priority "critical"'],
    [['--calendar', 'nowhere', '--first-reply', 'normal=1h'], 'No calendar "nowhere"'],
    [[], 'A policy needs at least one target'],
  ])('rejects %j and adds nothing', async (flags, message) => {
    const r = await crm(['sla', 'policy', 'add', 'bad', ...flags]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
    expect((await crm(['sla', 'policy', 'list', '--json'])).json().map((p: { name: string }) => p.name)).toEqual(['default']);
  });

  it('the default policy keeps no conditions but its targets can change', async () => {
    expect((await crm(['sla', 'policy', 'edit', 'default', '--tier', 'A'])).stderr).toContain('no conditions');
    const r = await crm(['sla', 'policy', 'edit', 'default', '--first-reply', 'normal=2h', '--json']);
    expect(r.json().firstReply).toBe('low=24h,normal=2h,high=4h,urgent=1h (calendar time)');
    expect((await crm(['sla', 'policy', 'reorder', 'default'])).stderr).toContain('always last');
  });
});
