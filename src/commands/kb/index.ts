/** `crm kb add|edit|show|history|list|search|archive|restore|export`: the knowledge base. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addArticle, archiveArticle, articleHistory, editArticle, listArticles, readKbPublicUrl, restoreArticle, searchArticles, showArticle, writeKbPublicUrl, type KbArticleDetail, type KbArticleRecord, type KbSearchHit, type KbVersionRecord } from '../../domain/kb.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { emit, isJsonFormat, printChanged, printCreated, printList, printRecord, toJson } from '../../output/render.js';
import { bodyOptions, readBody, type BodyFlags } from '../body-file.js';
import { collect, effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import * as exportVerb from './export.js';

const listView: ListView<KbArticleRecord> = [
  { key: 'id', label: 'ID', format: 'int', priority: 0 },
  { key: 'title', label: 'Title', maxWidth: 48, minWidth: 20, priority: 0 },
  { key: 'audience', label: 'Audience', priority: 2 },
  { key: 'product', label: 'Product', maxWidth: 20, priority: 3 },
  { key: 'tags', label: 'Tags', format: 'list', maxWidth: 30, priority: 4 },
  { key: 'version', label: 'Ver', format: 'int', priority: 5 },
  { key: 'updatedAt', label: 'Updated', format: 'age', priority: 4 },
];

const searchView: ListView<KbSearchHit> = [
  { key: 'id', label: 'ID', format: 'int', priority: 0 },
  { key: 'title', label: 'Title', maxWidth: 40, minWidth: 16, priority: 0 },
  { key: 'audience', label: 'Audience', priority: 3 },
  { key: 'snippet', label: 'Match', maxWidth: 60, minWidth: 20, priority: 1 },
  { key: 'score', label: 'Score', get: (h) => h.score.toFixed(2), align: 'right', priority: 4 },
];

const fields: ListView<KbArticleDetail> = [
  { key: 'id', label: 'Article', format: 'int' },
  { key: 'title', label: 'Title' },
  { key: 'audience', label: 'Audience' },
  { key: 'product', label: 'Product' },
  { key: 'tags', label: 'Tags', format: 'list' },
  { key: 'version', label: 'Version', get: (a) => (a.version === a.currentVersion ? String(a.version) : `${a.version} (current: ${a.currentVersion})`) },
  { key: 'createdBy', label: 'Created by' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedBy', label: 'Edited by' },
  { key: 'updatedAt', label: 'Edited', format: 'datetime' },
  { key: 'archivedAt', label: 'Archived', format: 'datetime' },
];

const ticketsView: ListView<KbArticleDetail['tickets'][number]> = [
  { key: 'id', label: 'Ticket', format: 'int' },
  { key: 'status', label: 'Status' },
  { key: 'subject', label: 'Subject', maxWidth: 60 },
];

const historyView: ListView<KbVersionRecord> = [
  { key: 'version', label: 'Version', format: 'int' },
  { key: 'editedAt', label: 'Edited', format: 'datetime' },
  { key: 'editedBy', label: 'By' },
  { key: 'title', label: 'Title', maxWidth: 40 },
  { key: 'audience', label: 'Audience' },
  { key: 'length', label: 'Chars', format: 'int' },
];

interface ArticleFlags extends BodyFlags {
  title?: string;
  product?: string;
  audience?: string;
  tag?: string[];
  untag?: string[];
}

function articleOptions(cmd: Command): Command {
  return bodyOptions(cmd, 'the article in Markdown')
    .option('--product <name>', 'the product it is about (none to clear)')
    .option('--audience <who>', 'internal (the team; default) or public (published by kb export --public)')
    .option('--tag <tag>', 'add a tag (repeatable, or comma-separated)', collect);
}

function printArticle(ctx: CliContext, a: KbArticleDetail): void {
  printRecord(ctx.out, a, fields, [
    { title: 'Body', text: a.body },
    { title: 'Linked tickets', view: ticketsView, rows: a.tickets },
  ]);
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('knowledge base: Markdown articles with versions, search in any script, a public HTML export');

  const add = articleOptions(noun.command('add').description('add an article (Markdown; --body-file - reads stdin)').argument('<title>', 'the title'));
  examples(add, ['crm kb add "Reset a password" --body-file reset.md --tag account --audience public', 'cat printer.md | crm kb add "Printer drops Wi-Fi" --body-file - --product "LaserJet 4" --tag printer', 'crm kb add "راهنمای نصب چاپگر" --body "…" --json']);
  add.action(async (title: string, o: ArticleFlags) => {
    const body = await readBody(ctx, o);
    const a = await addArticle(sessionOf(ctx), { title, body: body ?? '', product: o.product, audience: o.audience, tags: o.tag });
    printCreated(ctx.out, a.id, a);
    info(ctx.io, `Added article #${a.id} (${a.audience}, version 1)`);
  });

  const edit = articleOptions(noun.command('edit').description('change an article: a new version, the old one stays (kb history)').argument('<id>', 'article id').option('--title <text>', 'new title'))
    .option('--untag <tag>', 'remove a tag (repeatable)', collect);
  examples(edit, ['crm kb edit 7 --body-file reset.md', 'crm kb edit 7 --audience public --tag faq', 'crm kb edit 7 --title "Reset a password (SSO)" --json']);
  edit.action(async (id: string, o: ArticleFlags) => {
    const body = await readBody(ctx, o);
    const a = await editArticle(sessionOf(ctx), id, { title: o.title, body, product: o.product, audience: o.audience, addTags: o.tag, removeTags: o.untag });
    printChanged(ctx.out, a);
    info(ctx.io, `Article #${a.id} is now at version ${a.version}`);
  });

  const show = noun.command('show').description('one article: fields, body and linked tickets').argument('<id>', 'article id (7 or kb:7)').option('--rev <n>', 'an earlier version (crm kb history lists them; --version is crm\'s own version)', positiveInt('--rev'));
  examples(show, ['crm kb show 7', 'crm kb show 7 --rev 1   # version 1, as first written', 'crm kb show 7 --json | jq -r .body']);
  show.action(async (id: string, o: { rev?: number }) => printArticle(ctx, await showArticle(sessionOf(ctx), id, { version: o.rev })));

  const history = noun.command('history').description('every version of an article, newest first').argument('<id>', 'article id');
  examples(history, ['crm kb history 7', 'crm kb show 7 --rev 2   # read one']);
  history.action(async (id: string) => printList(ctx.out, historyView, await articleHistory(sessionOf(ctx), id)));

  const list = noun
    .command('list')
    .alias('ls')
    .description('articles, most recently edited first')
    .option('--audience <who>', 'internal or public')
    .option('--product <name>', 'only this product')
    .option('--tag <tag>', 'only articles with this tag')
    .option('--archived', 'archived articles instead')
    .option('--limit <n>', 'at most N rows', positiveInt('--limit'))
    .option('--all', 'every row');
  examples(list, ['crm kb list', 'crm kb list --audience public --tag faq', 'crm kb list --json']);
  list.action(async (o: { audience?: string; product?: string; tag?: string; archived?: boolean; limit?: number; all?: boolean }) => {
    const { rows, total } = await listArticles(sessionOf(ctx), { ...o, limit: effectiveLimit(ctx, o.limit, o.all) });
    printList(ctx.out, listView, rows, { emptyMessage: o.archived ? 'No archived articles.' : 'No articles yet: crm kb add "Title" --body-file FILE' });
    noteTruncated(ctx, rows.length, total, 'articles');
  });

  const search = noun
    .command('search')
    .description('find articles by words in the title or body, most relevant first (any script: Persian, CJK…)')
    .argument('<words...>', 'what to look for (every word must occur)')
    .option('--audience <who>', 'internal or public only')
    .option('--limit <n>', 'at most N results (default 20)', positiveInt('--limit'));
  examples(search, ['crm kb search reset password', 'crm kb search چاپگر', 'crm kb search プリンター --json', 'crm kb search wifi --audience public --limit 5']);
  search.action(async (words: string[], o: { audience?: string; limit?: number }) => {
    const hits = await searchArticles(sessionOf(ctx), words.join(' '), o);
    printList(ctx.out, searchView, hits, { emptyMessage: `No article mentions "${words.join(' ')}".` });
  });

  for (const [verb, fn, what] of [['archive', archiveArticle, 'archived'], ['restore', restoreArticle, 'restored']] as const) {
    const cmd = noun.command(verb).description(verb === 'archive' ? 'archive an article (kept with its versions; hidden from list, search and export)' : 'bring an archived article back').argument('<id>', 'article id');
    examples(cmd, [`crm kb ${verb} 7`]);
    cmd.action(async (id: string) => {
      const a = await fn(sessionOf(ctx), id);
      printChanged(ctx.out, a);
      info(ctx.io, `Article #${a.id} ${what}`);
    });
  }

  const url = noun.command('public-url').description('show or set the address the public KB is published at (for {{kb.ID.url}} in reply templates)').argument('[url]', 'the new address, e.g. https://help.example.com');
  examples(url, ['crm kb public-url https://help.example.com', 'crm kb public-url', 'crm template add see-article --body "See {{kb.7.title}}: {{kb.7.url}}"']);
  url.action(async (text: string | undefined) => {
    const s = sessionOf(ctx);
    const value = text !== undefined ? await writeKbPublicUrl(s, text) : await readKbPublicUrl(s);
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ publicUrl: value }) + '\n');
    else if (value) emit(ctx.out, value + '\n');
    else info(ctx.io, 'No public KB address yet. Set it: crm kb public-url https://help.example.com');
  });

  exportVerb.register(noun, ctx);
}
