/**
 * The inbox: notifications rules sent to the acting user. Everyone reads only their own; a
 * notification names its record and the command that opens it.
 */
import { NotFoundError, UserError } from '../errors.js';
import { nowIso, type Session } from '../domain/session.js';
import { currentUser } from '../domain/users.js';
import { recordLabel } from './rules.js';

export interface NotificationRecord {
  id: number;
  title: string;
  body: string | null;
  record: string | null;
  open: string | null;
  rule: string | null;
  createdAt: string;
  readAt: string | null;
  unread: boolean;
}

async function me(s: Session): Promise<{ id: number; handle: string }> {
  const u = await currentUser(s);
  if (!u) throw new UserError(`You (${s.actor}) are not a crm user, so you have no inbox.`, `Add yourself: crm user add ${s.actor} --name "…"`, 'not_a_user');
  return { id: u.id, handle: u.handle };
}

/** The command that shows a notification's record. */
export function openCommand(entity: string | null, id: number | null): string | null {
  if (!entity || id === null) return null;
  if (entity === 'activity') return `crm activity show ${id}`;
  if (entity === 'import_run') return `crm import history`;
  return `crm ${entity} show ${id}`;
}

type Row = { id: number; title: string; body: string | null; entity: string | null; entity_id: number | null; rule: string | null; created_at: string; read_at: string | null };

function toRecord(r: Row): NotificationRecord {
  return {
    id: r.id,
    title: r.title,
    body: r.body,
    record: r.entity && r.entity_id !== null ? recordLabel(r.entity, r.entity_id) : null,
    open: openCommand(r.entity, r.entity_id),
    rule: r.rule,
    createdAt: r.created_at,
    readAt: r.read_at,
    unread: r.read_at === null,
  };
}

function query(s: Session, userId: number) {
  return s.db.kysely
    .selectFrom('notifications as n')
    .leftJoin('rules as r', 'r.id', 'n.rule_id')
    .select(['n.id', 'n.title', 'n.body', 'n.entity', 'n.entity_id', 'r.name as rule', 'n.created_at', 'n.read_at'])
    .where('n.user_id', '=', userId);
}

/** Unread first (newest first), then with `all` the read ones. */
export async function listInbox(s: Session, opts: { all?: boolean; limit?: number } = {}): Promise<NotificationRecord[]> {
  const u = await me(s);
  const unread = await query(s, u.id).where('n.read_at', 'is', null).orderBy('n.id', 'desc').execute();
  const read = opts.all ? await query(s, u.id).where('n.read_at', 'is not', null).orderBy('n.id', 'desc').execute() : [];
  const rows = [...unread, ...read].map(toRecord);
  return opts.limit ? rows.slice(0, opts.limit) : rows;
}

/** How many unread notifications the acting user has (the TUI's badge); 0 for a non-user. */
export async function unreadCount(s: Session): Promise<number> {
  const u = await currentUser(s);
  if (!u) return 0;
  const r = await s.db.kysely.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', u.id).where('read_at', 'is', null).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function showNotification(s: Session, id: number): Promise<NotificationRecord> {
  const u = await me(s);
  const row = await query(s, u.id).where('n.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`No notification #${id} in your inbox.`, 'See your inbox: crm inbox --all');
  return toRecord(row);
}

/** Mark one notification (or, with id = 'all', every unread one) read; returns how many changed. */
export async function markRead(s: Session, id: number | 'all'): Promise<number> {
  const u = await me(s);
  if (id !== 'all') await showNotification(s, id);
  const { writeTransaction } = await import('../db/transaction.js');
  return writeTransaction(s.db, async (trx) => {
    let q = trx.updateTable('notifications').set({ read_at: nowIso(s) }).where('user_id', '=', u.id).where('read_at', 'is', null);
    if (id !== 'all') q = q.where('id', '=', id);
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  });
}
