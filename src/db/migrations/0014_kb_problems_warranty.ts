/**
 * Frozen once shipped. The support desk's knowledge loop (issue #20): knowledge-base articles
 * with every earlier version kept, problems (root causes) that link many tickets, article ↔
 * ticket links, and the simple form of warranty — an end date on the ticket or its company —
 * plus a free-text product on tickets (what `report recurring --by product` groups by).
 *
 * kb_search and kb_search_cjk are SQLite's full-text indexes of the articles (FTS5): words
 * (unicode61 tokenizer; Latin, Persian, Arabic, Cyrillic… are written with spaces) and the
 * runs of Chinese, Japanese and Korean text (trigram tokenizer: any run of three characters, as
 * these scripts have no spaces to split words on). Both hold folded text (crm_fold), written by
 * src/db/kb-search.ts in the same transaction as the article; PostgreSQL has expression indexes
 * instead (its twin).
 */
export const version = 14;
export const name = 'knowledge base, problems, warranty';
export const sql = `
CREATE TABLE kb_articles (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  product TEXT,
  audience TEXT NOT NULL DEFAULT 'internal',
  version INTEGER NOT NULL DEFAULT 1,
  created_by TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE TABLE kb_article_versions (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES kb_articles(id),
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  product TEXT,
  audience TEXT NOT NULL,
  tags TEXT,
  edited_by TEXT NOT NULL,
  edited_at TEXT NOT NULL,
  UNIQUE (article_id, version)
);
CREATE TABLE kb_ticket_links (
  article_id INTEGER NOT NULL REFERENCES kb_articles(id),
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  linked_by TEXT NOT NULL,
  linked_at TEXT NOT NULL,
  PRIMARY KEY (article_id, ticket_id)
);
CREATE INDEX kb_ticket_links_ticket ON kb_ticket_links(ticket_id);
CREATE TABLE problems (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'investigating',
  owner_id INTEGER REFERENCES users(id),
  root_cause TEXT,
  fix_version TEXT,
  product TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE problem_tickets (
  problem_id INTEGER NOT NULL REFERENCES problems(id),
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  linked_by TEXT NOT NULL,
  linked_at TEXT NOT NULL,
  PRIMARY KEY (problem_id, ticket_id)
);
CREATE INDEX problem_tickets_ticket ON problem_tickets(ticket_id);
ALTER TABLE tickets ADD COLUMN product TEXT;
ALTER TABLE tickets ADD COLUMN warranty_until TEXT;
ALTER TABLE companies ADD COLUMN warranty_until TEXT;
CREATE VIRTUAL TABLE kb_search USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE kb_search_cjk USING fts5(title, body, tokenize = 'trigram');
`;
