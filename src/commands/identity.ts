/**
 * Who is acting, resolved once per command before it reads or writes records (src/cli.ts calls
 * gateCommand). Loaded lazily: it pulls in the domain (and Kysely).
 */
import type { CliContext } from '../context.js';
import { ensureFirstAdmin, hasAdmin, resolveIdentity, type Identity } from '../domain/identity.js';
import { info } from '../io.js';
import { redactUrl } from '../db/postgres/url.js';
import { auditRefusal, isNotificationOnly, PermissionError, rolesWith, type Action } from '../domain/permissions.js';
import { readDefaults } from '../domain/settings.js';
import { sessionOf } from './session.js';

export async function ensureIdentity(ctx: CliContext): Promise<Identity> {
  if (!ctx.identity) {
    const s = { db: ctx.anyDb(), now: () => ctx.clock.now() };
    // A database without an admin (made before crm had roles, or filled by hand) is claimed by the
    // first login that opens it, as `crm init` would have made it: whoever can open the file owns it.
    if (!(await hasAdmin(s))) {
      const claimed = await ensureFirstAdmin(s, ctx.login());
      if (claimed) info(ctx.io, `${redactUrl(ctx.dbPath())} had no admin: you (${ctx.login()}) are now its admin, user ${claimed.user.handle}. crm help roles`);
    }
    ctx.identity = await resolveIdentity(s, ctx.login(), ctx.requestedUser(), redactUrl(ctx.dbPath()));
    ctx.defaultTimeZone = (await readDefaults(s)).timezone;
  }
  return ctx.identity;
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
