/**
 * The knowledge base, problems (with report recurring) and warranty on both engines (#20): the
 * same bin/crm command lines against a fresh SQLite file and a fresh PostgreSQL database.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crmAsync, ENGINES, useEngineDb, type CrmResult } from '../helpers/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-kb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = <T = Record<string, unknown>>(r: CrmResult): T => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};
const ids = (r: CrmResult) => json<{ id: number }[]>(r).map((h) => h.id);

describe.each(ENGINES)('knowledge base, problems and warranty on %s', (engine) => {
  const db = useEngineDb(engine, 'kb');
  const crm = (args: string[], env: Record<string, string> = {}) => crmAsync(db.url, args, env);
  /** bin/crm with text on stdin (--body-file -). */
  const crmWithInput = (url: string, args: string[], input: string) => crmAsync(url, args, {}, input);

  it('migrates, and the OS login is the admin', async () => {
    expect((await crm(['db', 'migrate'])).code).toBe(0);
    expect((await crm(['user', 'list'])).code).toBe(0);
    expect((await crm(['user', 'add', 'anna', '--name', 'Anna Berg', '--role', 'agent'])).code).toBe(0);
  }, 300_000);

  it('adds articles from a file and stdin, in Latin, Persian and Japanese script, and finds each by search', async () => {
    const file = join(dir, `${engine}-wifi.md`);
    writeFileSync(file, '# Wi-Fi drops\n\nRenew the DHCP lease, then restart the printer.\n');
    expect(json(await crm(['kb', 'add', 'Printer loses Wi-Fi', '--body-file', file, '--tag', 'printer', '--product', 'LaserJet 4', '--audience', 'public', '--json']))).toMatchObject({ id: 1, version: 1, audience: 'public', tags: ['printer'], product: 'LaserJet 4' });
    expect((await crmWithInput(db.url, ['kb', 'add', 'راهنمای نصب چاپگر', '--body-file', '-'], 'ابتدا کابل چاپگر را وصل کنید و سپس دکمه روشن را بزنید.\n')).stdout).toBe('2\n');
    expect((await crm(['kb', 'add', 'プリンターの設定', '--body', 'プリンターの設定方法について説明します。無線LANに接続してください。', '--audience', 'public'])).stdout).toBe('3\n');
    // Mentions the printer only in the body: ranked below the article with it in the title.
    expect((await crm(['kb', 'add', 'Toner codes', '--body', 'Which toner fits which printer model.'])).stdout).toBe('4\n');

    expect(ids(await crm(['kb', 'search', 'printer', '--json']))).toEqual([1, 4]);
    expect(ids(await crm(['kb', 'search', 'PRINTER', 'dhcp', '--json']))).toEqual([1]);
    expect(ids(await crm(['kb', 'search', 'print', '--json']))).toEqual([1, 4]); // the beginning of a word
    expect(ids(await crm(['kb', 'search', 'rinter', '--json']))).toEqual([]); // …not its middle
    expect(ids(await crm(['kb', 'search', 'چاپگر', '--json']))).toEqual([2]);
    // Arabic-script variants fold together: Arabic yeh (ي) finds Persian yeh (ی).
    expect(ids(await crm(['kb', 'search', 'راهنماي', '--json']))).toEqual([2]);
    expect(ids(await crm(['kb', 'search', 'プリンター', '--json']))).toEqual([3]);
    expect(ids(await crm(['kb', 'search', '無線', '--json']))).toEqual([3]); // two characters: shorter than a trigram
    expect(ids(await crm(['kb', 'search', '設定方法', 'プリンター', '--json']))).toEqual([3]); // CJK: anywhere in the text
    expect(ids(await crm(['kb', 'search', '設定方法', 'printer', '--json']))).toEqual([]);
    expect(ids(await crm(['kb', 'search', 'printer', '--audience', 'public', '--json']))).toEqual([1]);
    const none = await crm(['kb', 'search', 'nothing-like-this']);
    expect(none.code).toBe(0);
    expect(none.stdout.split('\n').filter(Boolean).slice(1)).toEqual([]); // at most the header row (piped)
  }, 300_000);

  it('keeps every version: edit, history, show --rev', async () => {
    expect(json(await crm(['kb', 'edit', '1', '--title', 'Printer loses Wi-Fi after firmware 4.2', '--json']))).toMatchObject({ version: 2 });
    expect(json(await crm(['kb', 'edit', '1', '--body', 'Update to firmware 4.3.', '--untag', 'printer', '--json']))).toMatchObject({ version: 3, tags: [] });
    const same = await crm(['kb', 'edit', '1', '--body', 'Update to firmware 4.3.']);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/Nothing to change/);
    expect(json<{ version: number }[]>(await crm(['kb', 'history', '1', '--json'])).map((v) => v.version)).toEqual([3, 2, 1]);
    const v1 = json(await crm(['kb', 'show', '1', '--rev', '1', '--json']));
    expect(v1).toMatchObject({ version: 1, currentVersion: 3, title: 'Printer loses Wi-Fi', tags: ['printer'] });
    expect(v1.body).toContain('Renew the DHCP lease');
    expect((await crm(['kb', 'show', '1', '--rev', '9'])).stderr).toMatch(/no version 9/);
    // Search sees the current text only.
    expect(ids(await crm(['kb', 'search', 'dhcp', '--json']))).toEqual([]);
    expect(ids(await crm(['kb', 'search', 'firmware', '--json']))).toEqual([1]);
  }, 300_000);

  it('links articles and tickets, shown on both sides; archive hides from search', async () => {
    expect((await crm(['ticket', 'open', 'Printer offline', '--json'])).code).toBe(0);
    expect((await crm(['ticket', 'link', '1', 'kb:1'])).code).toBe(0);
    expect(json(await crm(['ticket', 'show', '1', '--json']))).toMatchObject({ articles: [{ id: 1, title: 'Printer loses Wi-Fi after firmware 4.2', audience: 'public' }] });
    expect(json(await crm(['kb', 'show', '1', '--json']))).toMatchObject({ tickets: [{ id: 1, subject: 'Printer offline' }] });
    expect((await crm(['ticket', 'show', '1'])).stdout).toMatch(/Knowledge base \(1\)/);
    expect((await crm(['ticket', 'link', '1', 'kb:99'])).code).toBe(1);
    expect((await crm(['ticket', 'link', '1', 'wiki:1'])).code).toBe(2);
    expect((await crm(['kb', 'archive', '4'])).code).toBe(0);
    expect(ids(await crm(['kb', 'search', 'printer', '--json']))).toEqual([1]);
    expect((await crm(['kb', 'restore', '4'])).code).toBe(0);
    expect(ids(await crm(['kb', 'search', 'toner', '--json']))).toEqual([4]);
  }, 300_000);

  it('exports the public articles as a safe static site, and will not write over a used folder', async () => {
    const hostile = ['<script>alert("x")</script>', '', '[click me](javascript:alert(1)) [ok](https://example.com/help)', '', '<img src=x onerror=alert(1)>', '', '![pic](data:text/html;base64,PHNjcmlwdD4=)'].join('\n');
    expect((await crm(['kb', 'add', 'Evil <b>title</b> & "quotes"', '--body', hostile, '--audience', 'public'])).stdout).toBe('5\n');
    const escTitle = await crm(['kb', 'add', 'Bell \u001b[31mred\u001b[0m', '--body', 'x']);
    expect(escTitle.code).toBe(1);
    expect(escTitle.stderr).toMatch(/control character U\+001B/);
    const site = join(dir, `${engine}-site`);
    const out = json<{ files: string[]; articles: number }>(await crm(['kb', 'export', '--public', site, '--json']));
    expect(out.articles).toBe(3);
    expect(readdirSync(site).sort()).toEqual(['article-1.html', 'article-3.html', 'article-5.html', 'index.html']);
    const index = readFileSync(join(site, 'index.html'), 'utf8');
    expect(index).toContain('プリンターの設定');
    expect(index).not.toContain('راهنمای'); // internal: never exported
    const evil = readFileSync(join(site, 'article-5.html'), 'utf8');
    // The hostile parts are there as inert text; no tag or attribute carries them.
    expect(evil).not.toMatch(/<script|<img[^>]*onerror|(href|src)="[^"]*(javascript|data):/i);
    expect(evil).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(evil).toContain('&lt;script&gt;');
    expect(evil).toContain('Evil &lt;b&gt;title&lt;/b&gt; &amp; &quot;quotes&quot;');
    expect(evil).toContain('href="https://example.com/help"');
    expect(evil).toContain("default-src 'none'");
    const again = await crm(['kb', 'export', '--public', site]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty.*--force/s);
    expect((await crm(['kb', 'export', '--public', site, '--force'])).code).toBe(0);
    expect((await crm(['kb', 'export', site])).code).toBe(2);
  }, 300_000);

  it('ten tickets linked to one problem put it at the top of report recurring', async () => {
    for (let i = 0; i < 12; i++) {
      const category = i < 10 ? 'printing' : 'billing';
      expect((await crm(['ticket', 'open', `Case ${i + 1}`, '--category', category, '--product', i < 10 ? 'LaserJet 4' : 'Invoices'])).code).toBe(0);
    }
    // Tickets 2..11 (printing), 12..13 (billing).
    expect(json(await crm(['problem', 'add', 'Invoice VAT rounding', '--status', 'known-error', '--json']))).toMatchObject({ id: 1, status: 'known-error' });
    expect((await crm(['problem', 'add', 'Wi-Fi drops after firmware 4.2', '--owner', 'anna'], { CRM_USER: 'anna' })).stdout).toBe('2\n');
    expect(json(await crm(['problem', 'link', '1', 'ticket:12', 'ticket:13', '--json']))).toMatchObject({ ticketCount: 2 });
    const tenTickets = Array.from({ length: 10 }, (_, i) => `ticket:${i + 2}`);
    expect(json(await crm(['problem', 'link', '2', ...tenTickets, '--json']))).toMatchObject({ ticketCount: 10 });
    expect((await crm(['problem', 'link', '2', 'ticket:2'])).stderr).toMatch(/already linked/);
    expect((await crm(['problem', 'link', '2', 'ticket:999'])).code).toBe(1);
    expect(json(await crm(['problem', 'edit', '2', '--status', 'escalated', '--root-cause', 'DHCP lease not renewed', '--json']))).toMatchObject({ status: 'escalated', rootCause: 'DHCP lease not renewed' });

    const report = json<{ report: string; problems: { problem: number; tickets: number; status: string }[]; groups: { group: string; tickets: number; problems: string }[] }>(await crm(['report', 'recurring', '--json']));
    expect(report.report).toBe('recurring');
    expect(report.problems[0]).toMatchObject({ problem: 2, tickets: 10, status: 'escalated' });
    expect(report.problems[1]).toMatchObject({ problem: 1, tickets: 2 });
    expect(report.groups[0]).toMatchObject({ group: 'printing', tickets: 10, problems: '#2 escalated' });
    const byProduct = json<{ groups: { group: string }[] }>(await crm(['report', 'recurring', '--by', 'product', '--json']));
    expect(byProduct.groups.map((g) => g.group)).toEqual(['LaserJet 4', 'Invoices', '(none)']);
    const text = (await crm(['report', 'recurring'])).stdout;
    expect(text).toMatch(/Wi-Fi drops after firmware 4\.2/);
    expect((await crm(['report', 'recurring', '--by', 'colour'])).code).toBe(2);

    expect(json(await crm(['ticket', 'show', '5', '--json']))).toMatchObject({ problems: [{ id: 2, status: 'escalated', title: 'Wi-Fi drops after firmware 4.2' }] });
    expect((await crm(['ticket', 'show', '5'])).stdout).toMatch(/Problems \(1\)/);
    expect(json(await crm(['problem', 'unlink', '2', 'ticket:11', '--json']))).toMatchObject({ ticketCount: 9 });
    expect(json(await crm(['problem', 'close', '2', '--fix-version', '4.3.1', '--json']))).toMatchObject({ status: 'fixed', fixVersion: '4.3.1', closedAt: '2026-11-20T17:55:00.000Z' });
    expect(json<{ id: number }[]>(await crm(['problem', 'list', '--json'])).map((p) => p.id)).toEqual([1]);
    expect(json<{ id: number }[]>(await crm(['problem', 'list', '--all', '--json'])).map((p) => p.id)).toEqual([2, 1]);
    expect((await crm(['problem', 'edit', '1', '--status', 'bogus'])).code).toBe(2);
  }, 300_000);

  it('warranty: the ticket date, else the company date; ticket list warranty:expired', async () => {
    expect((await crm(['company', 'add', 'Acme Ltd', '--warranty-until', '2027-06-30'])).code).toBe(0);
    expect((await crm(['company', 'add', 'Old Corp'])).code).toBe(0);
    expect((await crm(['company', 'edit', 'Old Corp', '--warranty-until', '2026-01-31'])).code).toBe(0);
    expect((await crm(['company', 'edit', 'Old Corp', '--warranty-until', '31/01/2026'])).code).toBe(1);
    const a = json<{ id: number; warranty: unknown }>(await crm(['ticket', 'open', 'Acme printer', '--company', 'Acme Ltd', '--json']));
    expect(a.warranty).toEqual({ until: '2027-06-30', source: 'company', state: 'active' });
    const b = json<{ id: number; warranty: unknown }>(await crm(['ticket', 'open', 'Old printer', '--company', 'Old Corp', '--json']));
    expect(b.warranty).toEqual({ until: '2026-01-31', source: 'company', state: 'expired' });
    // The ticket's own date wins over the company's.
    const c = json<{ id: number; warranty: unknown }>(await crm(['ticket', 'open', 'Old Corp, new unit', '--company', 'Old Corp', '--warranty-until', '2028-01-01', '--json']));
    expect(c.warranty).toEqual({ until: '2028-01-01', source: 'ticket', state: 'active' });
    expect(ids(await crm(['ticket', 'list', 'warranty:expired', '--json']))).toEqual([b.id]);
    expect(ids(await crm(['ticket', 'list', 'warranty:active', '--sort', 'id', '--json']))).toEqual([a.id, c.id]);
    expect(json(await crm(['ticket', 'edit', String(c.id), '--warranty-until', '2026-11-19', '--json']))).toMatchObject({ warranty: { state: 'expired', source: 'ticket' } });
    expect(ids(await crm(['ticket', 'list', 'warranty:expired', '--sort', 'id', '--json']))).toEqual([b.id, c.id]);
    expect((await crm(['ticket', 'show', String(b.id)])).stdout).toMatch(/warranty\tEXPIRED on 2026-01-31 \(the company's\)/);
    expect((await crm(['ticket', 'list', 'warranty:soon'])).code).toBe(2);
  }, 300_000);

  it('reads a body from stdin exactly as from a file: BOM, CRLF and the last line ends dropped, inner blank lines and indentation kept', async () => {
    const raw = '\uFEFF# Steps\r\n\r\n1. Unplug\r\n\r\n    code block\r\n\r\n\r\n';
    const file = join(dir, `${engine}-steps.md`);
    writeFileSync(file, raw);
    const fromFile = json<{ id: number; body: string }>(await crm(['kb', 'add', 'Steps from a file', '--body-file', file, '--json']));
    const fromStdin = json<{ id: number; body: string }>(await crmWithInput(db.url, ['kb', 'add', 'Steps from stdin', '--body-file', '-', '--json'], raw));
    expect(fromFile.body).toBe('# Steps\n\n1. Unplug\n\n    code block');
    expect(fromStdin.body).toBe(fromFile.body);
    // The same text again (with one more final newline) changes nothing, from either source.
    expect((await crmWithInput(db.url, ['kb', 'edit', String(fromStdin.id), '--body-file', '-'], `${raw}\n`)).stderr).toMatch(/Nothing to change/);
  }, 300_000);
});
