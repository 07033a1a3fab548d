/**
 * Who is acting, resolved once per command before it reads or writes records (src/cli.ts calls
 * gateCommand). Loaded lazily: it pulls in the domain (and Kysely).
 */
import type { CliContext } from '../context.js';
import { sql } from 'kysely';
import type { PgDb } from '../db/engine.js';
import { ensureFirstAdmin, hasAdmin, resolveIdentity, type Identity } from '../domain/identity.js';
import { info } from '../io.js';
import { redactUrl } from '../db/postgres/url.js';
import { auditRefusal, isNotificationOnly, PermissionError, rolesWith, type Action } from '../domain/permissions.js';
import { readDefaults } from '../domain/settings.js';
import { parseWeekStart } from '../domain/users.js';
import { sessionOf } from './session.js';

export async function ensureIdentity(ctx: CliContext): Promise<Identity> {
  if (!ctx.identity) {
    const s = { db: ctx.anyDb(), now: () => ctx.clock.now() };
    if (s.db.engine === 'postgres') ctx.databaseRole = await personRole(s.db);
    // A database without an admin (made before crm had roles, or filled by hand) is claimed by the
    // first login that opens it, as `crm init` would have made it: whoever can open the file owns it.
    if (!(await hasAdmin(s))) {
      const claimed = await ensureFirstAdmin(s, ctx.login());
      if (claimed) info(ctx.io, `${redactUrl(ctx.dbPath())} had no admin: you (${ctx.login()}) are now its admin, user ${claimed.user.handle}. crm help roles`);
    }
    ctx.identity = await resolveIdentity(s, ctx.login(), ctx.requestedUser(), redactUrl(ctx.dbPath()));
    const defaults = await readDefaults(s);
    ctx.defaultTimeZone = defaults.timezone;
    ctx.weekStart = ctx.identity.user.week_start ?? parseWeekStart(defaults.weekStart ?? undefined) ?? 1;
  }
  return ctx.identity;
}

/** The connected database role when it is a person's (a member of crm_member, src/db/postgres/access.ts). */
async function personRole(db: PgDb): Promise<string | undefined> {
  try {
    const r = await sql<{ u: string; p: boolean }>`SELECT current_user::text AS u, crm_person() AS p`.execute(db.kysely);
    return r.rows[0]?.p ? r.rows[0].u : undefined;
  } catch {
    return undefined; // a schema from before the access rules (crm_person() is missing): the OS login
  }
}

/** Commands that read or write records: the login must be a crm user (and may act --as only with act-as); notification-only roles read nothing. */
export async function gateCommand(ctx: CliContext, command: string): Promise<void> {
  const id = await ensureIdentity(ctx);
  // Everyone reads their own inbox, notification-only roles included.
  if (isNotificationOnly(id.principal.role) && command !== 'whoami' && command !== 'inbox') {
    await auditRefusal(sessionOf(ctx), 'read', command);
    throw new PermissionError(`${id.principal.handle} (${id.principal.role}) receives notifications only and may not read records.`, `Roles that may read: ${rolesWith('read').join(', ')}. crm whoami shows who you are.`);
  }
}

/** For commands outside the domain (crm db restore, crm db vacuum): refuse unless the acting user has `action`. */
export async function requirePermission(ctx: CliContext, action: Action): Promise<void> {
  await ensureIdentity(ctx);
  const { authorize } = await import('../domain/permissions.js');
  await authorize(sessionOf(ctx), action);
}
