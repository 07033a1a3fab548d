/** `crm kb export --public DIR`: the public articles as a static HTML site (src/output/kb-site.ts). */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { publicArticles } from '../../domain/kb.js';
import { UsageError, UserError } from '../../errors.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

function checkTarget(dir: string, force: boolean | undefined): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is a file, not a folder.`, 'Name a new or empty folder: crm kb export --public site/');
    entries = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length && !force) {
    throw new UserError(`${dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}); crm will not write over it.`, `Name a new folder, or replace its pages: crm kb export --public ${dir} --force`, 'exists');
  }
}

export function register(noun: Command, ctx: CliContext): void {
  const cmd = noun
    .command('export')
    .description('write the public articles as a static HTML site (index + one page each; no scripts)')
    .argument('<dir>', 'the folder to write (new or empty; --force to write into a used one)')
    .option('--public', 'the public articles (the only kind exported: internal ones never leave)')
    .option('--title <text>', 'the site title (default "Help center")')
    .option('--force', 'write into a folder that already has files (pages of the same name are replaced, pages of articles no longer public removed)');
  examples(cmd, ['crm kb export --public site/', 'crm kb export --public /var/www/help --force --title "Acme help"', 'crm kb export --public site/ --json   # the files written']);
  cmd.action(async (dir: string, o: { public?: boolean; title?: string; force?: boolean }) => {
    if (!o.public) throw new UsageError('Say what to export: --public (internal articles are never exported).', `crm kb export --public ${dir}`);
    checkTarget(dir, o.force);
    const articles = await publicArticles(sessionOf(ctx));
    // marked loads only for an export, not for every kb command.
    const { renderKbSite } = await import('../../output/kb-site.js');
    const files = renderKbSite(articles, o.title?.trim() || undefined);
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, f.path), f.content);
    // An article archived or made internal since the last export must not stay published: its
    // old page goes (only pages this command writes, article-ID.html; nothing else in the folder).
    const written = new Set(files.map((f) => f.path));
    for (const name of readdirSync(dir)) if (/^article-\d+\.html$/.test(name) && !written.has(name)) rmSync(join(dir, name));
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ dir, articles: articles.length, files: files.map((f) => f.path) }) + '\n');
    info(ctx.io, `Wrote ${articles.length} public article${articles.length === 1 ? '' : 's'} and index.html to ${dir}`);
  });
}
