/**
 * Whether a contact is still active, archived, or archived by a merge into another contact (and
 * which one, from the audit log): what a screen needs to say so after logging on a contact that
 * was archived or merged away since it showed it. Logging itself treats them like `crm log`
 * does: the activity goes on the contact named, archived or not. Kept out of contacts.ts, which
 * it only reads through.
 */
import { lastAuditEntry } from '../db/audit.js';
import { NotFoundError } from '../errors.js';
import { showContact } from './contacts.js';
import type { Session } from './session.js';

export type ContactStanding = { state: 'active' } | { state: 'archived' } | { state: 'merged'; into: { id: number; name: string } | null };

/** null when the contact no longer exists. */
export async function contactStanding(s: Session, id: number): Promise<ContactStanding | null> {
  let archivedAt: string | null;
  try {
    archivedAt = (await showContact(s, String(id))).archivedAt;
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  if (!archivedAt) return { state: 'active' };
  // Archived by hand or by a merge: whichever of the two happened last.
  const last = await lastAuditEntry(s.db.kysely, 'contact', id, ['archive', 'merged_into']);
  if (last?.action !== 'merged_into') return { state: 'archived' };
  const intoId = (JSON.parse(last.changes ?? '{}') as { mergedInto?: [unknown, unknown] }).mergedInto?.[1];
  if (typeof intoId !== 'number') return { state: 'merged', into: null };
  const into = await showContact(s, String(intoId)).catch(() => null);
  return { state: 'merged', into: into ? { id: into.id, name: into.name } : null };
}
