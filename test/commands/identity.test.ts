/**
 * Issue 17: who is acting and what they may do. The harness's runs are the OS login `tester`
 * unless a test passes `login` (the person at the keyboard); `crm init` makes the first login admin.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();
const { crm, ok } = t;

/** The person at the keyboard: their OS login, and no CRM_USER of their own. */
const as = (login: string) => ({ login, env: { CRM_USER: login } });

describe('first run: crm init', () => {
  it("a newcomer's first three commands: init, contact add, contact list owner:me", async () => {
    const init = await crm(['init', '--currency', 'eur', '--timezone', 'Asia/Tokyo', '--week-start', 'sun'], as('kenji'));
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stderr).toContain('You (kenji) are its first admin');
    expect(init.stderr).toContain('Defaults: currency EUR, time zone Asia/Tokyo, week starts sunday');
    await ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com'], as('kenji'));
    const mine = await ok(['contact', 'list', 'owner:me', '--json'], as('kenji'));
    expect(mine.json().map((c: { name: string }) => c.name)).toEqual(['Sara Rahimi']);
    const who = (await ok(['whoami', '--json'], { ...as('kenji'), env: { CRM_USER: 'kenji', TZ: '' } })).json();
    expect(who).toEqual({ handle: 'kenji', name: 'kenji', role: 'admin', team: null, login: 'kenji', actingAdmin: null, timeZone: 'Asia/Tokyo', weekStart: 'sunday', database: t.db });
  });

  it('asks for the defaults on a terminal, and a second init keeps the first admin and the answers', async () => {
    const init = await crm(['init'], { ...as('ana'), answers: ['JPY', 'Europe/Berlin', ''] });
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stderr).toContain('Home currency [USD]: ');
    expect(init.stderr).toContain('Defaults: currency JPY, time zone Europe/Berlin, week starts monday');
    const again = await crm(['init', '--json'], as('bob')); // a second init changes no admin and no answer
    expect(again.exitCode).toBe(0);
    expect(again.json()).toMatchObject({ admin: null, defaults: { currency: 'JPY', timezone: 'Europe/Berlin', weekStart: 'monday' } });
    expect((await crm(['user', 'list', '--json'], as('ana'))).json().map((u: { handle: string; role: string }) => `${u.handle}:${u.role}`)).toEqual(['ana:admin']);
    await ok(['user', 'add', 'bob'], as('ana'));
    const notAdmin = await crm(['init', '--currency', 'USD'], as('bob'));
    expect(notAdmin.exitCode).toBe(1);
    expect(notAdmin.stderr).toContain('db.admin');
    const bad = await crm(['init', '--timezone', 'Mars/Olympus'], as('ana'));
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('Unknown time zone');
  });

  it('crm demo works on its own: the login is one of its admins', async () => {
    const demo = await crm(['demo', '--seed', '1'], as('newbie'));
    expect(demo.exitCode, demo.stderr).toBe(0);
    expect((await ok(['whoami', '--json'], as('newbie'))).json()).toMatchObject({ handle: 'newbie', role: 'admin' });
    expect((await crm(['deal', 'list', 'owner:me', '--json'], as('newbie'))).exitCode).toBe(0);
  });
});

describe('identity', () => {
  it('a login that is no crm user reads and writes nothing, and is told how an admin adds them', async () => {
    await ok(['contact', 'add', 'Bob', '--email', 'bob@example.com']);
    for (const argv of [['contact', 'list'], ['contact', 'add', 'Eve'], ['report', 'win-rate'], ['deal', 'list', 'owner:me']]) {
      const r = await crm(argv, as('ghost'));
      expect(r.exitCode, argv.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('You (ghost) are not a user of');
      expect(r.stderr).toContain('crm user add ghost');
    }
    expect((await ok(['contact', 'list', '--json'])).json()).toHaveLength(1);
  });

  it('a user may be named by their login: crm user edit sara --login sr', async () => {
    await ok(['user', 'add', 'sara', '--team', 'East', '--timezone', 'America/New_York']);
    expect((await crm(['whoami'], as('sr'))).exitCode).toBe(1);
    await ok(['user', 'edit', 'sara', '--login', 'sr']);
    const who = (await ok(['whoami', '--json'], as('sr'))).json();
    expect(who).toMatchObject({ handle: 'sara', role: 'rep', team: 'East', login: 'sr', timeZone: 'America/New_York' });
    // The handle no longer logs in as sara once another login is hers.
    expect((await crm(['whoami'], as('sara'))).exitCode).toBe(1);
  });

  it('only admins act --as someone else (recorded "admin on behalf of sara"); --as a non-user is an error', async () => {
    await ok(['user', 'add', 'sara']);
    await ok(['user', 'add', 'omar']);
    const rep = await crm(['contact', 'list', '--as', 'omar'], as('sara'));
    expect(rep.exitCode).toBe(1);
    expect(rep.stderr).toContain('sara (rep) may not act as omar: it needs the permission act-as');
    expect(rep.stderr).toContain('admin');
    const viaEnv = await crm(['contact', 'list'], { login: 'sara', env: { CRM_USER: 'omar' } });
    expect(viaEnv.exitCode).toBe(1);
    const refused = (await ok(['history', 'permission', 'sara', '--json'])).json();
    expect(refused.map((r: { action: string; actor: string; changes: Record<string, unknown> }) => [r.action, r.actor, r.changes.action])).toEqual([
      ['refused', 'sara', [null, 'act-as']],
      ['refused', 'sara', [null, 'act-as']],
    ]);
    const ghost = await crm(['contact', 'add', 'X', '--as', 'ghost']);
    expect(ghost.exitCode).toBe(1);
    expect(ghost.stderr).toContain('No user "ghost" to act as');
    expect((await ok(['contact', 'add', 'Y', '--email', 'y@example.com', '--as', 'sara', '--json'])).json().owner).toBe('sara');
    const who = (await ok(['whoami', '--as', 'sara', '--json'])).json();
    expect(who).toMatchObject({ handle: 'sara', role: 'rep', actingAdmin: 'tester' });
    const history = (await ok(['history', 'contact', '1', '--json'])).json();
    expect(history[0]).toMatchObject({ action: 'create', actor: 'tester on behalf of sara' });
  });
});

describe('roles and permissions', () => {
  async function team() {
    await ok(['user', 'add', 'sara', '--role', 'rep', '--team', 'East']);
    await ok(['user', 'add', 'omar', '--role', 'rep', '--team', 'East']);
    await ok(['user', 'add', 'wes', '--role', 'rep', '--team', 'West']);
    await ok(['user', 'add', 'mia', '--role', 'manager', '--team', 'East']);
    await ok(['deal', 'add', 'Omar deal', '--amount', '100 EUR', '--owner', 'omar']);
    await ok(['deal', 'add', 'Wes deal', '--amount', '100 EUR', '--owner', 'wes']);
  }

  it("a rep cannot restore the database, rename a stage, edit a colleague's deal: exit 1, naming the permission, audited", async () => {
    await team();
    const backup = join(t.dir, 'copy.db');
    await ok(['db', 'backup', backup]);
    const cases: [string[], string][] = [
      [['db', 'restore', backup, '--yes'], 'it needs the permission db.admin'],
      [['db', 'vacuum'], 'it needs the permission db.admin'],
      [['stage', 'edit', 'qualification', '--name', 'Qual'], 'it needs the permission pipeline.manage'],
      [['deal', 'edit', '1', '--amount', '999 EUR'], 'may not do this on deal #1: it needs the permission deal.write on the team\'s records'],
      [['deal', 'win', '1'], 'deal.write'],
      [['user', 'edit', 'sara', '--role', 'admin'], 'user.manage'],
    ];
    for (const [argv, message] of cases) {
      const r = await crm(argv, as('sara'));
      expect(r.exitCode, argv.join(' ')).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toMatch(/Roles that have it: admin/);
    }
    const refused = (await ok(['history', 'permission', 'sara', '--json'])).json();
    expect(refused.map((r: { changes: { action: [null, string] } }) => r.changes.action[1])).toEqual(['db.admin', 'db.admin', 'pipeline.manage', 'deal.write', 'deal.write', 'user.manage']);
    expect((await ok(['deal', 'show', '1', '--json'])).json()).toMatchObject({ amount: { amount: '100.00' }, status: 'open' });
    expect((await ok(['stage', 'list', '--json'])).json().map((s: { name: string }) => s.name)).toContain('Qualification');
    // Her own deal she may change.
    await ok(['deal', 'add', 'Sara deal', '--amount', '5 EUR'], as('sara'));
    expect((await ok(['deal', 'edit', '3', '--amount', '6 EUR', '--json'], as('sara'))).json().amount.amount).toBe('6.00');
  });

  it('an admin can: rename a stage, edit anyone\'s deal, restore the database', async () => {
    await team();
    const backup = join(t.dir, 'copy.db');
    await ok(['db', 'backup', backup]);
    await ok(['stage', 'edit', 'qualification', '--name', 'Qual']);
    await ok(['deal', 'edit', '1', '--amount', '999 EUR']);
    await ok(['db', 'restore', backup, '--yes']);
    expect((await ok(['deal', 'show', '1', '--json'])).json().amount.amount).toBe('100.00');
  });

  it("a manager changes her team's records, not another team's; owner reassignment keeps history", async () => {
    await team();
    const moved = await ok(['deal', 'edit', '1', '--owner', 'sara', '--json'], as('mia'));
    expect(moved.json().owner).toBe('sara');
    const other = await crm(['deal', 'edit', '2', '--amount', '1 EUR'], as('mia'));
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain("mia (manager) may not do this on deal #2: it needs the permission deal.write on all records");
    const history = (await ok(['history', 'deal', '1', '--json'])).json();
    expect(history.at(-1)).toMatchObject({ actor: 'mia', changes: { owner: ['omar', 'sara'] } });
  });

  it('a notification-only role reads nothing, but may ask who it is', async () => {
    await ok(['user', 'add', 'stock', '--role', 'stock-control']);
    const r = await crm(['deal', 'list'], as('stock'));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('receives notifications only');
    expect((await ok(['whoami', '--json'], as('stock'))).json().role).toBe('stock-control');
  });

  it('roles outside the table are refused; the new ones are accepted', async () => {
    expect((await crm(['user', 'add', 'x', '--role', 'boss'])).stderr).toContain('Use one of: admin, manager, rep, agent, marketing, finance, data-steward, stock-control');
    expect((await ok(['user', 'add', 'fin', '--role', 'finance', '--json'])).json().role).toBe('finance');
  });
});

describe('per-user time', () => {
  // Sunday 2026-11-22 20:00 UTC: already Monday 05:00 in Tokyo, still Sunday 15:00 in New York.
  const now = '2026-11-22T20:00:00Z';

  it('a rep in Asia/Tokyo and a manager in America/New_York each get their own "this week"; --tz overrides', async () => {
    await ok(['user', 'add', 'kenji', '--timezone', 'Asia/Tokyo']);
    await ok(['user', 'add', 'nina', '--role', 'manager', '--timezone', 'America/New_York']);
    const tokyo = (await ok(['report', 'activity', '--json'], { ...as('kenji'), now })).json();
    const newYork = (await ok(['report', 'activity', '--json'], { ...as('nina'), now })).json();
    expect(tokyo.period).toMatchObject({ label: '2026-W48', start: '2026-11-22T15:00:00.000Z' });
    expect(newYork.period).toMatchObject({ label: '2026-W47', start: '2026-11-16T05:00:00.000Z' });
    expect(tokyo.timeZone).toBe('Asia/Tokyo');
    expect(newYork.timeZone).toBe('America/New_York');
    const utc = (await ok(['report', 'activity', '--json', '--tz', 'UTC'], { ...as('kenji'), now })).json();
    expect(utc).toMatchObject({ timeZone: 'UTC', period: { label: '2026-W47' } });
    const bad = await crm(['report', 'activity', '--tz', 'Mars/Olympus'], as('kenji'));
    expect(bad.exitCode).toBe(2);
  });

  it('a user whose week starts on Sunday gets Sunday-to-Saturday weeks in reports and filters; ISO weeks stay ISO', async () => {
    // Sunday 2026-11-22 in New York: a Monday-first week is 11-16..11-22, a Sunday-first one 11-22..11-28.
    await ok(['user', 'add', 'sam', '--timezone', 'America/New_York', '--week-start', 'sunday']);
    await ok(['user', 'add', 'nina', '--timezone', 'America/New_York']);
    const sunday = (await ok(['report', 'activity', '--json'], { ...as('sam'), now })).json();
    expect(sunday.period).toMatchObject({ label: '2026-11-22..2026-11-28', start: '2026-11-22T05:00:00.000Z', end: '2026-11-29T05:00:00.000Z' });
    const last = (await ok(['report', 'activity', '--period', 'last-week', '--json'], { ...as('sam'), now })).json();
    expect(last.period).toMatchObject({ label: '2026-11-15..2026-11-21' });
    const iso = (await ok(['report', 'activity', '--period', '2026-W47', '--json'], { ...as('sam'), now })).json();
    expect(iso.period).toMatchObject({ label: '2026-W47', start: '2026-11-16T05:00:00.000Z' });
    // The same words in a filter: a task due Sunday evening is in Sam's this-week, not in Nina's.
    await ok(['task', 'add', 'Sunday call', '--due', '2026-11-22 18:00'], { ...as('sam'), now });
    await ok(['task', 'add', 'Last Monday call', '--due', '2026-11-16 09:00'], { ...as('sam'), now });
    const titles = async (who: string) => (await ok(['task', 'list', 'due:this-week', '--all', '--json'], { ...as(who), now })).json().map((t: { subject: string }) => t.subject).sort();
    expect(await titles('sam')).toEqual(['Sunday call']);
    expect(await titles('nina')).toEqual(['Last Monday call', 'Sunday call']);
  });

  it('the agenda cuts "today" in the user\'s zone', async () => {
    await ok(['user', 'add', 'kenji', '--timezone', 'Asia/Tokyo']);
    await ok(['task', 'add', 'Call Bob', '--due', '2026-11-23 10:00'], { ...as('kenji'), now });
    const agenda = (await ok(['agenda', '--json'], { ...as('kenji'), now })).json();
    expect(JSON.stringify(agenda)).toContain('Call Bob');
    const task = (await ok(['task', 'show', '1', '--json'], as('kenji'))).json();
    expect(task.dueAt).toBe('2026-11-23T01:00:00.000Z'); // 10:00 in Tokyo
  });
});
