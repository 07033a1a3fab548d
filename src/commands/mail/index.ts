/**
 * crm mail import FILE.eml|FILE.mbox|MAILDIR, crm mail support-address [ADDRESS]. The rules of
 * what a message becomes live in src/domain/mail.ts; reading mailboxes in src/mail.
 */
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { closeSync, writeSync } from 'node:fs';
import type { CliContext } from '../../context.js';
import { alreadyImported, importBatch, importedBefore, storeMissingAttachments, MAIL_OUTCOMES, requireAttachmentPlace, type AttachmentChoice, parseSupportAddress, readSupportAddress, writeSupportAddress, type MailOutcome, type MailPlanContext, type MailResult } from '../../domain/mail.js';
import { authorize } from '../../domain/permissions.js';
import { UsageError, UserError } from '../../errors.js';
import { info } from '../../io.js';
import { AttachmentStore } from '../../mail/attachments.js';
import { parseMessage, type ParsedMessage } from '../../mail/parse.js';
import { mailboxMessages, type RawMessage } from '../../mail/read.js';
import { openPrivateFile } from '../../output/files.js';
import { plural } from '../../output/plural.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

interface ImportFlags {
  supportAddress?: string;
  unknown?: string;
  attachments?: string;
  skipAttachments?: boolean;
  dryRun?: boolean;
  rejects?: string;
  force?: boolean;
}

export interface MailImportSummary {
  mailbox: string;
  dryRun: boolean;
  supportAddress: string;
  messages: number;
  counts: Record<MailOutcome, number>;
  contactsCreated: number;
  attachments: { total: number; stored: number; skipped: number; dir: string | null };
  /** Messages whose Date was missing or in the future (imported at the import time). */
  undated: number;
  /** Bodies cut at 200,000 characters. */
  truncated: number;
  rejectsFile: string | null;
  results: MailResult[];
}

/** Messages written per transaction: the commit is paid once per batch, and a batch is small enough to hold parsed. */
export const BATCH = 500;
/** …or fewer when they are large: a batch holds at most about this many bytes of raw mail (memory stays bounded). */
export const BATCH_BYTES = 16 * 1024 * 1024;

const ATTACHMENT_HEADER = /^content-disposition:[ \t]*attachment/im;

function rejectsPathFor(file: string): string {
  return file.replace(/[\\/]+$/, '').replace(/(\.[^./\\]+)?$/, '.rejects.csv');
}

export async function runImport(ctx: CliContext, mailbox: string, o: ImportFlags): Promise<MailImportSummary> {
  const unknown = (o.unknown ?? 'reject').toLowerCase();
  if (unknown !== 'create' && unknown !== 'reject') throw new UsageError(`--unknown takes create or reject, not "${o.unknown}".`, 'crm mail import inbox.mbox --unknown create');
  if (o.attachments !== undefined && o.skipAttachments) throw new UsageError('Give --attachments DIR or --skip-attachments, not both.');
  const s = sessionOf(ctx);
  if (!o.dryRun) await authorize(s, 'mail.import');
  const supportAddress = o.supportAddress !== undefined ? parseSupportAddress(o.supportAddress) : await readSupportAddress(s);
  if (!supportAddress) throw new UserError('No support address: crm cannot tell which messages open tickets.', 'Set it once: crm mail support-address support@example.com — or pass --support-address for this import.', 'missing_setting');
  const messages = mailboxMessages(mailbox);
  const choice: AttachmentChoice = { dir: o.attachments, skip: o.skipAttachments, dryRun: o.dryRun };
  // Refuse before writing anything when attachments are visible in the raw mail and nobody said
  // where they go (a quick look over the mailbox, one message at a time; the per-message check
  // below still catches one this look misses).
  if (!o.attachments && !o.skipAttachments && !o.dryRun) {
    for (const raw of messages) if (ATTACHMENT_HEADER.test(raw.bytes.toString('latin1'))) requireAttachmentPlace(raw.source, null, choice);
  }
  const plan: MailPlanContext = { supportAddress, unknown, dryRun: Boolean(o.dryRun), seen: new Map(), attachments: o.attachments ? new AttachmentStore(o.attachments) : undefined };
  const summary: MailImportSummary = {
    mailbox,
    dryRun: Boolean(o.dryRun),
    supportAddress,
    messages: 0,
    counts: Object.fromEntries(MAIL_OUTCOMES.map((k) => [k, 0])) as Record<MailOutcome, number>,
    contactsCreated: 0,
    attachments: { total: 0, stored: 0, skipped: 0, dir: o.attachments ?? null },
    undated: 0,
    truncated: 0,
    rejectsFile: null,
    results: [],
  };
  // Parsed outside any transaction (no transaction is held across reading or parsing), then
  // written BATCH messages per transaction (domain importBatch).
  const flush = async (raws: RawMessage[]) => {
    const parsed: ParsedMessage[] = [];
    for (const raw of raws) parsed.push(await parseMessage(raw));
    const done = await alreadyImported(s, parsed.map((p) => p.messageId));
    const fresh = parsed.filter((m) => !done.has(m.messageId));
    for (const m of fresh) requireAttachmentPlace(m.source, m.attachments.length, choice);
    const imported = await importBatch(s, fresh, plan);
    const byMessage = new Map(fresh.map((m, i) => [m, imported[i]!]));
    // Messages imported before whose attachments are not stored yet (an import that could not write them).
    const completed = await storeMissingAttachments(s, parsed.filter((m) => done.has(m.messageId)), plan);
    for (const m of parsed) {
      const r: MailResult = byMessage.get(m) ?? completed.get(m.messageId) ?? importedBefore(m);
      completed.delete(m.messageId);
      summary.messages++;
      summary.counts[r.outcome]++;
      if (r.contactCreated) summary.contactsCreated++;
      if (r.outcome !== 'unchanged' && r.outcome !== 'rejected') {
        summary.attachments.total += m.attachments.length;
        const stored = r.attachments.filter((a) => a.path).length;
        summary.attachments.stored += stored;
        summary.attachments.skipped += m.attachments.length - stored;
        if (m.date === null) summary.undated++;
        if (m.truncated) summary.truncated++;
      } else if (r.attachments.some((a) => a.path)) {
        summary.attachments.total += m.attachments.length;
        summary.attachments.stored += m.attachments.length;
      }
      summary.results.push(r);
    }
  };
  let pending: RawMessage[] = [];
  let bytes = 0;
  for (const raw of messages) {
    pending.push(raw);
    bytes += raw.bytes.length;
    if (pending.length >= BATCH || bytes >= BATCH_BYTES) {
      await flush(pending);
      pending = [];
      bytes = 0;
    }
  }
  if (pending.length) await flush(pending);
  const rejected = summary.results.filter((r) => r.outcome === 'rejected');
  if (rejected.length && !o.dryRun) {
    const path = o.rejects ?? rejectsPathFor(mailbox);
    const fd = openPrivateFile(path, { overwrite: Boolean(o.force), noFollow: true, what: 'the rejects file', forceFlag: '--force (or choose another with --rejects FILE)' });
    try {
      writeSync(fd, stringify([['source', 'message_id', 'from', 'to', 'subject', 'date', 'crm_import_error'], ...rejected.map((r) => [r.source, r.messageId, r.from ?? '', r.to.join(', '), r.subject, r.date, r.reason ?? ''])]));
    } finally {
      closeSync(fd);
    }
    summary.rejectsFile = path;
  }
  return summary;
}

function summaryLine(r: MailImportSummary): string {
  const c = r.counts;
  const would = r.dryRun ? 'would open' : 'opened';
  const parts = [
    `${plural(r.messages, 'message')}: ${would} ${plural(c.ticket, 'ticket')}`,
    `${c.reply} ${c.reply === 1 ? 'reply' : 'replies'} on tickets`,
    `${plural(c.activity, 'email activity', 'email activities')}`,
    `${c.unchanged} unchanged`,
    `${c.rejected} rejected`,
  ];
  if (r.contactsCreated) parts.push(`${plural(r.contactsCreated, 'new contact')}`);
  const a = r.attachments;
  parts.push(`attachments: ${a.total}${a.total ? ` (${a.stored} stored, ${a.skipped} skipped)` : ''}`);
  return `${parts.join(', ')}${r.dryRun ? ' (dry run: nothing written)' : ''}\n`;
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('mail in: import .eml, mbox or Maildir into tickets, replies and email activities');
  const imp = noun
    .command('import')
    .description('import mail: messages to the support address open tickets, answers become customer replies, the rest email activities')
    .argument('<mailbox>', 'an .eml file, an mbox file or a Maildir folder')
    .option('--support-address <email>', 'the support address for this import (default: crm mail support-address)')
    .option('--unknown <create|reject>', 'a sender crm does not know: create a contact, or reject the message to the rejects file (default reject)')
    .option('--attachments <dir>', 'store attachments as files in DIR (one folder per message, files 0600, never overwritten)')
    .option('--skip-attachments', 'do not store attachments (they are still listed and counted)')
    .option('--rejects <file>', 'where rejected messages are listed (default MAILBOX.rejects.csv)')
    .option('--force', 'replace an existing rejects file')
    .option('--dry-run', 'show what each message would become; write nothing');
  examples(imp, [
    'crm mail support-address support@example.com   # once',
    'crm mail import week-46.mbox --attachments ~/crm-attachments',
    'crm mail import ~/Maildir/support --unknown create --skip-attachments',
    'crm mail import message.eml --dry-run --json | jq ".results[] | {subject, outcome}"',
  ]);
  imp.action(async (mailbox: string, o: ImportFlags) => {
    const r = await runImport(ctx, mailbox, o);
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(r) + '\n');
    else emit(ctx.out, summaryLine(r));
    if (r.undated) info(ctx.io, `${plural(r.undated, 'message')} had no usable Date header (or one in the future): imported at the import time.`);
    if (r.truncated) info(ctx.io, `${plural(r.truncated, 'message body', 'message bodies')} longer than 200,000 characters were cut.`);
    if (r.rejectsFile) info(ctx.io, `Rejected messages are listed in ${r.rejectsFile}${r.counts.rejected ? ' — import them with --unknown create, or add the contacts first' : ''}.`);
    else if (r.dryRun && r.counts.rejected) for (const x of r.results.filter((x) => x.outcome === 'rejected')) info(ctx.io, `  ${x.source}: ${x.reason}`);
  });

  const addr = noun.command('support-address').description('show or set the support address (mail to it opens tickets)').argument('[email]', 'the new address');
  examples(addr, ['crm mail support-address', 'crm mail support-address support@example.com']);
  addr.action(async (email: string | undefined) => {
    const s = sessionOf(ctx);
    const value = email !== undefined ? await writeSupportAddress(s, email) : await readSupportAddress(s);
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ supportAddress: value }) + '\n');
    else if (value) emit(ctx.out, value + '\n');
    else info(ctx.io, 'No support address yet. Set it: crm mail support-address support@example.com');
  });
}
