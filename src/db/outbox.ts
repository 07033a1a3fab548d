/**
 * The event outbox (issue #18). Every change already writes its audit entry inside its own write
 * transaction (recordAudit); the events of that change are derived from the entry and written
 * here, in the same transaction — so every command, the TUI and the importer emit events without
 * knowing about automation, a rolled-back change emits nothing, and a committed one is never
 * missed. Events are written only when an enabled rule listens to their kind (one indexed read
 * of the small rules table), so a database without rules pays almost nothing.
 *
 * Depth: a change made by a rule's action carries the depth of the event it handled plus one
 * (withCause); events deeper than MAX_EVENT_DEPTH are not written, so rules that trigger each
 * other stop after a few rounds instead of looping.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The event triggers a rule can name, with what they mean (crm help automation). */
export const EVENT_KINDS = {
  'deal.created': 'a deal was added',
  'deal.stage_changed': 'a deal moved to another stage (also by win, lose, reopen); `stage:` narrows it to one stage',
  'deal.won': 'a deal was won',
  'deal.lost': 'a deal was lost',
  'deal.amount_changed': "a deal's amount changed",
  'ticket.created': 'a ticket was opened',
  'ticket.status_changed': "a ticket's status changed",
  'ticket.assigned': 'a ticket was assigned (or unassigned)',
  'ticket.customer_replied': 'the requester wrote on a ticket (crm ticket message)',
  'activity.logged': 'a call, meeting, email, note or touch was logged',
  'task.created': 'a task was added',
  'contact.created': 'a contact was added',
  'import.finished': 'an import run finished',
} as const;
export type EventKind = keyof typeof EVENT_KINDS;

/** How deep a chain of rule-caused events is followed (README "Automation"). */
export const MAX_EVENT_DEPTH = 3;

/** What recordAudit hands over: the audit entry of one change. */
export interface ChangeEntry {
  entity: string;
  entityId: number;
  action: string;
  changes?: Record<string, [unknown, unknown]> | null;
  actor: string;
  at: string;
}

export interface OutboxEvent {
  kind: EventKind;
  entity: string;
  data: Record<string, unknown>;
}

const STAGE_MOVES = new Set(['move', 'win', 'lose', 'reopen']);

/** The events one audited change stands for (none for most changes). */
export function eventsOf(e: ChangeEntry): OutboxEvent[] {
  const c = e.changes ?? {};
  const out: OutboxEvent[] = [];
  const push = (kind: EventKind, data: Record<string, unknown> = {}) => out.push({ kind, entity: e.entity, data });
  switch (e.entity) {
    case 'deal':
      if (e.action === 'create') push('deal.created', { stage: c.stage?.[1] ?? null });
      if (STAGE_MOVES.has(e.action) && c.stage) push('deal.stage_changed', { from: c.stage[0], to: c.stage[1] });
      if (e.action === 'win') push('deal.won', { stage: c.stage?.[1] ?? null });
      if (e.action === 'lose') push('deal.lost', { reason: c.lostReason?.[1] ?? null });
      if (e.action === 'update' && c.amount) push('deal.amount_changed', { from: c.amount[0], to: c.amount[1] });
      break;
    case 'ticket':
      if (e.action === 'create') push('ticket.created');
      else if (c.status) push('ticket.status_changed', { from: c.status[0], to: c.status[1] });
      if (e.action === 'assign') push('ticket.assigned', { from: c.assignee_id?.[0] ?? null, to: c.assignee_id?.[1] ?? null });
      if (e.action === 'message') push('ticket.customer_replied');
      break;
    case 'activity':
      if (e.action === 'create') push(c.kind?.[1] === 'task' ? 'task.created' : 'activity.logged', { kind: c.kind?.[1] ?? null });
      break;
    case 'contact':
      if (e.action === 'create') push('contact.created');
      break;
    case 'import_run':
      if (e.action === 'import') push('import.finished', { entity: c.entity?.[1] ?? null, created: c.created?.[1] ?? null, updated: c.updated?.[1] ?? null });
      break;
  }
  return out;
}

const cause = new AsyncLocalStorage<{ depth: number }>();

/** Run `fn` as the handling of an event of `depth`: the changes it makes emit events of depth + 1. */
export function withCause<T>(depth: number, fn: () => Promise<T>): Promise<T> {
  return cause.run({ depth: depth + 1 }, fn);
}

/** The depth the events written now get (0 for a person's change). */
export function currentDepth(): number {
  return cause.getStore()?.depth ?? 0;
}

/**
 * SQLite's "no such table: rules": a database at a schema from before automation (opened with
 * --no-migrate, or by a migration test). A failed SELECT leaves a SQLite transaction usable;
 * PostgreSQL's schema is always migrated before use, so the error is not caught there.
 */
function predatesRules(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_ERROR' && /no such table: rules\b/.test((err as Error).message);
}

/** Write the events of one change into the outbox, in the change's own transaction. */
export async function writeEvents(trx: Kysely<Database>, e: ChangeEntry): Promise<void> {
  const events = eventsOf(e);
  if (!events.length) return;
  const depth = currentDepth();
  if (depth > MAX_EVENT_DEPTH) return;
  const kinds = [...new Set(events.map((x) => x.kind))];
  let listened: { trigger: string }[];
  try {
    listened = await trx.selectFrom('rules').select('trigger').where('enabled', '=', 1).where('trigger', 'in', kinds).execute();
  } catch (err) {
    if (predatesRules(err)) return; // a file opened with --no-migrate at a schema before automation: no rule can listen
    throw err;
  }
  if (!listened.length) return;
  const wanted = new Set(listened.map((r) => r.trigger));
  const rows = events
    .filter((x) => wanted.has(x.kind))
    .map((x) => ({ kind: x.kind, entity: x.entity, entity_id: e.entityId, data: JSON.stringify(x.data), actor: e.actor, at: e.at, depth }));
  await trx.insertInto('events').values(rows).execute();
}

/** The same for the importer's synchronous statements (SQLite only). */
export function writeEventsSync(stmt: (sql: string) => { all(...args: unknown[]): unknown[]; run(...args: unknown[]): unknown }, e: ChangeEntry): void {
  const events = eventsOf(e);
  if (!events.length) return;
  for (const x of events) {
    let listened: unknown[];
    try {
      listened = stmt('SELECT 1 FROM rules WHERE enabled = 1 AND trigger = ? LIMIT 1').all(x.kind);
    } catch (err) {
      if (predatesRules(err)) return;
      throw err;
    }
    if (!listened.length) continue;
    stmt('INSERT INTO events (kind, entity, entity_id, data, actor, at, depth) VALUES (?, ?, ?, ?, ?, ?, 0)').run(x.kind, x.entity, e.entityId, JSON.stringify(x.data), e.actor, e.at);
  }
}
