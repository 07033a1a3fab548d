/**
 * Knowledge-base search, the one place the two engines differ for it. The meaning is the same on
 * both. The query is folded (crm_fold: case, NFKC, Arabic-script variants) and split into terms:
 * - a run of Chinese, Japanese or Korean characters is a CJK term, found anywhere in the text
 *   (these scripts are written without spaces, so there are no words to look up);
 * - anything else is split on what is not a letter, digit or mark into word terms, each found as
 *   the beginning of a word ("print" finds "printer"; Persian and Arabic words alike).
 * An article matches when every term is found in its title or body; matches are ranked by
 * relevance, title matches above body matches.
 *
 * SQLite: two FTS5 tables hold each live article's folded title and body, kept in step by
 * indexKbArticle in the article's write transaction — kb_search (unicode61 tokenizer) for words,
 * ranked by bm25 with the title weighted 10:1; kb_search_cjk (trigram tokenizer) for the CJK runs
 * only, so the large trigram index is paid only for CJK text. CJK terms of one or two characters
 * (shorter than a trigram) are matched with LIKE over that small table.
 * PostgreSQL: to_tsvector('simple', …) @@ prefix tsquery over crm_fold(title || ' ' || body)
 * (GIN expression index) for words, LIKE on the same expression (pg_trgm GIN index when the
 * server has it) for CJK terms; ranked by ts_rank plus one point per term in the title.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AnyDb, Engine } from './engine.js';
import { fold } from './fold.js';
import type { Trx } from './transaction.js';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々〆]+/gu;

/** The CJK runs of a (folded) text, one per line: what kb_search_cjk indexes. */
function cjkRuns(text: string): string {
  return (text.match(CJK) ?? []).join('\n');
}

/** Write (or replace) the search entries of an article; remove them with `live: false` (archived). */
export async function indexKbArticle(trx: Trx, engine: Engine, a: { id: number; title: string; body: string; live: boolean }): Promise<void> {
  if (engine !== 'sqlite') return; // PostgreSQL's indexes are on kb_articles itself
  await sql`DELETE FROM kb_search WHERE rowid = ${a.id}`.execute(trx);
  await sql`DELETE FROM kb_search_cjk WHERE rowid = ${a.id}`.execute(trx);
  if (!a.live) return;
  const [title, body] = [fold(a.title), fold(a.body)];
  await sql`INSERT INTO kb_search (rowid, title, body) VALUES (${a.id}, ${title}, ${body})`.execute(trx);
  const [ct, cb] = [cjkRuns(title), cjkRuns(body)];
  if (ct || cb) await sql`INSERT INTO kb_search_cjk (rowid, title, body) VALUES (${a.id}, ${ct}, ${cb})`.execute(trx);
}

export interface SearchTerms {
  /** Word terms: each must begin a word. */
  words: string[];
  /** CJK terms: each must occur as a run of characters. */
  cjk: string[];
}

/** The folded terms of a query (both lists empty when it has none). */
export function searchTerms(query: string): SearchTerms {
  const folded = fold(query);
  const cjk = [...new Set(folded.match(CJK) ?? [])];
  const rest = folded.replace(CJK, ' ');
  const words = [...new Set(rest.split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean))];
  return { words, cjk };
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

const ftsWord = (t: string) => `"${t.replace(/"/g, '""')}"*`;
const ftsPhrase = (t: string) => `"${t.replace(/"/g, '""')}"`;
const likePattern = (t: string) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchKb(db: AnyDb, terms: SearchTerms, opts: KbSearchOptions): Promise<KbHit[]> {
  if (!terms.words.length && !terms.cjk.length) return [];
  const audience = opts.audience === undefined ? sql`` : sql` AND a.audience = ${opts.audience}`;
  const rows =
    db.engine !== 'sqlite'
      ? await searchPostgres(db, terms, audience, opts.limit)
      : terms.cjk.length || opts.audience !== undefined
        ? await searchSqlite(db, terms, audience, opts.limit)
        : await searchSqliteWords(db, terms.words, opts.limit);
  return rows.map((r) => ({ id: Number(r.id), score: Number(r.score) }));
}

/**
 * Words only, every audience: rank and cut to the limit inside the FTS5 table before touching
 * kb_articles (archived articles have no entry there), a third cheaper for a word that many
 * articles hold.
 */
async function searchSqliteWords(db: AnyDb, words: string[], limit: number): Promise<KbHit[]> {
  const q = sql<KbHit>`SELECT rowid AS "id", -bm25(kb_search, 10.0, 1.0) AS "score" FROM kb_search
    WHERE kb_search MATCH ${words.map(ftsWord).join(' ')} ORDER BY 2 DESC, rowid LIMIT ${limit}`;
  return (await q.execute(db.kysely)).rows;
}

async function searchSqlite(db: AnyDb, terms: SearchTerms, audience: RawBuilder<unknown>, limit: number): Promise<KbHit[]> {
  const long = terms.cjk.filter((t) => [...t].length >= 3);
  const short = terms.cjk.filter((t) => [...t].length < 3);
  const cjkConds = [
    ...(long.length ? [sql`a.id IN (SELECT rowid FROM kb_search_cjk WHERE kb_search_cjk MATCH ${long.map(ftsPhrase).join(' ')})`] : []),
    ...short.map((t) => sql`a.id IN (SELECT rowid FROM kb_search_cjk WHERE title LIKE ${likePattern(t)} ESCAPE '\\' OR body LIKE ${likePattern(t)} ESCAPE '\\')`),
  ];
  const cjkWhere = cjkConds.length ? sql` AND ${sql.join(cjkConds, sql` AND `)}` : sql``;
  const cjkTitle = terms.cjk.length ? sql` + (SELECT ${titleHits(terms.cjk, 'c.title')} FROM kb_search_cjk c WHERE c.rowid = a.id)` : sql``;
  const q = terms.words.length
    ? sql<KbHit>`SELECT a.id AS "id", -bm25(kb_search, 10.0, 1.0)${cjkTitle} AS "score" FROM kb_search s JOIN kb_articles a ON a.id = s.rowid
        WHERE kb_search MATCH ${terms.words.map(ftsWord).join(' ')} AND a.archived_at IS NULL${audience}${cjkWhere}
        ORDER BY 2 DESC, a.id LIMIT ${limit}`
    : sql<KbHit>`SELECT a.id AS "id", 0${cjkTitle} AS "score" FROM kb_articles a
        WHERE a.archived_at IS NULL${audience}${cjkWhere} ORDER BY 2 DESC, a.id LIMIT ${limit}`;
  return (await q.execute(db.kysely)).rows;
}

async function searchPostgres(db: AnyDb, terms: SearchTerms, audience: RawBuilder<unknown>, limit: number): Promise<KbHit[]> {
  const doc = sql`crm_fold(a.title || ' ' || a.body)`;
  const vector = sql`to_tsvector('simple', ${doc})`;
  // Word terms hold only letters, digits and marks: nothing tsquery would read as an operator.
  const query = terms.words.map((w) => `${w}:*`).join(' & ');
  const conds = [...(terms.words.length ? [sql`${vector} @@ to_tsquery('simple', ${query})`] : []), ...terms.cjk.map((t) => sql`${doc} LIKE ${likePattern(t)}`)];
  const rank = terms.words.length ? sql`ts_rank(${vector}, to_tsquery('simple', ${query}))` : sql`0`;
  const q = sql<KbHit>`SELECT a.id AS "id", ${rank} + ${titleHits([...terms.words, ...terms.cjk], sql`crm_fold(a.title)`)} AS "score"
    FROM kb_articles a WHERE ${sql.join(conds, sql` AND `)} AND a.archived_at IS NULL${audience}
    ORDER BY 2 DESC, a.id LIMIT ${limit}`;
  return (await q.execute(db.kysely)).rows;
}

/** How many of the terms the (folded) title holds: one point each. */
function titleHits(terms: string[], title: string | RawBuilder<unknown>): RawBuilder<unknown> {
  const col = typeof title === 'string' ? sql.raw(title) : title;
  return sql`(${sql.join(terms.map((t) => sql`CASE WHEN instr(${col}, ${t}) > 0 THEN 1 ELSE 0 END`), sql` + `)})`;
}
