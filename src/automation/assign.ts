/**
 * Who a rule's `assign:` picks: a named user, the next member in turn (round-robin), or the
 * member with the fewest open tickets (least-loaded) — among active users of a role and/or team.
 * The assignment itself is the domain's (assignTicket): the same checks and ticket events as
 * `crm ticket assign`.
 */
import { UsageError } from '../errors.js';
import { isRole } from '../domain/permissions.js';
import type { Session } from '../domain/session.js';
import { OPEN_TICKET_STATUSES } from '../domain/tickets.js';

export type AssignTarget = { kind: 'user'; handle: string } | { kind: 'least-loaded' | 'round-robin'; role: string | null; team: string | null };

export function parseAssignTarget(text: string): AssignTarget {
  const words = text.trim().split(/\s+/);
  const mode = words[0]!.toLowerCase();
  if (mode !== 'least-loaded' && mode !== 'round-robin') {
    if (words.length > 1) throw new UsageError(`assign: "${text}" is not a user, least-loaded … or round-robin ….`, 'e.g. assign: least-loaded role:agent team:Support', 'bad_rule');
    return { kind: 'user', handle: words[0]!.replace(/^user:/, '') };
  }
  let role: string | null = null;
  let team: string | null = null;
  for (const w of words.slice(1)) {
    const m = /^(role|team):(.+)$/.exec(w);
    if (!m) throw new UsageError(`assign: "${w}" is not role:ROLE or team:TEAM.`, 'e.g. assign: least-loaded role:agent team:Support', 'bad_rule');
    if (m[1] === 'role') {
      if (!isRole(m[2]!)) throw new UsageError(`assign: unknown role "${m[2]}".`, 'See the roles: crm help roles', 'bad_rule');
      role = m[2]!;
    } else team = m[2]!;
  }
  if (!role && !team) throw new UsageError(`assign: ${mode} among whom?`, `e.g. assign: ${mode} role:agent team:Support`, 'bad_rule');
  return { kind: mode, role, team };
}

/** The handle to assign to, or null when the group has no active member. */
export async function pickAssignee(s: Session, target: AssignTarget): Promise<string | null> {
  if (target.kind === 'user') return target.handle;
  const db = s.db.kysely;
  let q = db.selectFrom('users').select(['id', 'handle']).where('active', '=', 1);
  if (target.role) q = q.where('role', '=', target.role);
  if (target.team) q = q.where('team', '=', target.team);
  const members = await q.orderBy('handle').execute();
  if (!members.length) return null;
  if (target.kind === 'least-loaded') {
    // One grouped count over the assignee index: open tickets per member.
    const loads = await db
      .selectFrom('tickets')
      .select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('assignee_id', 'in', members.map((m) => m.id))
      .where('status', 'in', OPEN_TICKET_STATUSES)
      .groupBy('assignee_id')
      .execute();
    const load = new Map(loads.map((l) => [l.assignee_id, Number(l.n)]));
    let best = members[0]!;
    for (const m of members) if ((load.get(m.id) ?? 0) < (load.get(best.id) ?? 0)) best = m;
    return best.handle;
  }
  // round-robin: the member after whoever in the group was assigned a ticket last.
  const last = await db
    .selectFrom('ticket_events')
    .select('to_value')
    .where('kind', '=', 'assign')
    .where('to_value', 'in', members.map((m) => m.handle))
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const i = last ? members.findIndex((m) => m.handle === last.to_value) : -1;
  return members[(i + 1) % members.length]!.handle;
}
