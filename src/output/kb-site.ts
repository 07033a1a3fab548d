/**
 * The public knowledge base as a static, self-contained HTML site: index.html and one page per
 * article (article-ID.html), inline CSS, no scripts. Markdown is rendered by `marked` (a
 * well-kept CommonMark/GFM library); what an article could smuggle in is neutralised here, in
 * the one place HTML is made:
 * - raw HTML in the Markdown (<script>, <iframe>, onerror=…) is printed as text, never as markup;
 * - link and image targets other than http(s), mailto, tel, relative paths and #anchors
 *   (javascript:, data:, vbscript:, …) become "#";
 * - titles, tags and products are HTML-escaped, and control characters (terminal escapes) removed;
 * - every page carries a Content-Security-Policy that allows no script at all, as a second wall.
 */
import { Marked, type Tokens } from 'marked';
import { articleFile } from '../domain/kb.js';

export interface SiteArticle {
  id: number;
  title: string;
  body: string;
  product: string | null;
  tags: string[];
  updatedAt: string;
}

export interface SiteFile {
  path: string;
  content: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function escapeHtml(text: string): string {
  return text.replace(CONTROL, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A link target safe to publish, else "#". */
export function safeUrl(href: string): string {
  // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:"): so do we.
  const probe = href.replace(/[\u0000-\u0020\u007F-\u009F]/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(probe);
  if (!scheme) return /^&#|^%/.test(probe) ? '#' : href; // no scheme: relative or #anchor (entity tricks refused)
  return ['http', 'https', 'mailto', 'tel'].includes(scheme[1]!) ? href : '#';
}

function markdownRenderer(): Marked {
  return new Marked({
    gfm: true,
    walkTokens(token) {
      if (token.type === 'link' || token.type === 'image') (token as Tokens.Link).href = safeUrl((token as Tokens.Link).href);
    },
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(token.text);
      },
    },
  });
}

const STYLE = `body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Tahoma,"Noto Sans",sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
a{color:#0a58ca}h1{font-size:1.7rem}pre{background:#f4f4f4;padding:.8rem;overflow:auto}code{background:#f4f4f4;padding:0 .2rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem}.meta{color:#666;font-size:.9rem}ul.articles li{margin:.4rem 0}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body dir="auto">
${body}
</body>
</html>
`;
}

function meta(a: SiteArticle): string {
  const parts = [a.product ? `Product: ${escapeHtml(a.product)}` : '', a.tags.length ? `Tags: ${a.tags.map(escapeHtml).join(', ')}` : '', `Updated ${escapeHtml(a.updatedAt.slice(0, 10))}`].filter(Boolean);
  return `<p class="meta">${parts.join(' · ')}</p>`;
}

export { articleFile };

/** Every file of the site: index.html first. `siteTitle` heads the index. */
export function renderKbSite(articles: SiteArticle[], siteTitle = 'Help center'): SiteFile[] {
  const md = markdownRenderer();
  const items = articles.map((a) => `<li><a href="${articleFile(a.id)}">${escapeHtml(a.title)}</a>${a.product ? ` <span class="meta">(${escapeHtml(a.product)})</span>` : ''}</li>`);
  const index = page(siteTitle, `<h1>${escapeHtml(siteTitle)}</h1>\n${articles.length ? `<ul class="articles">\n${items.join('\n')}\n</ul>` : '<p>No articles yet.</p>'}`);
  return [
    { path: 'index.html', content: index },
    ...articles.map((a) => ({
      path: articleFile(a.id),
      content: page(a.title, `<p><a href="index.html">← ${escapeHtml(siteTitle)}</a></p>\n<article>\n<h1>${escapeHtml(a.title)}</h1>\n${meta(a)}\n${md.parse(a.body.replace(CONTROL, ''), { async: false }) as string}</article>`),
    })),
  ];
}
