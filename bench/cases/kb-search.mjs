// Knowledge-base search at scale (issue #20): N articles (default 100,000; BENCH_KB_ARTICLES to
// change it — build small first) in a fresh SQLite database, then the search query itself
// (src/db/kb-search.ts, bundled on the fly, on the same open database as crm uses) timed in
// process, median of BENCH_RUNS runs per query. Target: every query under 50 ms of query time.
// The text mixes English, Persian and Japanese: words in the unicode61 index, the Japanese runs
// in the trigram one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-kb-'));
const N = Number(process.env.BENCH_KB_ARTICLES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET_MS = 50;

// The real search code and the real database opener (migrations included), not a copy.
const entry = join(dir, 'entry.ts');
const { writeFileSync } = await import('node:fs');
writeFileSync(entry, `export { openDatabase } from '${join(root, 'src/db/sqlite.ts')}';\nexport { searchKb, searchTerms, indexKbArticle } from '${join(root, 'src/db/kb-search.ts')}';\n`);
// Written under node_modules/.cache so that kysely and better-sqlite3 resolve from the repo.
const bundle = join(root, 'node_modules', '.cache', 'crm-bench', 'kb-search.mjs');
await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, external: ['better-sqlite3', 'kysely'], logLevel: 'error', absWorkingDir: root, nodePaths: [join(root, 'node_modules')] });
const { openDatabase, searchKb, searchTerms } = await import(pathToFileURL(bundle).href);

const db = openDatabase(join(dir, 'bench.db'));
// A help-desk vocabulary: 8,000 made-up words drawn Zipf-like (a few very common, most rare),
// plus the words the queries look for at known rates, so a query matches what it would in a
// real knowledge base (a common word in ~10% of the articles, a specific one in ~1%).
let seed = 11;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const syllables = 'ka lo mi re tu sa ne po di ga fe ru bo li na te vo zi'.split(' ');
const vocabulary = Array.from({ length: 8000 }, () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => syllables[Math.floor(rand() * syllables.length)]).join(''));
const zipf = () => vocabulary[Math.floor(Math.pow(rand(), 3) * vocabulary.length)];
const planted = [
  ['network', 0.1],
  ['printer', 0.02],
  ['firmware', 0.02],
  ['password', 0.01],
  ['invoice', 0.01],
  ['refund', 0.01],
  ['چاپگر', 0.01],
  ['شبکه', 0.01],
  ['プリンター', 0.01],
  ['設定', 0.01],
];
const sentence = (n) => Array.from({ length: n }, zipf).join(' ');
const article = () => {
  const extra = planted.filter(([, p]) => rand() < p).map(([w]) => w);
  const paragraphs = Array.from({ length: 6 }, () => sentence(25));
  for (const w of extra) paragraphs[Math.floor(rand() * paragraphs.length)] += ` ${w}`;
  return { title: `How to ${sentence(3)}${extra.length && rand() < 0.3 ? ` ${extra[0]}` : ''}`, body: paragraphs.join('.\n') };
};

const t0 = Date.now();
const insertArticle = db.sqlite.prepare("INSERT INTO kb_articles (id, title, body, audience, created_by, updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'bench', 'bench', '2026-11-20T00:00:00Z', '2026-11-20T00:00:00Z')");
const insertSearch = db.sqlite.prepare('INSERT INTO kb_search (rowid, title, body) VALUES (?, ?, ?)');
const insertCjk = db.sqlite.prepare('INSERT INTO kb_search_cjk (rowid, title, body) VALUES (?, ?, ?)');
const cjkRuns = (t) => (t.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+/gu) ?? []).join('\n');
db.sqlite.transaction(() => {
  for (let id = 1; id <= N; id++) {
    const { title, body } = article();
    insertArticle.run(id, title, body, rand() < 0.3 ? 'public' : 'internal');
    // As indexKbArticle writes them (the generated text is already in folded form).
    insertSearch.run(id, title.toLowerCase(), body.toLowerCase());
    if (cjkRuns(title + body)) insertCjk.run(id, cjkRuns(title), cjkRuns(body));
  }
})();
db.sqlite.exec("INSERT INTO kb_search (kb_search) VALUES ('optimize'); INSERT INTO kb_search_cjk (kb_search_cjk) VALUES ('optimize')");
console.log(`${N.toLocaleString('en')} articles inserted and indexed in ${Date.now() - t0} ms`);

let failed = 0;
for (const [query, opts] of [
  ['printer firmware', {}],
  ['password', {}],
  ['network', {}], // matches a large share of the articles: the ranking has the most to do
  ['چاپگر', {}],
  ['プリンター 設定', {}],
  ['print', {}], // a word prefix
  ['invoice refund', { audience: 'public' }],
  ['zzzz-not-there', {}],
]) {
  const terms = searchTerms(query);
  const times = [];
  const cpu = [];
  let hits = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    hits = await searchKb(db, terms, { limit: 20, ...opts });
    const used = process.cpuUsage(c);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const ms = median(times);
  const ok = ms < TARGET_MS;
  if (!ok) failed++;
  // CPU time next to wall time: on a shared, loaded machine the wall time includes waiting for a core.
  console.log(`${ok ? 'ok  ' : 'SLOW'} kb search "${query}"${opts.audience ? ` --audience ${opts.audience}` : ''}: ${ms.toFixed(1)} ms median wall, ${median(cpu).toFixed(1)} ms CPU (${hits.length} shown)`);
}
db.close();
rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
