/**
 * Enforcement by the database itself (issue #17 item 4): on PostgreSQL a person may connect as
 * their own database role, a member of the group role `crm_member` (`crm db grant HANDLE`). For
 * such a role the server applies crm's permission table — grants plus row-level-security
 * policies compiled from src/domain/permissions.ts — so psql changes exactly what crm would let
 * that person change: a rep's `UPDATE deals SET amount = …` on a colleague's deal changes 0 rows.
 *
 * Who is subject to it: only members of crm_member. The database owner (who migrates) bypasses
 * row security as every table owner does, and a shared application role that is no member (the
 * set-up the README describes first) keeps working as before: its commands name the person by the
 * OS login, and crm's own checks are the guard rails, as on SQLite.
 *
 * How the policies decide, per row: crm_me(current_user) finds the crm user whose `login` (else
 * handle) is the role; crm_scope(role, action) is the permission table as data (regenerated on
 * every `crm db migrate` that changes the schema, and by `crm db grant`); crm_may(action, owner)
 * says whether the scope (own / team / all) covers a record of that owner, exactly as
 * `covers()` in permissions.ts. Sub-selects `(SELECT crm_person())` make the per-statement checks
 * InitPlans, evaluated once per query rather than once per row.
 *
 * What is covered: the records people own (contacts, companies, deals, activities, quotas; tickets
 * by assignee), the configuration tables (users, pipelines, stages, lost reasons, SLA policies,
 * calendars, campaigns, templates, settings), and the rows hanging off deals and tickets (changes
 * and deletions follow the parent's owner). The audit log takes inserts only. Other tables are
 * granted to members as a whole (crm's checks apply there, as on SQLite); the README lists them.
 */
import type pg from 'pg';
import { sql } from 'kysely';
import type { PgDb } from './types.js';
import { ACTIONS, PERMISSIONS, ROLES, type Action } from '../../domain/permissions.js';

/** The group role every person's database role is a member of. */
export const MEMBER_ROLE = 'crm_member';

/** Tables whose rows have an owner: the action that changes them and the owner column. */
const OWNED: Record<string, { action: Action; owner: string; queue?: boolean }> = {
  contacts: { action: 'contact.write', owner: 'owner_id' },
  companies: { action: 'company.write', owner: 'owner_id' },
  deals: { action: 'deal.write', owner: 'owner_id' },
  activities: { action: 'activity.write', owner: 'owner_id' },
  // An unassigned ticket is in the shared queue: a team-wide scope takes it up (permissions.ts covers()).
  tickets: { action: 'ticket.write', owner: 'assignee_id', queue: true },
  quotas: { action: 'quota.write', owner: 'owner_id' },
};

/** Rows of a parent record: changed and deleted under the parent owner's permission. */
const CHILDREN: Record<string, { action: Action; parent: string; key: string; owner: string }> = {
  deal_contacts: { action: 'deal.write', parent: 'deals', key: 'deal_id', owner: 'owner_id' },
  deal_milestones: { action: 'deal.write', parent: 'deals', key: 'deal_id', owner: 'owner_id' },
  deal_stage_history: { action: 'deal.write', parent: 'deals', key: 'deal_id', owner: 'owner_id' },
  ticket_events: { action: 'ticket.write', parent: 'tickets', key: 'ticket_id', owner: 'assignee_id' },
};

/** Tables of no owner that one permission manages. */
const MANAGED: Record<string, Action> = {
  users: 'user.manage',
  pipelines: 'pipeline.manage',
  stages: 'pipeline.manage',
  lost_reasons: 'pipeline.manage',
  sla_policies: 'sla.manage',
  calendars: 'sla.manage',
  calendar_holidays: 'sla.manage',
  campaigns: 'campaign.write',
  templates: 'template.write',
  settings: 'db.admin',
};

/** Tables members may only add to. */
const APPEND_ONLY = ['audit_log'];

/** The tables the policies cover, for the README and tests. */
export const RLS_TABLES = { owned: Object.keys(OWNED), children: Object.keys(CHILDREN), managed: Object.keys(MANAGED), appendOnly: APPEND_ONLY };

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The permission table as a SQL function: (role, action) → 'own' | 'team' | 'all' | NULL. */
function scopeFunction(): string {
  const rows: string[] = [];
  for (const role of ROLES) for (const action of Object.keys(ACTIONS) as Action[]) {
    const scope = PERMISSIONS[role][action];
    if (scope) rows.push(`(${lit(role)}, ${lit(action)}, ${lit(scope)})`);
  }
  return `CREATE OR REPLACE FUNCTION crm_scope(p_role text, p_action text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT s FROM (VALUES ${rows.join(', ')}) AS t(r, a, s) WHERE r = p_role AND a = p_action
$f$`;
}

/** Functions, policies and grants, idempotent: run inside the migration transaction (as the owner). */
export function accessStatements(schema: string): string[] {
  const path = `SET search_path = ${ident(schema)}, pg_temp`;
  const out: string[] = [
    scopeFunction(),
    // Whether the connected role is a person (a member of crm_member); false when that role does not exist yet.
    `CREATE OR REPLACE FUNCTION crm_person() RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                  WHERE g.rolname = ${lit(MEMBER_ROLE)} AND u.rolname = current_user)
$f$`,
    // The crm user of a database role (by login, else by handle), read past row security.
    `CREATE OR REPLACE FUNCTION crm_me(p_role name) RETURNS TABLE (id bigint, role text, team text) LANGUAGE sql STABLE SECURITY DEFINER ${path} AS $f$
  SELECT id, role, team FROM users
   WHERE active AND (login = p_role::text OR (login IS NULL AND handle = lower(p_role::text)))
   ORDER BY (login = p_role::text) DESC NULLS LAST LIMIT 1
$f$`,
    `CREATE OR REPLACE FUNCTION crm_team_of(p_user bigint) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER ${path} AS $f$
  SELECT team FROM users WHERE id = p_user
$f$`,
    // Whether the connected person holds an action at all (creating a record, managing a table).
    `CREATE OR REPLACE FUNCTION crm_may_do(p_action text) RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT COALESCE((SELECT crm_scope(me.role, p_action) IS NOT NULL FROM crm_me(current_user) me), false)
$f$`,
    // The connected person's scope for an action ('own', 'team', 'all'; NULL: none).
    `CREATE OR REPLACE FUNCTION crm_my_scope(p_action text) RETURNS text LANGUAGE sql STABLE AS $f$
  SELECT crm_scope(me.role, p_action) FROM crm_me(current_user) me
$f$`,
    // Whether the connected person's scope for an action covers a record of p_owner (permissions.ts covers()).
    `CREATE OR REPLACE FUNCTION crm_may(p_action text, p_owner bigint) RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT COALESCE((SELECT CASE crm_scope(me.role, p_action)
                            WHEN 'all' THEN true
                            WHEN 'team' THEN p_owner = me.id OR (me.team IS NOT NULL AND me.team = crm_team_of(p_owner))
                            WHEN 'own' THEN p_owner = me.id
                            ELSE false END
                     FROM crm_me(current_user) me), false)
$f$`,
  ];
  const notPerson = '(SELECT NOT crm_person())';
  const policy = (table: string, name: string, body: string) => [`DROP POLICY IF EXISTS ${name} ON ${ident(table)}`, `CREATE POLICY ${name} ON ${ident(table)} ${body}`];
  const readable = (table: string) => policy(table, 'crm_read', `FOR SELECT USING (${notPerson} OR (SELECT crm_may_do('read')))`);
  const guard = (table: string, write: string, change: string) => [
    `ALTER TABLE ${ident(table)} ENABLE ROW LEVEL SECURITY`,
    ...readable(table),
    ...policy(table, 'crm_insert', `FOR INSERT WITH CHECK (${notPerson} OR ${write})`),
    ...policy(table, 'crm_update', `FOR UPDATE USING (${notPerson} OR ${change}) WITH CHECK (${notPerson} OR ${write})`),
    ...policy(table, 'crm_delete', `FOR DELETE USING (${notPerson} OR ${change})`),
  ];
  for (const [table, { action, owner, queue }] of Object.entries(OWNED)) {
    const may = `crm_may(${lit(action)}, ${ident(owner)})`;
    const change = queue ? `(${may} OR (${ident(owner)} IS NULL AND (SELECT crm_my_scope(${lit(action)})) = 'team'))` : may;
    out.push(...guard(table, `(SELECT crm_may_do(${lit(action)}))`, change));
  }
  for (const [table, c] of Object.entries(CHILDREN)) {
    const parentOwner = `(SELECT p.${ident(c.owner)} FROM ${ident(c.parent)} p WHERE p.id = ${ident(table)}.${ident(c.key)})`;
    out.push(...guard(table, `(SELECT crm_may_do(${lit(c.action)}))`, `crm_may(${lit(c.action)}, ${parentOwner})`));
  }
  for (const [table, action] of Object.entries(MANAGED)) {
    out.push(...guard(table, `(SELECT crm_may_do(${lit(action)}))`, `(SELECT crm_may_do(${lit(action)}))`));
  }
  // Grants to the group role, when it exists (crm db grant creates it): every table, present and
  // future ones on each migration; the audit log only grows.
  out.push(`DO $g$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${lit(MEMBER_ROLE)}) THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${MEMBER_ROLE}', ${lit(schema)});
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO ${MEMBER_ROLE}', ${lit(schema)});
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO ${MEMBER_ROLE}', ${lit(schema)});
    ${APPEND_ONLY.map((t) => `EXECUTE format('REVOKE UPDATE, DELETE ON %I.${t} FROM ${MEMBER_ROLE}', ${lit(schema)});`).join('\n    ')}
  END IF;
END
$g$`);
  return out;
}

/** Apply the access statements through a client already inside the migration transaction. */
export async function syncAccess(client: pg.ClientBase): Promise<void> {
  const schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
  for (const sql of accessStatements(schema)) await client.query(sql);
}

export const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Make `role` a person's database role: the group role crm_member (created when missing), the
 * login role (created when missing, with the password when given), membership, CONNECT, and the
 * grants and policies re-applied through `migrate`. Needs CREATEROLE (or a superuser).
 */
export async function grantPersonRole(db: PgDb, role: string, password: string | undefined): Promise<{ created: boolean }> {
  const run = (text: string) => sql.raw(text).execute(db.kysely);
  const exists = async (name: string) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ${name}`.execute(db.kysely)).rows[0]!.n > 0;
  if (!(await exists(MEMBER_ROLE))) await run(`CREATE ROLE ${MEMBER_ROLE} NOLOGIN`);
  const created = !(await exists(role));
  if (created) await run(`CREATE ROLE ${ident(role)} LOGIN`);
  if (password !== undefined) await run(`ALTER ROLE ${ident(role)} PASSWORD ${lit(password)}`);
  await run(`GRANT ${MEMBER_ROLE} TO ${ident(role)}`);
  const database = (await sql<{ d: string }>`SELECT current_database() AS d`.execute(db.kysely)).rows[0]!.d;
  await run(`GRANT CONNECT ON DATABASE ${ident(database)} TO ${MEMBER_ROLE}`);
  await db.migrate(); // grants on every table, policies from the current permission table
  return { created };
}
