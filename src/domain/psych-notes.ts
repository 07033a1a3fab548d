/**
 * Psychological notes on a contact (issue 21, item 3): how the person likes to be dealt with —
 * "decides slowly, wants figures in writing". Anyone who may see the contact may add one;
 * nobody edits or removes one (append-only): each keeps its author and time, and is audited.
 * `crm contact show` lists them first.
 */
import { recordAudit } from '../db/audit.js';
import type { AnyDb } from '../db/engine.js';
import { writeTransaction } from '../db/transaction.js';
import { UserError } from '../errors.js';
import { getContact } from './contacts.js';
import { authorize } from './permissions.js';
import { nowIso, type Session } from './session.js';
import { rejectControlChars } from './validate.js';

export interface PsychNoteRecord {
  id: number;
  contactId: number;
  body: string;
  author: string;
  createdAt: string;
}

/** The longest note kept: a paragraph or two, not a file. */
const MAX_LENGTH = 4000;

export async function addPsychNote(s: Session, contactRef: string, text: string): Promise<PsychNoteRecord> {
  const contact = await getContact(s, contactRef);
  await authorize(s, 'read', { label: `contact #${contact.id}`, ownerId: contact.owner_id });
  const body = text.trim();
  if (!body) throw new UserError('A psychological note needs some text.', `e.g. crm contact note ${contact.id} --psych "Decides slowly; wants figures in writing"`);
  if (body.length > MAX_LENGTH) throw new UserError(`The note is ${body.length} characters; at most ${MAX_LENGTH} are kept.`, 'Shorten it, or split it into several notes.');
  rejectControlChars(body, 'The note');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const row = await trx.insertInto('psych_notes').values({ contact_id: contact.id, body, author: s.actor, created_at: at }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, { entity: 'contact', entityId: contact.id, action: 'psych-note', changes: { psychNote: [null, body] }, actor: s.actor, at });
    return { id: Number(row.id), contactId: contact.id, body, author: s.actor, createdAt: at };
  });
}

/** A contact's psychological notes, newest first. */
export async function psychNotesOf(db: AnyDb, contactId: number): Promise<PsychNoteRecord[]> {
  const rows = await db.kysely.selectFrom('psych_notes').selectAll().where('contact_id', '=', contactId).orderBy('id', 'desc').execute();
  return rows.map((r) => ({ id: Number(r.id), contactId: Number(r.contact_id), body: r.body, author: r.author, createdAt: new Date(r.created_at).toISOString() }));
}
