import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

/** The suite is sara at the keyboard (login and CRM_USER); the harness's first admin, tester, adds her. */
const AS_ADMIN = { login: 'tester', env: { CRM_USER: 'tester' } };

const { crm } = useTempDb({
  login: 'sara',
  env: { CRM_USER: 'sara', TZ: 'Europe/Berlin' },
  seed: async ({ crm }) => {
    await crm(['user', 'add', 'sara', '--name', 'Sara Rahimi'], AS_ADMIN);
    await crm(['contact', 'add', 'Bob Smith', '--email', 'bob@example.com', '--company', 'Acme Ltd']);
  },
});

async function count(table: 'activities'): Promise<number> {
  const r = await crm(['activity', 'list', '--tasks', '--json']);
  expect(table).toBe('activities');
  return r.json().length;
}

describe('crm log', () => {
  it('logs a call and its follow-up task, linked, and the task is on the agenda', async () => {
    const r = await crm(['log', 'call', 'bob@example.com', 'Discussed pricing', '--next', 'Send quote', '--due', 'next friday']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('1\n');
    // 2026-11-20 is a Friday; "next friday" is the 27th, 09:00 in Berlin = 08:00 UTC.
    expect(r.stderr).toContain('Due: Fri 2026-11-27 09:00 (Europe/Berlin)');
    expect(r.stderr).toContain('Follow-up task #2 "Send quote"');

    const call = (await crm(['activity', 'show', '1', '--json'])).json();
    expect(call).toMatchObject({ kind: 'call', subject: 'Discussed pricing', contact: { id: 1, name: 'Bob Smith' }, company: { id: 1, name: 'Acme Ltd' }, owner: 'sara', occurredAt: '2026-11-20T17:55:00.000Z' });
    const task = (await crm(['task', 'show', '2', '--json'])).json();
    expect(task).toMatchObject({ kind: 'task', subject: 'Send quote', followUpOfId: 1, dueAt: '2026-11-27T08:00:00.000Z', status: 'open', contact: { id: 1 }, owner: 'sara' });

    const agenda = await crm(['agenda']);
    expect(agenda.stdout).toContain('Upcoming (1)\n  Fri 2026-11-27 09:00  task #2      Send quote — Bob Smith · Acme Ltd');
    const json = (await crm(['agenda', '--json'])).json();
    expect(json.upcoming.map((i: { id: number }) => i.id)).toEqual([2]);
    expect(json.overdue).toEqual([]);
  });

  it('prints the activity with its follow-up under --json', async () => {
    const r = await crm(['log', 'meeting', 'Bob Smith', 'Demo', '--duration', '1h30m', '--next', 'Call back', '--json']);
    expect(r.json()).toMatchObject({ id: 1, kind: 'meeting', durationMinutes: 90, followUp: { id: 2, subject: 'Call back', followUpOfId: 1 } });
  });

  it('stores --at in UTC from the user zone and moves last_touched_at', async () => {
    const r = await crm(['log', 'call', '1', 'Intro', '--at', 'yesterday 15:00']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('At: Thu 2026-11-19 15:00 (Europe/Berlin)');
    expect((await crm(['activity', 'show', '1', '--json'])).json().occurredAt).toBe('2026-11-19T14:00:00.000Z');
    expect((await crm(['contact', 'show', '1', '--json'])).json().lastTouchedAt).toBe('2026-11-19T14:00:00.000Z');
    // Shown back in the user's zone on a terminal.
    expect((await crm(['activity', 'show', '1'], { tty: true })).stdout).toContain('2026-11-19 15:00');
    // The same instant shown to someone in Tokyo.
    expect((await crm(['activity', 'show', '1'], { tty: true, env: { TZ: 'Asia/Tokyo' } })).stdout).toContain('2026-11-19 23:00');
    // An older touch does not move it back; a note does not count as a touch.
    await crm(['log', 'email', '1', 'Old mail', '--at', '2026-01-05 10:00']);
    await crm(['log', 'note', '1', 'Internal: likes golf']);
    expect((await crm(['contact', 'show', '1', '--json'])).json().lastTouchedAt).toBe('2026-11-19T14:00:00.000Z');
    await crm(['log', 'touch', '1', 'Sent the catalogue', '--kind', 'letter']);
    expect((await crm(['contact', 'show', '1', '--json'])).json().lastTouchedAt).toBe('2026-11-20T17:55:00.000Z');
    expect((await crm(['activity', 'list', 'kind:letter', '--json'])).json()).toHaveLength(1);
  });

  it('resolves company:, deal: and ticket: refs', async () => {
    const r = await crm(['log', 'meeting', 'company:Acme Ltd', 'Quarterly review', '--json']);
    expect(r.json()).toMatchObject({ company: { id: 1 }, contact: null });
    const d = await crm(['log', 'call', 'deal:99', 'x']);
    expect(d.exitCode).toBe(1);
    expect(d.stderr).toContain('No deal "99"');
  });

  it('refuses an ambiguous name, listing the candidates, and changes nothing', async () => {
    await crm(['contact', 'add', 'Bob Smith', '--email', 'bob2@example.com']);
    const r = await crm(['log', 'call', 'bob smith', 'Hello', '--next', 'Again']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('"bob smith" matches 2 contacts: #1 Bob Smith <bob@example.com>; #2 Bob Smith <bob2@example.com>.');
    expect(await count('activities')).toBe(0);
  });

  it('refuses unknown refs, unparseable dates and durations, and changes nothing', async () => {
    const cases: [string[], string][] = [
      [['log', 'call', 'nobody@example.com', 'x'], 'No contact "nobody@example.com"'],
      [['log', 'call', '1', 'x', '--at', 'whenever'], 'Cannot read "whenever" as a date for --at.'],
      [['log', 'call', '1', 'x', '--next', 'y', '--due', 'next blursday'], 'Cannot read "next blursday" as a date for --due.'],
      [['log', 'call', '1', 'x', '--duration', 'forever'], 'Cannot read "forever" as a duration.'],
      [['log', 'call', 'planet:1', 'x'], 'Unknown kind of record "planet:"'],
      [['log', 'call', '1', 'x', '--due', 'tomorrow'], '--due needs --next'],
      [['log', 'note', '1', 'x', '--kind', 'letter'], "Unknown option '--kind'"],
    ];
    for (const [argv, message] of cases) {
      const r = await crm(argv);
      expect(r.exitCode, argv.join(' ')).not.toBe(0);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('hint:');
    }
    expect(await count('activities')).toBe(0);
    expect((await crm(['contact', 'show', '1', '--json'])).json().lastTouchedAt).toBeNull();
  });

  it('gives JSON errors under --json', async () => {
    const r = await crm(['log', 'call', '1', 'x', '--at', 'soonish', '--json']);
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'invalid_date', message: 'Cannot read "soonish" as a date for --at.', hint: expect.stringContaining('tomorrow 9am') } });
  });
});
