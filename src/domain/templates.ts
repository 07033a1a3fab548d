/**
 * Email templates with merge fields: "Dear {{contact.firstName}}, … {{me.name}}", and
 * knowledge-base articles by id ("See {{kb.7.title}}: {{kb.7.url}}"). A field that does not
 * exist, or has no value for the records given (an unknown or archived article, an internal
 * one's URL), is an error naming it — a template is never rendered with a hole in it.
 */
import { sql } from 'kysely';
import { fold } from '../db/fold.js';
import { recordAudit, diff } from '../db/audit.js';
import type { Template } from '../db/schema.js';
import { writeTransaction } from '../db/transaction.js';
import { ConflictError, NotFoundError, UsageError, UserError } from '../errors.js';
import { logActivity, type ActivityRecord } from './activities.js';
import { formatWhen } from './dates.js';
import { kbArticlesForMerge, type KbMergeArticle } from './kb.js';
import { Money } from './money.js';
import { resolveRef } from './refs.js';
import { nowIso, type Session } from './session.js';
import { currentUser } from './users.js';
import { cleanText, fullName } from './validate.js';
import { authorize } from './permissions.js';
import { getTicketRow, label, MACRO_STATUSES, parsePriority, replyToTicket, statusWord, type TicketDetail } from './tickets.js';
import type { TicketPriority, TicketStatus } from '../db/schema.js';
import { normalizeTag } from '../db/tags.js';

export interface TemplateRecord {
  id: number;
  name: string;
  subject: string | null;
  body: string;
  /** Merge fields the template uses, in order of first appearance. */
  fields: string[];
  /** A macro's ticket actions, applied with `crm ticket reply ID --template NAME` (null: none). */
  ticketActions: { status: string | null; priority: string | null; tags: string[] } | null;
  createdAt: string;
  updatedAt: string;
}

/** The records a template is rendered for. */
interface MergeData {
  contact: Record<string, unknown> | null;
  company: Record<string, unknown> | null;
  deal: Record<string, unknown> | null;
  ticket: Record<string, unknown> | null;
  requester: Record<string, unknown> | null;
  assignee: Record<string, unknown> | null;
  me: Record<string, unknown>;
  today: string;
  /** Articles named by {{kb.ID.*}} fields. */
  kb: Map<number, KbMergeArticle>;
}

/** Every merge field: name → where its value comes from. */
export const MERGE_FIELDS: Record<string, { from: keyof MergeData; key: string; description: string }> = {
  'contact.firstName': { from: 'contact', key: 'firstName', description: 'first name' },
  'contact.lastName': { from: 'contact', key: 'lastName', description: 'last name' },
  'contact.name': { from: 'contact', key: 'name', description: 'full name' },
  'contact.prefix': { from: 'contact', key: 'prefix', description: 'Dr., Ms., …' },
  'contact.title': { from: 'contact', key: 'title', description: 'job title' },
  'contact.email': { from: 'contact', key: 'email', description: 'email address' },
  'contact.phone': { from: 'contact', key: 'phone', description: 'phone (else mobile)' },
  'company.name': { from: 'company', key: 'name', description: "company name (--company, else the contact's or deal's)" },
  'company.domain': { from: 'company', key: 'domain', description: 'web domain' },
  'company.website': { from: 'company', key: 'website', description: 'website' },
  'company.city': { from: 'company', key: 'city', description: 'city' },
  'company.country': { from: 'company', key: 'country', description: 'country' },
  'deal.title': { from: 'deal', key: 'title', description: 'deal title (needs --deal)' },
  'deal.amount': { from: 'deal', key: 'amount', description: 'amount with currency: 12,500.00 EUR' },
  'deal.stage': { from: 'deal', key: 'stage', description: 'current stage name' },
  'deal.expectedClose': { from: 'deal', key: 'expectedClose', description: 'expected close date' },
  'ticket.id': { from: 'ticket', key: 'id', description: 'ticket number (needs a ticket: crm ticket reply ID --template)' },
  'ticket.subject': { from: 'ticket', key: 'subject', description: 'ticket subject' },
  'ticket.status': { from: 'ticket', key: 'status', description: 'ticket status' },
  'ticket.priority': { from: 'ticket', key: 'priority', description: 'ticket priority' },
  'ticket.category': { from: 'ticket', key: 'category', description: 'ticket category' },
  'ticket.created': { from: 'ticket', key: 'created', description: 'when the ticket was opened, in your zone' },
  'requester.firstName': { from: 'requester', key: 'firstName', description: "the ticket requester's first name" },
  'requester.name': { from: 'requester', key: 'name', description: "the ticket requester's full name" },
  'requester.email': { from: 'requester', key: 'email', description: "the ticket requester's email" },
  'assignee.name': { from: 'assignee', key: 'name', description: "the ticket assignee's name" },
  'assignee.handle': { from: 'assignee', key: 'handle', description: "the ticket assignee's handle" },
  'assignee.email': { from: 'assignee', key: 'email', description: "the ticket assignee's email" },
  'me.name': { from: 'me', key: 'name', description: 'your name (the acting user)' },
  'me.email': { from: 'me', key: 'email', description: 'your email' },
  'me.handle': { from: 'me', key: 'handle', description: 'your handle' },
  'me.team': { from: 'me', key: 'team', description: 'your team' },
  today: { from: 'today', key: '', description: 'today, YYYY-MM-DD in your zone' },
};

/**
 * Knowledge-base fields name their article: {{kb.7.title}}, {{kb.7.url}} (its page in the public
 * site, under the address set with crm kb public-url). An article that does not exist or is
 * archived is refused before anything is sent; an internal one has no URL.
 */
export const KB_FIELDS: Record<string, string> = {
  'kb.ID.title': 'title of knowledge-base article ID (not archived)',
  'kb.ID.url': 'address of public article ID in the published KB (crm kb public-url)',
};
const KB_FIELD = /^kb\.(\d+)\.(title|url)$/;

function isKnownField(f: string): boolean {
  return f in MERGE_FIELDS || KB_FIELD.test(f);
}

/** The article ids the kb fields of `fields` name. */
function kbIdsOf(fields: string[]): number[] {
  return [...new Set(fields.map((f) => KB_FIELD.exec(f)).filter((m) => m !== null).map((m) => Number(m[1])))];
}

const FIELD_RE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The merge fields used in a text, in order of first appearance. */
export function fieldsOf(...texts: (string | null | undefined)[]): string[] {
  const seen: string[] = [];
  for (const t of texts) for (const m of (t ?? '').matchAll(FIELD_RE)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

function checkKnown(fields: string[]): void {
  const unknown = fields.filter((f) => !isKnownField(f));
  if (unknown.length) {
    throw new UserError(
      `Unknown merge field${unknown.length > 1 ? 's' : ''}: ${unknown.map((f) => `{{${f}}}`).join(', ')}.`,
      `Fields: ${[...Object.keys(MERGE_FIELDS), ...Object.keys(KB_FIELDS)].map((f) => `{{${f}}}`).join(' ')} (crm template fields)`,
      'unknown_field',
    );
  }
}

function toRecord(t: Template): TemplateRecord {
  const tags = t.ticket_tags ? t.ticket_tags.split(',').filter(Boolean) : [];
  const ticketActions = t.ticket_status || t.ticket_priority || tags.length ? { status: t.ticket_status, priority: t.ticket_priority, tags } : null;
  return { id: t.id, name: t.name, subject: t.subject, body: t.body, fields: fieldsOf(t.subject, t.body), ticketActions, createdAt: t.created_at, updatedAt: t.updated_at };
}

export interface TemplateInput {
  name: string;
  subject?: string;
  body: string;
  /** Macro actions: what `crm ticket reply --template` also sets. */
  ticketStatus?: string;
  ticketPriority?: string;
  ticketTags?: string[];
}

function macroColumns(input: TemplateInput): { ticket_status: string | null; ticket_priority: string | null; ticket_tags: string | null } {
  let status: string | null = null;
  if (input.ticketStatus !== undefined) {
    const st = statusWord(input.ticketStatus);
    if (!(MACRO_STATUSES as string[]).includes(st)) throw new UserError(`A macro cannot set status "${input.ticketStatus}".`, `Use one of: ${MACRO_STATUSES.join(', ')} (close a ticket with crm ticket close).`, 'bad_status');
    status = st;
  }
  const priority = parsePriority(input.ticketPriority) ?? null;
  const tags = (input.ticketTags ?? []).map(normalizeTag).filter(Boolean);
  return { ticket_status: status, ticket_priority: priority, ticket_tags: tags.length ? [...new Set(tags)].join(',') : null };
}

export async function addTemplate(s: Session, input: TemplateInput): Promise<TemplateRecord> {
  await authorize(s, 'template.write');
  const macro = macroColumns(input);
  const name = cleanText(input.name);
  if (!name) throw new UserError('A template needs a name.', 'crm template add welcome --subject "Welcome" --file welcome.txt');
  if (!input.body.trim()) throw new UserError('A template needs a body.', 'Give --body "…" or --file PATH.');
  checkKnown(fieldsOf(input.subject, input.body));
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const clash = await trx.selectFrom('templates').select('id').where(sql<boolean>`crm_fold(name) = ${fold(name)}`).executeTakeFirst();
    if (clash) throw new ConflictError(`A template named "${name}" already exists (#${clash.id}).`, `See it: crm template show ${JSON.stringify(name)}`, 'duplicate');
    const row = await trx.insertInto('templates').values({ name, subject: cleanText(input.subject), body: input.body, ...macro, created_at: at, updated_at: at }).returningAll().executeTakeFirstOrThrow();
    const record = toRecord(row);
    await recordAudit(trx, { entity: 'template', entityId: row.id, action: 'create', changes: diff({}, { name: record.name, subject: record.subject, body: record.body, ...macro }), actor: s.actor, at });
    return record;
  });
}

export async function listTemplates(s: Session): Promise<TemplateRecord[]> {
  return (await s.db.kysely.selectFrom('templates').selectAll().orderBy('name').execute()).map(toRecord);
}

export async function getTemplate(s: Session, ref: string): Promise<TemplateRecord> {
  const db = s.db.kysely;
  const r = ref.trim();
  const row = /^#?\d+$/.test(r)
    ? await db.selectFrom('templates').selectAll().where('id', '=', Number(r.replace('#', ''))).executeTakeFirst()
    : ((await db.selectFrom('templates').selectAll().where('name', '=', r).executeTakeFirst()) ?? (await db.selectFrom('templates').selectAll().where(sql<boolean>`crm_fold(name) = ${fold(r)}`).executeTakeFirst()));
  if (!row) throw new NotFoundError(`No template "${ref}".`, 'List templates with: crm template list');
  return toRecord(row);
}

export interface RenderInput {
  contact?: string;
  company?: string;
  deal?: string;
  /** A ticket: its fields, its requester (also as the contact) and its assignee. */
  ticket?: string;
  /** Record the rendered text as an email activity. */
  log?: boolean;
}

export interface Rendered {
  template: string;
  subject: string | null;
  body: string;
  /** The email activity recorded with --log. */
  activity: ActivityRecord | null;
}

async function mergeData(s: Session, input: RenderInput, fields: string[]): Promise<MergeData> {
  const db = s.db.kysely;
  let contact: MergeData['contact'] = null;
  let company: MergeData['company'] = null;
  let deal: MergeData['deal'] = null;
  let ticket: MergeData['ticket'] = null;
  let requester: MergeData['requester'] = null;
  let assignee: MergeData['assignee'] = null;
  let companyId: number | null = null;
  let contactId: number | null = null;
  if (input.ticket !== undefined) {
    const t = await getTicketRow(db, input.ticket);
    ticket = { id: String(t.id), subject: t.subject, status: label(t.status), priority: t.priority, category: t.category, created: formatWhen(t.created_at, s.timeZone) };
    if (t.contact_id !== null) {
      const c = await db.selectFrom('contacts').selectAll().where('id', '=', t.contact_id).executeTakeFirstOrThrow();
      requester = { firstName: c.first_name, name: fullName(c.first_name, c.last_name), email: c.email };
      contactId = c.id;
    }
    companyId = t.company_id;
    if (t.assignee_id !== null) {
      const u = await db.selectFrom('users').selectAll().where('id', '=', t.assignee_id).executeTakeFirstOrThrow();
      assignee = { name: u.name, handle: u.handle, email: u.email };
    }
  }
  if (input.contact !== undefined) {
    const t = await resolveRef(s, input.contact, 'contact');
    contactId = t.contactId;
    companyId = t.companyId;
  }
  if (input.deal !== undefined) {
    const t = await resolveRef(s, input.deal, 'deal');
    const d = await db.selectFrom('deals as d').innerJoin('stages as st', 'st.id', 'd.stage_id').select(['d.title', 'd.amount_minor', 'd.currency', 'd.expected_close', 'st.name as stage']).where('d.id', '=', t.id).executeTakeFirstOrThrow();
    deal = { title: d.title, amount: new Money(d.amount_minor, d.currency).format(), stage: d.stage, expectedClose: d.expected_close };
    companyId ??= t.companyId;
  }
  if (input.company !== undefined) companyId = (await resolveRef(s, input.company, 'company')).companyId;
  if (contactId !== null) {
    const c = await db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    contact = { firstName: c.first_name, lastName: c.last_name, name: fullName(c.first_name, c.last_name), prefix: c.prefix, title: c.title, email: c.email, phone: c.phone ?? c.mobile };
  }
  if (companyId !== null) {
    const c = await db.selectFrom('companies').selectAll().where('id', '=', companyId).executeTakeFirstOrThrow();
    company = { name: c.name, domain: c.domain, website: c.website, city: c.city, country: c.country };
  }
  const me = await currentUser(s);
  return {
    contact,
    company,
    deal,
    ticket,
    requester,
    assignee,
    me: me ? { name: me.name, email: me.email, handle: me.handle, team: me.team } : { handle: s.actor },
    today: formatWhen(s.now().toISOString(), s.timeZone).slice(4, 14),
    kb: await kbArticlesForMerge(s, kbIdsOf(fields)),
  };
}

const NEEDS: Record<string, string> = {
  contact: 'give --contact',
  company: 'give --company, or a contact or deal with a company',
  deal: 'give --deal',
  ticket: 'render it for a ticket: crm ticket reply ID --template NAME',
  requester: 'the ticket has no requester',
  assignee: 'the ticket is unassigned: crm ticket assign ID me',
  me: 'you are not a known user: crm user add HANDLE --name …',
};

/**
 * Fill the merge fields of free texts (automation's notification titles and messages) for the
 * given records: the template fields plus `extra` (e.g. {{record}}, {{ticket.subject}}). Unlike a
 * template, a field without a value here becomes empty — a notification still tells its news.
 */
export async function fillMergeFields(s: Session, texts: string[], input: RenderInput, extra: Record<string, string | null>): Promise<string[]> {
  const data = await mergeData(s, input, fieldsOf(...texts));
  const value = (field: string): string => {
    if (field in extra) return extra[field] ?? '';
    const kb = kbValue(data, field);
    if (kb) return kb.value ?? '';
    const f = MERGE_FIELDS[field];
    if (!f) return '';
    const v = f.from === 'today' ? data.today : (data[f.from] as Record<string, unknown> | null)?.[f.key];
    return v === null || v === undefined ? '' : String(v);
  };
  return texts.map((t) => t.replace(FIELD_RE, (_m, name: string) => value(name)));
}

/** Merge fields of `texts` that are neither template fields nor among `extra`. */
export function unknownMergeFields(texts: (string | undefined)[], extra: string[]): string[] {
  return fieldsOf(...texts).filter((f) => !isKnownField(f) && !extra.includes(f));
}

/** A {{kb.ID.*}} field's value, or why it has none; null for other fields. */
function kbValue(data: MergeData, field: string): { value: string | null; why: string } | null {
  const m = KB_FIELD.exec(field);
  if (!m) return null;
  const a = data.kb.get(Number(m[1]))!;
  if (a.refused) return { value: null, why: a.refused };
  if (m[2] === 'url') return a.url === null ? { value: null, why: a.noUrl! } : { value: a.url, why: '' };
  return { value: a.title, why: '' };
}

/** Render a template for the given records; with `log`, record it as an email in the same step. */
export async function renderTemplate(s: Session, ref: string, input: RenderInput): Promise<Rendered> {
  const tpl = await getTemplate(s, ref);
  checkKnown(tpl.fields);
  if (input.log && input.contact === undefined) throw new UsageError('--log needs --contact (the person the email goes to).', `crm template render ${JSON.stringify(tpl.name)} --contact 12 --log`);
  const data = await mergeData(s, input, tpl.fields);
  const missing: string[] = [];
  const value = (field: string): string => {
    const kb = kbValue(data, field);
    if (kb) {
      if (kb.value === null) missing.push(`{{${field}}} (${kb.why})`);
      return kb.value ?? '';
    }
    const f = MERGE_FIELDS[field]!;
    const v = f.from === 'today' ? data.today : (data[f.from] as Record<string, unknown> | null)?.[f.key];
    if (v === null || v === undefined || String(v).trim() === '') {
      const src = data[f.from];
      const unknownMe = f.from === 'me' && !('name' in data.me);
      missing.push(`{{${field}}} (${src === null || unknownMe ? NEEDS[f.from] : `empty on this ${f.from === 'me' ? 'user' : f.from}`})`);
      return '';
    }
    return String(v);
  };
  const fill = (text: string) => text.replace(FIELD_RE, (_m, name: string) => value(name));
  const subject = tpl.subject !== null ? fill(tpl.subject) : null;
  const body = fill(tpl.body);
  if (missing.length) {
    throw new UserError(`Template "${tpl.name}" cannot be filled: ${missing.join('; ')}.`, 'Fill in the missing data or render for other records; nothing was rendered or logged.', 'missing_field');
  }
  let activity: ActivityRecord | null = null;
  if (input.log) {
    const target = await resolveRef(s, input.contact!, 'contact');
    const deal = input.deal !== undefined ? await resolveRef(s, input.deal, 'deal') : null;
    const r = await logActivity(s, { kind: 'email', ref: input.contact!, subject: subject ?? tpl.name, body, target: { ...target, dealId: deal?.dealId ?? null, companyId: target.companyId ?? deal?.companyId ?? null } });
    activity = r.activity;
  }
  return { template: tpl.name, subject, body, activity };
}

/**
 * `crm ticket reply ID --template NAME`: fill the template for the ticket (its fields, requester,
 * assignee) — every merge field known and filled, or nothing is sent — then reply with it and,
 * for a macro, set its status, priority and tags, all in one transaction.
 */
export async function replyFromTemplate(s: Session, ticketRef: string, templateRef: string, expectVersion?: number): Promise<{ ticket: TicketDetail; template: string }> {
  const filled = await renderTemplate(s, templateRef, { ticket: ticketRef });
  const tpl = await getTemplate(s, templateRef);
  const a = tpl.ticketActions;
  const ticket = await replyToTicket(s, ticketRef, filled.body, expectVersion, a ? { status: (a.status ?? undefined) as TicketStatus | undefined, priority: (a.priority ?? undefined) as TicketPriority | undefined, addTags: a.tags } : {});
  return { ticket, template: tpl.name };
}
