/**
 * The knowledge base: Markdown articles with a title, tags, a product and an audience (internal
 * for the team, public for customers). Every edit keeps the version it replaces: kb_article_versions
 * holds each version an article has had (1 at creation, then one per edit), so `kb show --rev N`
 * and `kb history` read old text exactly as it was. Articles link to tickets (shown on both sides).
 * Search: src/db/kb-search.ts (FTS5 on SQLite, full-text + trigram indexes on PostgreSQL).
 */
import { readSetting } from '../db/mail.js';
import { recordAudit, diff } from '../db/audit.js';
import { indexKbArticle, searchKb, searchTerms } from '../db/kb-search.js';
import type { KbArticlesTable } from '../db/schema.js';
import type { Selectable } from 'kysely';
import { normalizeTag, setTags, tagsFor } from '../db/tags.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { NotFoundError, UsageError, UserError } from '../errors.js';
import { authorize } from './permissions.js';
import { writeDefaultsKey } from './settings.js';
import { nowIso, type Session } from './session.js';
import { getTicketRow } from './tickets.js';
import { cleanText, rejectControlChars } from './validate.js';

export const AUDIENCES = ['internal', 'public'] as const;
export type Audience = (typeof AUDIENCES)[number];

type ArticleRow = Selectable<KbArticlesTable>;

export interface KbArticleRecord {
  id: number;
  title: string;
  body: string;
  product: string | null;
  audience: Audience;
  tags: string[];
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export interface KbArticleDetail extends KbArticleRecord {
  /** Tickets this article is linked to (crm ticket link 12 kb:7). */
  tickets: { id: number; subject: string; status: string }[];
  /** Set when an earlier version was asked for: the version shown is not the current one. */
  currentVersion: number;
}

export interface KbVersionRecord {
  version: number;
  title: string;
  product: string | null;
  audience: string;
  tags: string[];
  editedBy: string;
  editedAt: string;
  /** Characters of the body (history shows size, not text). */
  length: number;
}

export interface KbSearchHit extends KbArticleRecord {
  score: number;
  /** A line of the body around the first match (the title when the match is only there). */
  snippet: string;
}

export function parseAudience(text: string | undefined): Audience | undefined {
  if (text === undefined) return undefined;
  const a = text.trim().toLowerCase();
  if (!(AUDIENCES as readonly string[]).includes(a)) throw new UsageError(`Unknown audience "${text}".`, 'Use internal (the team only) or public (published by crm kb export --public).', 'bad_audience');
  return a as Audience;
}

/** "7", "#7" or "kb:7" → 7. */
export function parseArticleId(ref: string): number {
  const m = /^(?:kb:)?#?(\d+)$/i.exec(ref.trim());
  if (!m) throw new UsageError(`An article id is a number (7, kb:7), not "${ref}".`, 'Find it with: crm kb search WORDS', 'usage');
  return Number(m[1]);
}

function toRecord(r: ArticleRow, tags: string[]): KbArticleRecord {
  return {
    id: r.id,
    title: r.title,
    body: r.body,
    product: r.product,
    audience: r.audience as Audience,
    tags,
    version: r.version,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    archivedAt: r.archived_at,
  };
}

async function articleRow(db: Trx, ref: string | number): Promise<ArticleRow> {
  const id = typeof ref === 'number' ? ref : parseArticleId(ref);
  const row = await db.selectFrom('kb_articles').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`No knowledge-base article #${id}.`, 'List articles with: crm kb list');
  return row;
}

async function records(db: Trx, rows: ArticleRow[]): Promise<KbArticleRecord[]> {
  const tags = await tagsFor(db, 'kb', rows.map((r) => r.id));
  return rows.map((r) => toRecord(r, tags.get(r.id) ?? []));
}

function checkTitle(text: string | undefined): string {
  const title = cleanText(text);
  if (!title) throw new UserError('An article needs a title.', 'crm kb add "Reset a password" --body-file reset.md');
  rejectControlChars(title, 'The title');
  return title;
}

function checkBody(text: string): string {
  if (!text.trim()) throw new UserError('An article needs a body.', 'Give --body "…" or --body-file FILE (- for stdin).', 'missing_field');
  rejectControlChars(text.replace(/[\n\t\r]/g, ' '), 'The body');
  return text.replace(/\r\n/g, '\n');
}

export interface KbInput {
  title?: string;
  body?: string;
  product?: string;
  audience?: string;
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
}

async function writeVersion(trx: Trx, r: ArticleRow, tags: string[]): Promise<void> {
  await trx
    .insertInto('kb_article_versions')
    .values({ article_id: r.id, version: r.version, title: r.title, body: r.body, product: r.product, audience: r.audience, tags: tags.join(',') || null, edited_by: r.updated_by, edited_at: r.updated_at })
    .execute();
}

export async function addArticle(s: Session, input: KbInput): Promise<KbArticleDetail> {
  await authorize(s, 'kb.write');
  const title = checkTitle(input.title);
  const body = checkBody(input.body ?? '');
  const audience = parseAudience(input.audience) ?? 'internal';
  const tags = [...new Set((input.tags ?? []).map(normalizeTag))].sort();
  const at = nowIso(s);
  const values = { title, body, product: cleanText(input.product), audience, created_by: s.actor, updated_by: s.actor, created_at: at, updated_at: at };
  const id = await writeTransaction(s.db, async (trx) => {
    const row = await trx.insertInto('kb_articles').values(values).returningAll().executeTakeFirstOrThrow();
    if (tags.length) await setTags(trx, 'kb', row.id, tags);
    await writeVersion(trx, row, tags);
    await indexKbArticle(trx, s.db.engine, { id: row.id, title, body, live: true });
    await recordAudit(trx, { entity: 'kb', entityId: row.id, action: 'create', changes: diff({}, { title, product: values.product, audience, tags }), actor: s.actor, at });
    return row.id;
  });
  return showArticle(s, id);
}

/** An edit makes a new version (the old one stays readable); an edit that changes nothing is refused. */
export async function editArticle(s: Session, ref: string, input: KbInput): Promise<KbArticleDetail> {
  await authorize(s, 'kb.write');
  const at = nowIso(s);
  const id = await writeTransaction(s.db, async (trx) => {
    const r = await articleRow(trx, ref);
    if (r.archived_at) throw new UserError(`Article #${r.id} is archived.`, `Restore it first: crm kb restore ${r.id}`, 'archived');
    const current = (await tagsFor(trx, 'kb', [r.id])).get(r.id) ?? [];
    const next: Partial<ArticleRow> = {};
    if (input.title !== undefined && checkTitle(input.title) !== r.title) next.title = checkTitle(input.title);
    if (input.body !== undefined && checkBody(input.body) !== r.body) next.body = checkBody(input.body);
    if (input.product !== undefined) {
      const p = cleanText(input.product);
      const product = p === null || p.toLowerCase() === 'none' ? null : p;
      if (product !== r.product) next.product = product;
    }
    const audience = parseAudience(input.audience);
    if (audience !== undefined && audience !== r.audience) next.audience = audience;
    const remove = new Set((input.removeTags ?? []).map(normalizeTag));
    const tags = [...new Set([...current, ...(input.addTags ?? []).map(normalizeTag)])].filter((t) => !remove.has(t)).sort();
    const tagsChanged = tags.join(',') !== current.join(',');
    if (!Object.keys(next).length && !tagsChanged) throw new UserError(`Nothing to change: article #${r.id} already reads so.`, `See it: crm kb show ${r.id}`, 'no_change');
    const updated = { ...next, version: r.version + 1, updated_by: s.actor, updated_at: at };
    const row = await trx.updateTable('kb_articles').set(updated).where('id', '=', r.id).returningAll().executeTakeFirstOrThrow();
    if (tagsChanged) await setTags(trx, 'kb', r.id, tags);
    await writeVersion(trx, row, tags);
    if (next.title !== undefined || next.body !== undefined) await indexKbArticle(trx, s.db.engine, { id: r.id, title: row.title, body: row.body, live: true });
    const before: Record<string, unknown> = {};
    for (const k of Object.keys(next)) before[k] = (r as Record<string, unknown>)[k];
    const changes = diff(before, next as Record<string, unknown>);
    if ('body' in changes) changes.body = [`version ${r.version}`, `version ${row.version}`];
    if (tagsChanged) changes.tags = [current, tags];
    await recordAudit(trx, { entity: 'kb', entityId: r.id, action: 'update', changes, actor: s.actor, at });
    return r.id;
  });
  return showArticle(s, id);
}

async function setArchived(s: Session, ref: string, archive: boolean): Promise<KbArticleDetail> {
  await authorize(s, 'kb.write');
  const at = nowIso(s);
  const id = await writeTransaction(s.db, async (trx) => {
    const r = await articleRow(trx, ref);
    if (Boolean(r.archived_at) === archive) throw new UserError(`Article #${r.id} is ${archive ? 'already archived' : 'not archived'}.`, undefined, 'no_change');
    await trx.updateTable('kb_articles').set({ archived_at: archive ? at : null }).where('id', '=', r.id).execute();
    await indexKbArticle(trx, s.db.engine, { id: r.id, title: r.title, body: r.body, live: !archive });
    await recordAudit(trx, { entity: 'kb', entityId: r.id, action: archive ? 'archive' : 'restore', changes: { archivedAt: [r.archived_at, archive ? at : null] }, actor: s.actor, at });
    return r.id;
  });
  return showArticle(s, id);
}

export const archiveArticle = (s: Session, ref: string) => setArchived(s, ref, true);
export const restoreArticle = (s: Session, ref: string) => setArchived(s, ref, false);

/** One article (as of version N when given), with the tickets it is linked to. */
export async function showArticle(s: Session, ref: string | number, opts: { version?: number } = {}): Promise<KbArticleDetail> {
  const db = s.db.kysely;
  const r = await articleRow(db, ref);
  const [record] = await records(db, [r]);
  const tickets = await db
    .selectFrom('kb_ticket_links as l')
    .innerJoin('tickets as t', 't.id', 'l.ticket_id')
    .select(['t.id', 't.subject', 't.status'])
    .where('l.article_id', '=', r.id)
    .orderBy('t.id')
    .execute();
  const detail: KbArticleDetail = { ...record!, tickets, currentVersion: r.version };
  if (opts.version === undefined || opts.version === r.version) return detail;
  const v = await db.selectFrom('kb_article_versions').selectAll().where('article_id', '=', r.id).where('version', '=', opts.version).executeTakeFirst();
  if (!v) throw new NotFoundError(`Article #${r.id} has no version ${opts.version} (it is at version ${r.version}).`, `See its versions: crm kb history ${r.id}`);
  return { ...detail, title: v.title, body: v.body, product: v.product, audience: v.audience as Audience, tags: v.tags ? v.tags.split(',') : [], version: v.version, updatedBy: v.edited_by, updatedAt: v.edited_at };
}

export async function articleHistory(s: Session, ref: string): Promise<KbVersionRecord[]> {
  const r = await articleRow(s.db.kysely, ref);
  const rows = await s.db.kysely.selectFrom('kb_article_versions').selectAll().where('article_id', '=', r.id).orderBy('version', 'desc').execute();
  return rows.map((v) => ({ version: v.version, title: v.title, product: v.product, audience: v.audience, tags: v.tags ? v.tags.split(',') : [], editedBy: v.edited_by, editedAt: v.edited_at, length: [...v.body].length }));
}

export interface KbListOptions {
  audience?: string;
  product?: string;
  tag?: string;
  archived?: boolean;
  limit?: number;
}

export async function listArticles(s: Session, o: KbListOptions = {}): Promise<{ rows: KbArticleRecord[]; total: number }> {
  let q = s.db.kysely.selectFrom('kb_articles').selectAll();
  q = o.archived ? q.where('archived_at', 'is not', null) : q.where('archived_at', 'is', null);
  const audience = parseAudience(o.audience);
  if (audience) q = q.where('audience', '=', audience);
  if (o.product !== undefined) q = q.where('product', '=', o.product);
  if (o.tag !== undefined) q = q.where('id', 'in', s.db.kysely.selectFrom('tags').select('entity_id').where('entity_type', '=', 'kb').where('tag', '=', normalizeTag(o.tag)));
  const rows = await q.orderBy('updated_at', 'desc').orderBy('id', 'desc').execute();
  const all = await records(s.db.kysely, rows);
  return { rows: o.limit ? all.slice(0, o.limit) : all, total: all.length };
}

/** Articles whose title or body hold every term of the query (src/db/kb-search.ts), most relevant first. */
export async function searchArticles(s: Session, query: string, o: { audience?: string; limit?: number } = {}): Promise<KbSearchHit[]> {
  const terms = searchTerms(query);
  if (!terms.words.length && !terms.cjk.length) throw new UsageError('Search for something: crm kb search WORDS', 'crm kb search "reset password"');
  const hits = await searchKb(s.db, terms, { audience: parseAudience(o.audience), limit: o.limit ?? 20 });
  if (!hits.length) return [];
  const rows = await s.db.kysely.selectFrom('kb_articles').selectAll().where('id', 'in', hits.map((h) => h.id)).execute();
  const byId = new Map((await records(s.db.kysely, rows)).map((r) => [r.id, r]));
  return hits.flatMap((h) => {
    const r = byId.get(h.id);
    return r ? [{ ...r, score: Math.round(h.score * 1000) / 1000, snippet: snippetOf(r.body, [...terms.cjk, ...terms.words]) }] : [];
  });
}

/**
 * The body line holding the first term found, cut to about 80 characters (code points) around
 * it. Linear in the body and allocation-free past the one line it cuts: an 8 MB single-line
 * article took seconds when each line was spread into an array of characters.
 */
export function snippetOf(body: string, terms: string[]): string {
  const lines = body.split('\n');
  const folded: (string | undefined)[] = new Array(lines.length);
  const foldedAt = (i: number) => (folded[i] ??= lines[i]!.trim().normalize('NFKC').toLowerCase());
  for (const t of terms) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line) continue;
      const f = foldedAt(i);
      const hit = f.indexOf(t);
      if (hit < 0) continue;
      return cut(line, Math.max(0, codePointsIn(f, hit) - 30));
    }
  }
  return cut(lines.map((l) => l.trim()).find(Boolean) ?? '', 0);
}

/** How many code points the first `end` UTF-16 units of `s` hold. */
function codePointsIn(s: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isLow(c) && i > 0 && isHigh(s.charCodeAt(i - 1))) continue;
    n++;
  }
  return n;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** UTF-16 offset of code point `cp` in `s` (s.length when past its end). */
function offsetOf(s: string, cp: number, start = 0, from = 0): number {
  let i = start;
  for (let n = from; n < cp && i < s.length; n++) i += isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1)) ? 2 : 1;
  return i;
}

/** 80 code points of `line` from code point `from`, an ellipsis on each side that was cut. */
function cut(line: string, from: number): string {
  const a = offsetOf(line, from);
  const b = offsetOf(line, from + 80, a, from);
  return `${from > 0 ? '…' : ''}${line.slice(a, b)}${b < line.length ? '…' : ''}`;
}

/** Link an article to a ticket (idempotent: false when it already was). */
export async function linkArticle(s: Session, articleRef: string, ticketRef: string | number, unlink = false): Promise<{ articleId: number; ticketId: number; changed: boolean }> {
  const ticket = await getTicketRow(s.db.kysely, ticketRef);
  await authorize(s, 'ticket.write', { label: `ticket #${ticket.id}`, ownerId: ticket.assignee_id });
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const a = await articleRow(trx, articleRef);
    const t = await getTicketRow(trx, ticket.id);
    const existing = await trx.selectFrom('kb_ticket_links').select('article_id').where('article_id', '=', a.id).where('ticket_id', '=', t.id).executeTakeFirst();
    if (unlink ? !existing : existing) return { articleId: a.id, ticketId: t.id, changed: false };
    if (unlink) await trx.deleteFrom('kb_ticket_links').where('article_id', '=', a.id).where('ticket_id', '=', t.id).execute();
    else await trx.insertInto('kb_ticket_links').values({ article_id: a.id, ticket_id: t.id, linked_by: s.actor, linked_at: at }).execute();
    await recordAudit(trx, { entity: 'ticket', entityId: t.id, action: unlink ? 'unlink' : 'link', changes: { kb: unlink ? [a.id, null] : [null, a.id] }, actor: s.actor, at });
    return { articleId: a.id, ticketId: t.id, changed: true };
  });
}

/** The articles linked to a ticket (ticket show). */
export async function articlesForTicket(s: Session, ticketId: number): Promise<{ id: number; title: string; audience: string }[]> {
  return s.db.kysely
    .selectFrom('kb_ticket_links as l')
    .innerJoin('kb_articles as a', 'a.id', 'l.article_id')
    .select(['a.id', 'a.title', 'a.audience'])
    .where('l.ticket_id', '=', ticketId)
    .orderBy('a.id')
    .execute();
}

/** Every public, live article with its full text: what kb export --public publishes. */
export async function publicArticles(s: Session): Promise<KbArticleRecord[]> {
  const rows = await s.db.kysely.selectFrom('kb_articles').selectAll().where('audience', '=', 'public').where('archived_at', 'is', null).orderBy('title').orderBy('id').execute();
  return records(s.db.kysely, rows);
}

/** The page of an article in the public site (crm kb export --public) and in its URL. */
export const articleFile = (id: number): string => `article-${id}.html`;

export const KB_PUBLIC_URL_KEY = 'kb_public_url';

/** The address the public KB site (crm kb export --public) is published at, or null. */
export async function readKbPublicUrl(s: Pick<Session, 'db'>): Promise<string | null> {
  return readSetting(s.db.kysely, KB_PUBLIC_URL_KEY);
}

/** Set the public KB address: an http(s) URL, kept without a trailing slash. */
export async function writeKbPublicUrl(s: Session, text: string): Promise<string> {
  await authorize(s, 'kb.write');
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UserError(`"${text}" is not a web address.`, 'e.g. crm kb public-url https://help.example.com', 'invalid_url');
  const value = url.toString().replace(/\/+$/, '');
  await writeDefaultsKey(s, KB_PUBLIC_URL_KEY, value);
  return value;
}

/** What a reply may say about an article: {{kb.7.title}}, {{kb.7.url}} (src/domain/templates.ts). */
export interface KbMergeArticle {
  id: number;
  title: string;
  /** The public page's address; null with the reason when there is none. */
  url: string | null;
  /** Why this article cannot be cited at all (missing, archived); null when it can. */
  refused: string | null;
  /** Why it has no URL (internal, no public address set). */
  noUrl: string | null;
}

/** The articles `ids` for merge fields: archived and unknown ones are refused, internal ones have no URL. */
export async function kbArticlesForMerge(s: Session, ids: number[]): Promise<Map<number, KbMergeArticle>> {
  const out = new Map<number, KbMergeArticle>();
  if (!ids.length) return out;
  const rows = await s.db.kysely.selectFrom('kb_articles').select(['id', 'title', 'audience', 'archived_at']).where('id', 'in', ids).execute();
  const base = await readKbPublicUrl(s);
  for (const id of ids) {
    const r = rows.find((x) => x.id === id);
    if (!r) {
      out.set(id, { id, title: '', url: null, refused: `no knowledge-base article #${id}: crm kb list`, noUrl: null });
      continue;
    }
    const refused = r.archived_at !== null ? `article #${id} is archived: crm kb restore ${id}, or cite another` : null;
    const noUrl = r.audience !== 'public' ? `article #${id} is internal, not published: crm kb edit ${id} --audience public` : base === null ? 'no public KB address: crm kb public-url https://help.example.com' : null;
    out.set(id, { id, title: r.title, url: noUrl ? null : `${base}/${articleFile(id)}`, refused, noUrl });
  }
  return out;
}
