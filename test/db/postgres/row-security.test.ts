/**
 * Issue #17 item 4: on PostgreSQL a person connects as their own database role (`crm db grant`)
 * and the server enforces crm's permission table (grants + row-level security, compiled from
 * src/domain/permissions.ts): what psql may change is what crm would let them change.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { createTestPgDatabase, pgQuery } from '../../helpers/postgres.js';

let url: string;
let prefix: string;
const clients: pg.Client[] = [];

/** The URL of the test database as one of its people (role name, password "pw"). */
const as = (who: string) => {
  const u = new URL(url);
  u.username = `${prefix}_${who}`;
  u.password = 'pw';
  return u.toString();
};

/** Raw SQL as a person, as they would type it in psql: rows affected (or the error). */
async function psql(who: string, text: string): Promise<{ rowCount: number; rows: Record<string, unknown>[] }> {
  const client = new pg.Client({ connectionString: as(who) });
  clients.push(client);
  await client.connect();
  try {
    const r = await client.query(text);
    return { rowCount: r.rowCount ?? 0, rows: r.rows };
  } finally {
    await client.end();
  }
}

/** crm connected as a person; the OS login (the harness's admin "tester") must not matter. */
const crmAs = (who: string, argv: string[]) => runCli(argv, { db: as(who), env: { CRM_USER: '' } });

beforeAll(async () => {
  url = await createTestPgDatabase('rls');
  prefix = new URL(url).pathname.slice(1);
  const admin = (argv: string[]) => runCli(argv, { db: url });
  expect((await admin(['db', 'migrate'])).exitCode).toBe(0);
  for (const [handle, role, team] of [['sara', 'rep', 'east'], ['omar', 'rep', 'west'], ['mia', 'manager', 'east'], ['kim', 'stock-control', 'ops']] as const) {
    const added = await admin(['user', 'add', handle, '--name', handle, '--role', role, '--team', team]);
    expect(added.exitCode, added.stderr).toBe(0);
    const granted = await admin(['db', 'grant', handle, '--role', `${prefix}_${handle}`, '--json']);
    expect(granted.exitCode, granted.stderr).toBe(0);
    expect(granted.json()).toMatchObject({ handle, databaseRole: `${prefix}_${handle}`, created: true });
    await pgQuery(url, `ALTER ROLE "${prefix}_${handle}" PASSWORD 'pw'`);
  }
}, 120_000);

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
});

describe('a person connected as their own database role', () => {
  it('is that crm user, whatever the OS login, and works through crm as their role allows', async () => {
    const who = await crmAs('omar', ['whoami', '--json']);
    expect(who.exitCode, who.stderr).toBe(0);
    expect(who.json()).toMatchObject({ handle: 'omar', role: 'rep' });
    expect((await crmAs('omar', ['deal', 'add', 'Omar deal', '--amount', '5000 EUR'])).exitCode).toBe(0);
    const mine = await crmAs('sara', ['deal', 'add', 'Sara deal', '--amount', '3000 EUR']);
    expect(mine.exitCode, mine.stderr).toBe(0);
    const listed = await crmAs('sara', ['deal', 'list', '--json']);
    const deals: { id: number; title: string; owner: string }[] = listed.json();
    expect(deals.map((d) => `${d.title}:${d.owner}`).sort()).toEqual(['Omar deal:omar', 'Sara deal:sara']);
    // crm's own check refuses a colleague's deal, as on SQLite.
    const omars = deals.find((d) => d.owner === 'omar')!;
    const refused = await crmAs('sara', ['deal', 'edit', String(omars.id), '--amount', '1 EUR']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('deal.write');
  });

  it("a rep's raw UPDATE on a colleague's deal changes 0 rows; on their own, 1; they read all deals", async () => {
    expect((await psql('sara', "UPDATE deals SET amount_minor = 1 WHERE title = 'Omar deal'")).rowCount).toBe(0);
    expect((await psql('sara', "DELETE FROM deals WHERE title = 'Omar deal'")).rowCount).toBe(0);
    expect((await psql('sara', "UPDATE deals SET amount_minor = 2900 WHERE title = 'Sara deal'")).rowCount).toBe(1);
    expect((await psql('sara', 'SELECT count(*)::int AS n FROM deals')).rows[0]).toEqual({ n: 2 });
    const amounts = await pgQuery<{ title: string; amount: number }>(url, 'SELECT title, amount_minor::int AS amount FROM deals ORDER BY title');
    expect(amounts).toEqual([
      { title: 'Omar deal', amount: 500000 },
      { title: 'Sara deal', amount: 2900 },
    ]);
  });

  it('a manager changes her team\'s records, not another team\'s', async () => {
    expect((await psql('mia', "UPDATE deals SET probability = 50 WHERE title = 'Sara deal'")).rowCount).toBe(1);
    expect((await psql('mia', "UPDATE deals SET probability = 50 WHERE title = 'Omar deal'")).rowCount).toBe(0);
  });

  it('a rep cannot make themselves admin, rename a stage or rewrite the audit log', async () => {
    expect((await psql('sara', "UPDATE users SET role = 'admin' WHERE handle = 'sara'")).rowCount).toBe(0);
    expect((await psql('sara', "UPDATE stages SET name = 'Mine' WHERE position = 1")).rowCount).toBe(0);
    await expect(psql('sara', 'DELETE FROM audit_log')).rejects.toThrow(/permission denied/);
    await expect(psql('sara', "INSERT INTO users (handle, name, role, created_at, updated_at) VALUES ('evil', 'Evil', 'admin', now(), now())")).rejects.toThrow(/row-level security/);
    const roles = await pgQuery<{ handle: string; role: string }>(url, "SELECT handle, role FROM users WHERE handle IN ('sara', 'evil')");
    expect(roles).toEqual([{ handle: 'sara', role: 'rep' }]);
  });

  it('a notification-only role reads no records', async () => {
    expect((await psql('kim', 'SELECT count(*)::int AS n FROM deals')).rows[0]).toEqual({ n: 0 });
    expect((await psql('kim', 'SELECT count(*)::int AS n FROM contacts')).rows[0]).toEqual({ n: 0 });
  });

  it('a role that is no person (the shared application role, or the owner) is not restricted by the policies', async () => {
    expect((await pgQuery<{ n: number }>(url, 'SELECT count(*)::int AS n FROM deals'))[0]).toEqual({ n: 2 });
  });
});

describe('crm db grant', () => {
  it('is for admins, on PostgreSQL', async () => {
    const rep = await crmAs('sara', ['db', 'grant', 'omar']);
    expect(rep.exitCode).toBe(1);
    expect(rep.stderr).toContain('user.manage');
    const lite = await runCli(['db', 'grant', 'sara'], { db: ':memory:' });
    expect(lite.exitCode).toBe(1);
    expect(lite.stderr).toContain('crm db grant needs PostgreSQL');
    expect(lite.stderr.trim().split('\n')).toHaveLength(2); // error + hint
  });

  it('a refusal by the server (an admin whose role lacks CREATEROLE) is one line naming the database, password hidden', async () => {
    const admin = (argv: string[]) => runCli(argv, { db: url });
    expect((await admin(['user', 'add', 'ana', '--name', 'ana', '--role', 'admin'])).exitCode).toBe(0);
    expect((await admin(['db', 'grant', 'ana', '--role', `${prefix}_ana`])).exitCode).toBe(0);
    await pgQuery(url, `ALTER ROLE "${prefix}_ana" PASSWORD 'pw'`);
    expect((await admin(['user', 'add', 'ben', '--name', 'ben', '--role', 'rep'])).exitCode).toBe(0);
    const r = await crmAs('ana', ['db', 'grant', 'ben', '--role', `${prefix}_ben`, '--json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'db_permission', message: expect.stringMatching(/^PostgreSQL at postgres:\/\/.*: permission denied to create role/) });
    expect(r.stderr).not.toContain(':pw@');
  });
});

describe('the shared ticket queue', () => {
  it('an agent takes up unassigned tickets and their team\'s, not another team\'s assigned ones — in crm and in psql alike', async () => {
    const admin = (argv: string[]) => runCli(argv, { db: url });
    for (const [handle, team] of [['ada', 'support-eu'], ['eli', 'support-eu'], ['jun', 'support-asia']] as const) {
      expect((await admin(['user', 'add', handle, '--name', handle, '--role', 'agent', '--team', team])).exitCode).toBe(0);
      expect((await admin(['db', 'grant', handle, '--role', `${prefix}_${handle}`])).exitCode).toBe(0);
      await pgQuery(url, `ALTER ROLE "${prefix}_${handle}" PASSWORD 'pw'`);
    }
    const open = async (subject: string, assignee?: string) => {
      const r = await admin(['ticket', 'open', subject, ...(assignee ? ['--assignee', assignee] : []), '--json']);
      expect(r.exitCode, r.stderr).toBe(0);
      return String(r.json().id);
    };
    const unassigned = await open('Printer on fire');
    const elis = await open('VPN down', 'eli');
    const juns = await open('Invoice question', 'jun');
    for (const id of [unassigned, elis]) {
      const r = await crmAs('ada', ['ticket', 'reply', id, 'On it.']);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const refused = await crmAs('ada', ['ticket', 'reply', juns, 'Mine now.']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('ticket.write');
    expect((await psql('ada', `UPDATE tickets SET priority = 'high' WHERE id = ${juns}`)).rowCount).toBe(0);
    expect((await psql('ada', `UPDATE tickets SET priority = 'high' WHERE id IN (${unassigned}, ${elis})`)).rowCount).toBe(2);
    // A rep works only the tickets assigned to them: not the shared queue.
    expect((await psql('sara', `UPDATE tickets SET priority = 'low' WHERE id = ${unassigned}`)).rowCount).toBe(0);
  });
});
