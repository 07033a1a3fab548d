/**
 * Who may do what: ONE table, role → action → scope. Every write path of the domain asks
 * `authorize` (commands, the importer and the TUI all call the domain, so none can skip it);
 * `crm help roles` and the README print the same table (test/domain/permissions.test.ts keeps the
 * README equal to it). The table is plain data on purpose: on PostgreSQL each row compiles into
 * grants plus row-level-security policies (scope own → owner_id = the role's user, team → the
 * owner's team = the role's team, all → true), so psql enforces what crm checks here.
 * On SQLite the file's permissions are the security boundary; these checks are guard rails.
 */
import { recordAudit } from '../db/audit.js';
import { writeTransaction } from '../db/transaction.js';
import { CrmError, EXIT_FAILURE } from '../errors.js';
import { nowIso, type Session } from './session.js';

export const ROLES = ['admin', 'manager', 'rep', 'agent', 'marketing', 'finance', 'data-steward', 'stock-control'] as const;
export type Role = (typeof ROLES)[number];

/** Whose records a permission covers: the user's own, their team's members', or everyone's. */
export type Scope = 'own' | 'team' | 'all';

/** Every action a role can be granted, with what it covers (printed by `crm help roles`). */
export const ACTIONS = {
  read: 'see records (lists, shows, reports, exports)',
  'contact.write': 'add, edit, archive contacts',
  'company.write': 'add, edit, archive companies',
  'deal.write': 'add, edit, move, win, lose, archive deals',
  'activity.write': 'log activities, add and close tasks',
  'ticket.write': 'open, reply to, assign, close tickets',
  'campaign.write': 'add and edit campaigns',
  'quota.write': 'set and remove quotas',
  'fx.write': 'set and import exchange rates',
  'template.write': 'add and edit templates',
  'kb.write': 'add, edit, archive knowledge-base articles',
  'problem.write': 'add, edit, close problems; link tickets to them',
  'product.write': 'add, edit, archive products and their prices',
  'quote.write': 'create, edit, send, accept, reject, revise quotes (accepting creates the order)',
  'order.write': 'edit, fulfil, cancel sales orders',
  'invoice.write': 'create invoices, record payments, void; add and edit contracts',
  'record.merge': 'merge duplicate contacts',
  'field.manage': 'add, edit, enable, remove custom fields (remove --purge clears every record\'s value)',
  'import.run': 'run and undo imports',
  'mail.import': 'import mail into tickets and email activities; set the support address',
  'user.manage': 'add users, change roles, teams, logins',
  'pipeline.manage': 'pipelines, stages, lost reasons',
  'sla.manage': 'SLA policies and business-hours calendars',
  'db.admin': 'crm db restore and crm db vacuum',
  'rule.manage': 'add, edit, enable, apply automation rules',
  'act-as': 'act for someone else (--as, CRM_USER)',
  notify: 'receive notifications',
} as const;
export type Action = keyof typeof ACTIONS;

const ALL_ACTIONS = Object.keys(ACTIONS) as Action[];
const every = (scope: Scope, actions: Action[]): Partial<Record<Action, Scope>> => Object.fromEntries(actions.map((a) => [a, scope]));

/** The table. A missing action is not allowed; the scope says whose records an allowed one covers. */
export const PERMISSIONS: Record<Role, Partial<Record<Action, Scope>>> = {
  admin: every('all', ALL_ACTIONS),
  manager: {
    read: 'all',
    ...every('team', ['contact.write', 'company.write', 'deal.write', 'activity.write', 'ticket.write', 'quota.write']),
    'template.write': 'all',
    'product.write': 'all',
    ...every('team', ['quote.write', 'order.write']),
    'import.run': 'all',
    'mail.import': 'all',
    'rule.manage': 'all',
    'field.manage': 'all',
    notify: 'own',
  },
  rep: { read: 'all', ...every('own', ['contact.write', 'company.write', 'deal.write', 'activity.write', 'ticket.write', 'template.write', 'quote.write', 'notify']) },
  agent: { read: 'all', 'ticket.write': 'team', 'kb.write': 'all', 'problem.write': 'all', 'mail.import': 'all', ...every('own', ['contact.write', 'activity.write', 'notify']) },
  marketing: { read: 'all', 'campaign.write': 'all', 'contact.write': 'all', 'template.write': 'all', ...every('own', ['company.write', 'activity.write', 'notify']) },
  finance: { read: 'all', ...every('all', ['quota.write', 'fx.write', 'product.write', 'order.write', 'invoice.write']), notify: 'own' },
  'data-steward': { read: 'all', ...every('all', ['contact.write', 'company.write', 'deal.write', 'product.write', 'record.merge', 'field.manage', 'import.run']), notify: 'own' },
  'stock-control': { notify: 'own' },
};

/** What a role's notification-only members are: roles that may read nothing. */
export function isNotificationOnly(role: string): boolean {
  return !isRole(role) || PERMISSIONS[role].read === undefined;
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

const SCOPE_RANK: Record<Scope, number> = { own: 1, team: 2, all: 3 };

export function scopeOf(role: string, action: Action): Scope | undefined {
  return isRole(role) ? PERMISSIONS[role][action] : undefined;
}

/** The roles whose scope for an action covers at least `scope`. */
export function rolesWith(action: Action, scope: Scope = 'own'): Role[] {
  return ROLES.filter((r) => {
    const s = PERMISSIONS[r][action];
    return s !== undefined && SCOPE_RANK[s] >= SCOPE_RANK[scope];
  });
}

/** The person acting: a crm user (resolved from the OS login, or the database role on PostgreSQL). */
export interface Principal {
  userId: number;
  handle: string;
  role: string;
  team: string | null;
  /** Set when an admin acts for this user (--as): the admin's handle. */
  onBehalfBy?: string;
}

/** Whose record is being changed: its owner and the owner's team (undefined for a new record of your own). */
export interface Target {
  /** "deal #4", for the message. */
  label: string;
  ownerId: number | null;
  /**
   * Whose record an unowned one is. 'queue': a ticket nobody is assigned to is in the shared
   * queue, which every role with a team-wide (or wider) scope may take up (agents answer and
   * assign new tickets); otherwise an unowned record needs scope all.
   */
  unowned?: 'queue';
}

/** A refusal: exit 1, naming the permission and who has it. */
export class PermissionError extends CrmError {
  constructor(message: string, hint: string) {
    super(message, { code: 'forbidden', hint, exitCode: EXIT_FAILURE });
  }
}

/** Whether a principal's scope covers a record of ownerId (owned by nobody: only scope all). */
export async function covers(s: Session, p: Principal, scope: Scope, ownerId: number | null | undefined, unowned?: 'queue'): Promise<boolean> {
  if (scope === 'all') return true;
  if (ownerId === undefined) return true; // a new record, owned by the actor
  if (ownerId === null) return unowned === 'queue' && scope === 'team';
  if (ownerId === p.userId) return true;
  if (scope !== 'team' || !p.team) return false;
  const owner = await s.db.kysely.selectFrom('users').select('team').where('id', '=', ownerId).executeTakeFirst();
  return owner?.team === p.team;
}

/** Sync version of the decision for callers that have the owner's team at hand (the TUI hides keys with it). */
export function allows(p: Principal | undefined, action: Action, target?: { ownerId: number | null; ownerTeam?: string | null; unowned?: 'queue' }): boolean {
  if (!p) return true;
  const scope = scopeOf(p.role, action);
  if (!scope) return false;
  if (scope === 'all' || !target) return true;
  if (target.ownerId === null) return target.unowned === 'queue' && scope === 'team';
  if (target.ownerId === p.userId) return true;
  return scope === 'team' && Boolean(p.team) && target.ownerTeam === p.team;
}

/**
 * Refuse (and audit the refusal) unless the session's principal may do `action` — on `target`
 * when given. A session without a principal (a trusted internal caller such as the demo seeder or
 * a domain test) is not checked; the CLI and the TUI always set one.
 */
export async function authorize(s: Session, action: Action, target?: Target): Promise<void> {
  const p = s.principal;
  if (!p) return;
  const scope = scopeOf(p.role, action);
  if (scope && (await covers(s, p, scope, target ? target.ownerId : undefined, target?.unowned))) return;
  const needed: Scope = !scope ? 'own' : scope === 'own' ? 'team' : 'all';
  const what = target ? ` on ${target.label}` : '';
  const needs = needed === 'own' ? action : `${action} on ${needed === 'all' ? 'all records' : "the team's records"}`;
  const holders = rolesWith(action, needed);
  await auditRefusal(s, action, target?.label ?? null);
  throw new PermissionError(
    `${p.handle} (${p.role}) may not do this${what}: it needs the permission ${needs}.`,
    `Roles that have it: ${holders.join(', ')} (crm help roles). Ask one of them, or an admin to change your role.`,
  );
}

/** Refusals are written to the audit log (entity "permission", id = the refused user) in their own transaction. */
export async function auditRefusal(s: Session, action: string, label: string | null): Promise<void> {
  const changes = { action: [null, action] as [unknown, unknown], ...(label ? { target: [null, label] as [unknown, unknown] } : {}) };
  const entityId = s.principal?.userId ?? 0; // filed under the refused user: crm history permission sara
  await writeTransaction(s.db, (trx) => recordAudit(trx, { entity: 'permission', entityId, action: 'refused', changes, actor: s.actor, at: nowIso(s) }));
}

/** The table as rows for `crm help roles` and the README: one row per action, one column per role. */
export function permissionRows(): { action: Action; description: string; scopes: Record<Role, Scope | '-'> }[] {
  return ALL_ACTIONS.map((action) => ({
    action,
    description: ACTIONS[action],
    scopes: Object.fromEntries(ROLES.map((r) => [r, PERMISSIONS[r][action] ?? '-'])) as Record<Role, Scope | '-'>,
  }));
}

/** The table as Markdown (the README's copy; a test keeps them equal). */
export function permissionMarkdown(): string {
  const head = `| action | ${ROLES.join(' | ')} |`;
  const rule = `|${' --- |'.repeat(ROLES.length + 1)}`;
  const rows = permissionRows().map((r) => `| \`${r.action}\` ${r.description} | ${ROLES.map((role) => r.scopes[role]).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

/** `crm help roles`: the same table as plain text, with what the scopes mean. */
export function rolesHelp(): string {
  const short: Record<Scope | '-', string> = { own: 'own', team: 'team', all: 'all', '-': '·' };
  const width = Math.max(...ALL_ACTIONS.map((a) => a.length));
  const cols = ROLES.map((r) => Math.max(r.length, 4));
  const head = `  ${'action'.padEnd(width)}  ${ROLES.map((r, i) => r.padEnd(cols[i]!)).join(' ')}`;
  const rows = permissionRows().map((r) => `  ${r.action.padEnd(width)}  ${ROLES.map((role, i) => short[r.scopes[role]].padEnd(cols[i]!)).join(' ')}`.trimEnd());
  const legend = ALL_ACTIONS.map((a) => `  ${a.padEnd(width)}  ${ACTIONS[a]}`);
  return `Roles and permissions (one table; crm enforces it on every change)

${head.trimEnd()}
${rows.join('\n')}

  own   records the user owns (a ticket: is assigned to)
  team  records owned by members of the user's team (crm user edit sara --team East),
        and unassigned tickets (the shared queue)
  all   every record;   ·  not allowed

What each action covers:
${legend.join('\n')}

Who you are: crm whoami. Your OS login is your crm user (its handle, or the login set with
crm user edit sara --login sr). Only an admin may act for someone else (--as, CRM_USER); the
history then says "root on behalf of sara". A refusal exits 1, names the permission and the
roles that have it, and is written to the audit log (crm history permission sara).
On SQLite the file's permissions are the security boundary: anyone who can write the file can
change it with other tools, so these checks are guard rails; on PostgreSQL, people connecting as
their own role (crm db grant) are held to this table by the server. Change roles: crm user edit HANDLE --role ROLE.
`;
}
