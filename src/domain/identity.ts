/**
 * Who is at the keyboard: the OS login mapped to a crm user (by `login`, else by handle). Acting
 * for someone else (--as, CRM_USER) is the `act-as` permission (admins); it is audited as
 * "root on behalf of sara". A login that is no crm user may read and write nothing.
 * On PostgreSQL the login will be the database role a person connects as.
 */
import type { User } from '../db/schema.js';
import { UserError, NotFoundError } from '../errors.js';
import { auditRefusal, PermissionError, rolesWith, scopeOf, type Principal } from './permissions.js';
import { nowIso, type Session } from './session.js';
import { findUser } from './users.js';
import { writeTransaction } from '../db/transaction.js';
import { recordAudit, diff } from '../db/audit.js';

export interface Identity {
  principal: Principal;
  /** The audit name: the handle, or "root on behalf of sara". */
  actor: string;
  user: User;
}

/** The crm user an OS login is: the one whose login it is, else the one whose handle it is (and who has no other login). */
export async function userOfLogin(s: Pick<Session, 'db'>, login: string): Promise<User | undefined> {
  // Both candidates in one statement (one round trip less on every command); login wins.
  const handle = login.toLowerCase();
  const rows = await s.db.kysely.selectFrom('users').selectAll().where((eb) => eb.or([eb('login', '=', login), eb('handle', '=', handle)])).execute();
  const byLogin = rows.find((u) => u.login === login);
  if (byLogin) return byLogin;
  const byHandle = rows.find((u) => u.handle === handle);
  return byHandle && (byHandle.login === null || byHandle.login === login) ? byHandle : undefined;
}

/** An admin acting for `u` keeps the admin's role and team: they are "me" as u, with the admin's rights. */
function principalOf(u: User, admin?: User): Principal {
  return admin ? { userId: u.id, handle: u.handle, role: admin.role, team: admin.team, onBehalfBy: admin.handle } : { userId: u.id, handle: u.handle, role: u.role, team: u.team };
}

function notAUser(login: string, dbLabel: string): UserError {
  return new UserError(`You (${login}) are not a user of ${dbLabel}, so crm shows and changes nothing for you.`, `An admin adds you with: crm user add ${login} --name "…" --role rep   (or links a user: crm user edit HANDLE --login ${login})`, 'not_a_user');
}

/**
 * Resolve the acting person. `requested` is --as or CRM_USER (undefined when not given, or when
 * it names the login itself).
 */
export async function resolveIdentity(s: Pick<Session, 'db' | 'now'>, login: string, requested: string | undefined, dbLabel: string): Promise<Identity> {
  const me = await userOfLogin(s, login);
  if (!me) throw notAUser(login, dbLabel);
  if (!me.active) throw new UserError(`Your crm user ${me.handle} is inactive.`, `An admin reactivates it: crm user edit ${me.handle} --active`, 'inactive_user');
  const wanted = requested?.trim();
  if (!wanted || wanted.toLowerCase() === me.handle || wanted === me.login) return { principal: principalOf(me), actor: me.handle, user: me };
  const session: Session = { db: s.db, now: s.now, actor: me.handle, timeZone: 'UTC', principal: principalOf(me) };
  if (!scopeOf(me.role, 'act-as')) {
    await auditRefusal(session, 'act-as', wanted);
    throw new PermissionError(`${me.handle} (${me.role}) may not act as ${wanted}: it needs the permission act-as.`, `Roles that have it: ${rolesWith('act-as').join(', ')}. Run the command as yourself (without --as or CRM_USER).`);
  }
  const other = await findUser(session, wanted);
  if (!other) throw new NotFoundError(`No user "${wanted}" to act as.`, `List users with: crm user list — or add one: crm user add ${wanted.toLowerCase()} --name "…"`);
  if (!other.active) throw new UserError(`User ${other.handle} is inactive: nobody can act as them.`, `Reactivate: crm user edit ${other.handle} --active`, 'inactive_user');
  return { principal: principalOf(other, me), actor: `${me.handle} on behalf of ${other.handle}`, user: other };
}

/** Whether the database has an active admin (one who can add everyone else). */
export async function hasAdmin(s: Pick<Session, 'db'>): Promise<boolean> {
  return Boolean(await s.db.kysely.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', 1).executeTakeFirst());
}

/**
 * `crm init` / `crm demo`: make the login the database's first admin when it has none — a new
 * user (handle = the login) or the existing user of that login. Returns the admin, or undefined
 * when the database already has an admin (who adds everyone else) — unless evenIfAdminExists
 * (`crm demo`: whoever seeds the demo is one of its admins).
 */
export async function ensureFirstAdmin(s: Pick<Session, 'db' | 'now'>, login: string, opts: { evenIfAdminExists?: boolean } = {}): Promise<{ user: User; created: boolean } | undefined> {
  return writeTransaction(s.db, async (trx) => {
    const admin = await trx.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', 1).executeTakeFirst();
    if (admin && !opts.evenIfAdminExists) return undefined;
    const at = nowIso({ now: s.now } as Session);
    const existing = await trx.selectFrom('users').selectAll().where((eb) => eb.or([eb('login', '=', login), eb('handle', '=', login.toLowerCase())])).executeTakeFirst();
    if (existing) {
      const row = await trx.updateTable('users').set({ role: 'admin', active: 1, updated_at: at, version: existing.version + 1 }).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow();
      await recordAudit(trx, { entity: 'user', entityId: row.id, action: 'update', changes: diff({ role: existing.role }, { role: 'admin' }), actor: login, at });
      return { user: row, created: false };
    }
    const handle = handleForLogin(login);
    const row = await trx
      .insertInto('users')
      .values({ handle, name: login, role: 'admin', login: handle === login ? null : login, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { entity: 'user', entityId: row.id, action: 'create', changes: diff({}, { handle, role: 'admin' }), actor: login, at });
    return { user: row, created: true };
  });
}

/** A handle for a login: lower case, anything but letters, digits, _ . - becomes '.'. */
function handleForLogin(login: string): string {
  const h = login
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_.\-]+/gu, '.')
    .replace(/^[^\p{L}\p{N}]+/u, '');
  return h || 'admin';
}
