import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

/** The suite is sara at the keyboard (login and CRM_USER); the harness's first admin, tester, adds her. */
const AS_ADMIN = { login: 'tester', env: { CRM_USER: 'tester' } };

const t = useTempDb({
  login: 'sara',
  env: { CRM_USER: 'sara', TZ: 'Europe/Berlin' },
  seed: async ({ crm }) => {
    await crm(['user', 'add', 'sara', '--name', 'Sara Rahimi'], AS_ADMIN);
    await crm(['user', 'add', 'tom', '--name', 'Tom Baker'], AS_ADMIN);
    await crm(['contact', 'add', 'Bob Smith', '--email', 'bob@example.com', '--company', 'Acme Ltd']);
  },
});
const { crm } = t;

describe('crm task', () => {
  it('adds a task with a natural-language due date in the user zone, echoed on stderr', async () => {
    const r = await crm(['task', 'add', 'Send quote', '--due', 'tomorrow 9am', '--contact', 'bob@example.com']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('1\n');
    expect(r.stderr).toContain('Due: Sat 2026-11-21 09:00 (Europe/Berlin)');
    expect((await crm(['task', 'show', '1', '--json'])).json()).toMatchObject({ dueAt: '2026-11-21T08:00:00.000Z', owner: 'sara', contact: { id: 1 }, company: { id: 1 } });
    const inDays = await crm(['task', 'add', 'Later', '--due', 'in 3 days', '--json']);
    expect(inDays.json().dueAt).toBe('2026-11-23T08:00:00.000Z');
    const iso = await crm(['task', 'add', 'Exact', '--due', '2026-12-01 14:30', '--json']);
    expect(iso.json().dueAt).toBe('2026-12-01T13:30:00.000Z');
  });

  it('refuses an unparseable due date and writes nothing', async () => {
    const r = await crm(['task', 'add', 'X', '--due', 'when pigs fly']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Cannot read "when pigs fly" as a date for --due.');
    expect((await crm(['task', '--json'])).json()).toEqual([]);
  });

  it('lists open tasks by due date; done, reopen, snooze and edit', async () => {
    await crm(['task', 'add', 'B', '--due', 'in 5 days']);
    await crm(['task', 'add', 'A', '--due', 'tomorrow']);
    await crm(['task', 'add', 'C', '--due', 'in 2 days', '--owner', 'tom']);
    expect((await crm(['task'])).stdout.split('\n').slice(1, 4).map((l) => l.split('\t')[3])).toEqual(['A', 'C', 'B']);
    expect((await crm(['task', 'list', 'owner:me', '--json'])).json().map((x: { subject: string }) => x.subject)).toEqual(['A', 'B']);

    const done = await crm(['task', 'done', '2']);
    expect(done.stderr).toContain('Done: task #2 A');
    expect((await crm(['task', '--json'])).json().map((x: { id: number }) => x.id)).toEqual([3, 1]);
    expect((await crm(['task', 'list', '--done', '--json'])).json()[0]).toMatchObject({ id: 2, status: 'done', doneAt: '2026-11-20T17:55:00.000Z' });
    // All or nothing: one bad id in the list changes none of them.
    const mixed = await crm(['task', 'done', '1', '2']);
    expect(mixed.exitCode).toBe(1);
    expect((await crm(['task', 'show', '1', '--json'])).json().status).toBe('open');
    const again = await crm(['task', 'done', '2']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('Task #2 is already done.');
    await crm(['task', 'reopen', '2']);
    expect((await crm(['task', 'show', '2', '--json'])).json().status).toBe('open');

    const snooze = await crm(['task', 'snooze', '2', 'next monday 10am']);
    expect(snooze.stderr).toContain('Due: Mon 2026-11-23 10:00 (Europe/Berlin)');
    const edit = await crm(['task', 'edit', '2', '--title', 'A2', '--owner', 'tom', '--json']);
    expect(edit.json()).toMatchObject({ subject: 'A2', owner: 'tom', version: 5 });
    const stale = await crm(['task', 'edit', '2', '--title', 'A3', '--if-version', '2'], AS_ADMIN); // tom's task now: sara (a rep) may not edit it
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain('changed by someone else');
  });

  it('a logged call is not a task', async () => {
    await crm(['log', 'call', '1', 'Hello']);
    const r = await crm(['task', 'done', '1']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('No task #1.');
  });

  it('exports tasks and meetings as iCalendar that ical.js parses', async () => {
    await crm(['task', 'add', 'Send quote, revised; with \\ backslash', '--due', 'next friday', '--contact', '1', '--body', 'Line one\nLine two — ünïcödé ' + 'x'.repeat(80)]);
    await crm(['log', 'meeting', '1', 'Kick-off', '--at', 'tomorrow 14:00', '--duration', '45m']);
    await crm(['task', 'add', 'Tom task', '--due', 'tomorrow', '--owner', 'tom']);
    const out = join(t.dir, 'tasks.ics');
    const r = await crm(['task', 'export', '--ics', '-o', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('Exported 1 task and 1 meeting');
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    const cal = new ICAL.Component(ICAL.parse(text));
    const [todo] = cal.getAllSubcomponents('vtodo');
    expect(todo!.getFirstPropertyValue('summary')).toBe('Send quote, revised; with \\ backslash');
    expect(todo!.getFirstPropertyValue('description')).toContain('Line one\nLine two — ünïcödé ' + 'x'.repeat(80));
    expect(todo!.getFirstPropertyValue('uid')).toBe('activity-1@crm.local');
    expect((todo!.getFirstPropertyValue('due') as ICAL.Time).toJSDate().toISOString()).toBe('2026-11-27T08:00:00.000Z');
    expect(todo!.getFirstPropertyValue('dtstamp')!.toString()).toBe('2026-11-20T17:55:00Z');
    const [event] = cal.getAllSubcomponents('vevent');
    const ev = new ICAL.Event(event!);
    expect(ev.summary).toBe('Kick-off');
    expect(ev.startDate.toJSDate().toISOString()).toBe('2026-11-21T13:00:00.000Z');
    expect(ev.endDate.toJSDate().toISOString()).toBe('2026-11-21T13:45:00.000Z');
    const all = await crm(['task', 'export', '--ics', '--owner', 'all']);
    expect(new ICAL.Component(ICAL.parse(all.stdout)).getAllSubcomponents('vtodo')).toHaveLength(2);
  });

  it('export needs --ics', async () => {
    const r = await crm(['task', 'export']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--ics');
  });
});

describe('crm agenda', () => {
  it('splits overdue, today and upcoming in the user zone; plain text when piped', async () => {
    await crm(['task', 'add', 'Old', '--due', '2026-11-18 10:00']);
    await crm(['task', 'add', 'This morning', '--due', 'today 8am']);
    await crm(['task', 'add', 'Late tonight', '--due', 'today 23:30']);
    await crm(['task', 'add', 'Next week', '--due', 'in 6 days']);
    await crm(['task', 'add', 'Far away', '--due', 'in 30 days']);
    await crm(['task', 'add', 'Not mine', '--due', 'today 10am', '--owner', 'tom']);
    await crm(['log', 'meeting', '1', 'Lunch', '--at', 'tomorrow 12:30', '--duration', '1h']);
    const r = await crm(['agenda']);
    expect(r.stdout).toBe(
      [
        'Agenda for sara — Fri 2026-11-20 (Europe/Berlin), next 7 days',
        '',
        'Overdue (1)',
        '  Wed 2026-11-18 10:00  task #1      Old',
        '',
        'Today (2)',
        '  Fri 2026-11-20 08:00  task #2      This morning',
        '  Fri 2026-11-20 23:30  task #3      Late tonight',
        '',
        'Upcoming (2)',
        '  Sat 2026-11-21 12:30  meeting #7   Lunch (60 min) — Bob Smith · Acme Ltd',
        '  Thu 2026-11-26 09:00  task #4      Next week',
        '',
      ].join('\n'),
    );
    // In Tokyo it is already Saturday 02:55: Friday's tasks are overdue, 23:30 Berlin falls on Saturday.
    const tokyo = (await crm(['agenda', '--json'], { env: { TZ: 'Asia/Tokyo' } })).json();
    expect(tokyo.overdue.map((i: { title: string }) => i.title)).toEqual(['Old', 'This morning']);
    expect(tokyo.today.map((i: { title: string }) => i.title)).toEqual(['Late tonight', 'Lunch']);
    const all = (await crm(['agenda', '--owner', 'all', '--days', '60', '--json'])).json();
    expect(all.upcoming.map((i: { title: string }) => i.title)).toEqual(['Lunch', 'Next week', 'Far away']);
    expect(all.today.map((i: { owner: string }) => i.owner)).toEqual(['sara', 'tom', 'sara']);
    const tsv = await crm(['agenda', '--format', 'tsv']);
    expect(tsv.stdout.split('\n')[1]).toBe('overdue\t2026-11-18T09:00:00.000Z\ttask\t1\tOld\t\tsara');
  });

  it('--days 0 shows overdue and today only', async () => {
    await crm(['task', 'add', 'Tomorrow', '--due', 'tomorrow']);
    await crm(['task', 'add', 'Today', '--due', 'today 20:00']);
    const r = await crm(['agenda', '--days', '0']);
    expect(r.stdout).toBe('Agenda for sara — Fri 2026-11-20 (Europe/Berlin)\n\nOverdue (0)\n  nothing\n\nToday (1)\n  Fri 2026-11-20 20:00  task #2      Today\n');
  });

  it('names an unknown owner', async () => {
    const r = await crm(['agenda', '--owner', 'nobody']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('No user "nobody"');
  });
});
