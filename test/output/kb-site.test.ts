/** The public knowledge-base site: hostile Markdown is published as text, never as markup (#20). */
import { describe, expect, it } from 'vitest';
import { renderKbSite, safeUrl } from '../../src/output/kb-site.js';

const article = (body: string, title = 'Help') => ({ id: 1, title, body, product: null, tags: [], updatedAt: '2026-11-20T10:00:00.000Z' });
const page = (body: string, title?: string) => renderKbSite([article(body, title)])[1]!.content;

describe('renderKbSite', () => {
  it('renders Markdown with a well-kept library: headings, emphasis, lists, code, tables', () => {
    const html = page('# Setup\n\n**Bold** and `code`\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
    expect(html).toContain('<h1>Setup</h1>');
    expect(html).toContain('<strong>Bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>two</li>');
    expect(html).toContain('<td>2</td>');
  });

  it('prints raw HTML as text: scripts, event handlers, iframes', () => {
    const html = page('<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> there\n\n<iframe src="https://evil.example"></iframe>\n\n<a href="javascript:alert(1)">x</a>');
    expect(html).not.toMatch(/<script|<img src=x|<iframe|<a href="javascript/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('neutralises dangerous link and image targets, keeps safe ones', () => {
    const html = page('[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](<java\tscript:alert(1)>) [d](vbscript:x) ![e](data:image/svg+xml;base64,AAAA) [f][ref] <javascript:alert(2)>\n\n[ref]: javascript:alert(3)\n\n[ok](https://example.com/a?b=1&c=2) [mail](mailto:help@example.com) [rel](other.html#top)');
    // Inert text may still read "javascript:", but no attribute carries a dangerous target.
    expect(html).not.toMatch(/(href|src)="[^"]*(javascript|vbscript|data):/i);
    expect(html.match(/href="#"/g)!.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('src="#"');
    expect(html).toContain('href="https://example.com/a?b=1&amp;c=2"');
    expect(html).toContain('href="mailto:help@example.com"');
    expect(html).toContain('href="other.html#top"');
    expect(safeUrl(' javascript:alert(1)')).toBe('#');
    expect(safeUrl('https://example.com')).toBe('https://example.com');
  });

  it('escapes titles and strips terminal escape sequences; pages allow no scripts', () => {
    const files = renderKbSite([article('body \u001b[31mred\u001b[0m', '</title><script>x</script> \u001b]0;pwned\u0007 "q" & <b>')]);
    for (const f of files) {
      expect(f.content).not.toMatch(/<script|\u001b|\u0007/);
      expect(f.content).toContain(`content="default-src 'none'`);
    }
    expect(files[1]!.content).toContain('<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; ]0;pwned &quot;q&quot; &amp; &lt;b&gt;</title>');
    expect(files[0]!.content).toContain('href="article-1.html"');
  });
});
