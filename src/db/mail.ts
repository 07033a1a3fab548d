/** The queries of mail import (crm mail import): imported messages by Message-ID, contacts by address. */
import type { Trx } from './transaction.js';
import type { MailMessagesTable } from './schema.js';
import type { Insertable } from 'kysely';

export type NewMailMessage = Insertable<MailMessagesTable>;

/** The Message-IDs among `ids` that are already imported. */
export async function importedMessageIds(db: Trx, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('mail_messages').select('message_id').where('message_id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) out.add(r.message_id);
  }
  return out;
}

/** The ticket the nearest of these message ids (In-Reply-To, References) belongs to. */
export async function ticketOfThread(db: Trx, threadIds: string[]): Promise<number | null> {
  if (!threadIds.length) return null;
  const rows = await db.selectFrom('mail_messages').select(['message_id', 'ticket_id']).where('message_id', 'in', threadIds.slice(0, 200)).where('ticket_id', 'is not', null).execute();
  for (const id of threadIds) {
    const hit = rows.find((r) => r.message_id === id);
    if (hit) return hit.ticket_id;
  }
  return null;
}

export async function ticketExists(db: Trx, id: number): Promise<{ id: number; status: string; contact_id: number | null; created_at: string } | null> {
  return (await db.selectFrom('tickets').select(['id', 'status', 'contact_id', 'created_at']).where('id', '=', id).executeTakeFirst()) ?? null;
}

/** Contacts (not archived first) by lower-cased email, and the addresses of crm users. */
export async function contactsByEmail(db: Trx, emails: string[]): Promise<Map<string, { id: number; company_id: number | null }>> {
  const out = new Map<string, { id: number; company_id: number | null }>();
  if (!emails.length) return out;
  const rows = await db.selectFrom('contacts').select(['id', 'email_norm', 'company_id', 'archived_at']).where('email_norm', 'in', emails).orderBy('archived_at', 'desc').execute();
  for (const r of rows) if (r.email_norm && (!out.has(r.email_norm) || r.archived_at === null)) out.set(r.email_norm, { id: r.id, company_id: r.company_id });
  return out;
}

export async function userEmails(db: Trx): Promise<Set<string>> {
  const rows = await db.selectFrom('users').select('email').where('email', 'is not', null).execute();
  return new Set(rows.map((r) => r.email!.toLowerCase()));
}

export async function insertMailMessage(db: Trx, row: NewMailMessage): Promise<void> {
  await db.insertInto('mail_messages').values(row).execute();
}

export async function readSetting(db: Trx, key: string): Promise<string | null> {
  return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value ?? null;
}

/** Imported messages among `ids` that have attachments but no folder holding them (skipped, or not stored when the import failed to write them). */
export async function messagesWithoutAttachmentFiles(db: Trx, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('mail_messages').select('message_id').where('message_id', 'in', ids.slice(i, i + 500)).where('attachment_count', '>', 0).where('attachment_dir', 'is', null).execute();
    for (const r of rows) out.add(r.message_id);
  }
  return out;
}

/** Points imported messages to the folder holding their attachment files (once the files are there). */
export async function setAttachmentDirs(trx: Trx, dirs: { messageId: string; dir: string }[]): Promise<void> {
  for (const d of dirs) await trx.updateTable('mail_messages').set({ attachment_dir: d.dir }).where('message_id', '=', d.messageId).execute();
}
