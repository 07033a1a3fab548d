/**
 * Knowledge-base search, the one place the two engines differ for it. The meaning is the same on
 * both: the query is folded (crm_fold: case, NFKC, Arabic-script variants) and split on spaces;
 * an article matches when every term occurs in its folded title or body — as a run of
 * characters, not a whole word, so Persian, Japanese and Chinese text need no word splitting —
 * and matches are ranked by relevance, a title match above a body match.
 *
 * SQLite: the FTS5 table kb_search (trigram tokenizer) holds each live article's folded title
 * and body, kept in step by indexKbArticle in the article's write transaction; ranked by bm25
 * with the title weighted 10:1. Terms shorter than three characters (which a trigram index
 * cannot look up) are checked with instr on the candidates.
 * PostgreSQL: LIKE over crm_fold(title || ' ' || body), served by the pg_trgm GIN index the
 * migration creates, ranked by ts_rank over the words plus one point per term in the title.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AnyDb, Engine } from './engine.js';
import { fold } from './fold.js';
import type { Trx } from './transaction.js';

/** Write (or replace) the search entry of an article; remove it with `live: false` (archived). */
export async function indexKbArticle(trx: Trx, engine: Engine, a: { id: number; title: string; body: string; live: boolean }): Promise<void> {
  if (engine !== 'sqlite') return; // PostgreSQL's indexes are on kb_articles itself
  await sql`DELETE FROM kb_search WHERE rowid = ${a.id}`.execute(trx);
  if (a.live) await sql`INSERT INTO kb_search (rowid, title, body) VALUES (${a.id}, ${fold(a.title)}, ${fold(a.body)})`.execute(trx);
}

export interface KbSearchOptions {
  /** Only articles for this audience (public: what customers may read). */
  audience?: string;
  limit: number;
}

export interface KbHit {
  id: number;
  /** Higher is more relevant (comparable within one search only). */
  score: number;
}

/** The folded terms of a query (empty when it has none). */
export function searchTerms(query: string): string[] {
  return [...new Set(fold(query).split(' ').filter(Boolean))];
}

const quoteFts = (t: string) => `"${t.replace(/"/g, '""')}"`;
const likePattern = (t: string) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchKb(db: AnyDb, terms: string[], opts: KbSearchOptions): Promise<KbHit[]> {
  if (!terms.length) return [];
  const audience = opts.audience === undefined ? sql`` : sql` AND a.audience = ${opts.audience}`;
  if (db.engine === 'sqlite') {
    const long = terms.filter((t) => [...t].length >= 3);
    const short = terms.filter((t) => [...t].length < 3);
    const shortCond = short.length ? sql` AND ${sql.join(short.map((t) => sql`instr(s.title || ' ' || s.body, ${t}) > 0`), sql` AND `)}` : sql``;
    const q = long.length
      ? sql<KbHit>`SELECT a.id AS "id", -bm25(kb_search, 10.0, 1.0) AS "score" FROM kb_search s JOIN kb_articles a ON a.id = s.rowid
          WHERE kb_search MATCH ${long.map(quoteFts).join(' ')} AND a.archived_at IS NULL${audience}${shortCond}
          ORDER BY bm25(kb_search, 10.0, 1.0), a.id LIMIT ${opts.limit}`
      : sql<KbHit>`SELECT a.id AS "id", ${titleHits(short, 's.title')} AS "score" FROM kb_search s JOIN kb_articles a ON a.id = s.rowid
          WHERE a.archived_at IS NULL${audience}${shortCond} ORDER BY 2 DESC, a.id LIMIT ${opts.limit}`;
    return (await q.execute(db.kysely)).rows.map((r) => ({ id: Number(r.id), score: Number(r.score) }));
  }
  const doc = sql`crm_fold(a.title || ' ' || a.body)`;
  const all = sql.join(terms.map((t) => sql`${doc} LIKE ${likePattern(t)}`), sql` AND `);
  const q = sql<KbHit>`SELECT a.id AS "id",
      ts_rank(to_tsvector('simple', ${doc}), plainto_tsquery('simple', ${terms.join(' ')})) + ${titleHits(terms, sql`crm_fold(a.title)`)} AS "score"
    FROM kb_articles a WHERE ${all} AND a.archived_at IS NULL${audience}
    ORDER BY 2 DESC, a.id LIMIT ${opts.limit}`;
  return (await q.execute(db.kysely)).rows.map((r) => ({ id: Number(r.id), score: Number(r.score) }));
}

/** How many of the terms the (folded) title holds: one point each. */
function titleHits(terms: string[], title: string | RawBuilder<unknown>): RawBuilder<unknown> {
  const col = typeof title === 'string' ? sql.raw(title) : title;
  return sql`(${sql.join(terms.map((t) => sql`CASE WHEN instr(${col}, ${t}) > 0 THEN 1 ELSE 0 END`), sql` + `)})`;
}
