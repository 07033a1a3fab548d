/**
 * The knowledge base, problems (with report recurring) and warranty on both engines (#20): the
 * same bin/crm command lines against a fresh SQLite file and a fresh PostgreSQL database.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb, type CrmResult } from '../helpers/engines.js';
import { crmBin } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-kb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** bin/crm with text on stdin (--body-file -). */
function crmWithInput(db: string, args: string[], input: string): CrmResult {
  const r = spawnSync(process.execPath, [crmBin, ...args], { input, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), TZ: 'UTC', CRM_NOW: '2026-11-20T17:55:00Z', NO_COLOR: '1', CRM_DB: db } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const json = <T = Record<string, unknown>>(r: CrmResult): T => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};
const ids = (r: CrmResult) => json<{ id: number }[]>(r).map((h) => h.id);

describe.each(ENGINES)('knowledge base, problems and warranty on %s', (engine) => {
  const db = useEngineDb(engine, 'kb');
  const crm = (args: string[], env: Record<string, string> = {}) => crmOn(db.url, args, env);

  it('migrates, and the OS login is the admin', () => {
    expect(crm(['db', 'migrate']).code).toBe(0);
    expect(crm(['user', 'list']).code).toBe(0);
    expect(crm(['user', 'add', 'anna', '--name', 'Anna Berg', '--role', 'agent']).code).toBe(0);
  });

  it('adds articles from a file and stdin, in Latin, Persian and Japanese script, and finds each by search', () => {
    const file = join(dir, `${engine}-wifi.md`);
    writeFileSync(file, '# Wi-Fi drops\n\nRenew the DHCP lease, then restart the printer.\n');
    expect(json(crm(['kb', 'add', 'Printer loses Wi-Fi', '--body-file', file, '--tag', 'printer', '--product', 'LaserJet 4', '--audience', 'public', '--json']))).toMatchObject({ id: 1, version: 1, audience: 'public', tags: ['printer'], product: 'LaserJet 4' });
    expect(crmWithInput(db.url, ['kb', 'add', 'راهنمای نصب چاپگر', '--body-file', '-'], 'ابتدا کابل چاپگر را وصل کنید و سپس دکمه روشن را بزنید.\n').stdout).toBe('2\n');
    expect(crm(['kb', 'add', 'プリンターの設定', '--body', 'プリンターの設定方法について説明します。無線LANに接続してください。', '--audience', 'public']).stdout).toBe('3\n');
    // Mentions the printer only in the body: ranked below the article with it in the title.
    expect(crm(['kb', 'add', 'Toner codes', '--body', 'Which toner fits which printer model.']).stdout).toBe('4\n');

    expect(ids(crm(['kb', 'search', 'printer', '--json']))).toEqual([1, 4]);
    expect(ids(crm(['kb', 'search', 'PRINTER', 'dhcp', '--json']))).toEqual([1]);
    expect(ids(crm(['kb', 'search', 'print', '--json']))).toEqual([1, 4]); // the beginning of a word
    expect(ids(crm(['kb', 'search', 'rinter', '--json']))).toEqual([]); // …not its middle
    expect(ids(crm(['kb', 'search', 'چاپگر', '--json']))).toEqual([2]);
    // Arabic-script variants fold together: Arabic yeh (ي) finds Persian yeh (ی).
    expect(ids(crm(['kb', 'search', 'راهنماي', '--json']))).toEqual([2]);
    expect(ids(crm(['kb', 'search', 'プリンター', '--json']))).toEqual([3]);
    expect(ids(crm(['kb', 'search', '無線', '--json']))).toEqual([3]); // two characters: shorter than a trigram
    expect(ids(crm(['kb', 'search', '設定方法', 'プリンター', '--json']))).toEqual([3]); // CJK: anywhere in the text
    expect(ids(crm(['kb', 'search', '設定方法', 'printer', '--json']))).toEqual([]);
    expect(ids(crm(['kb', 'search', 'printer', '--audience', 'public', '--json']))).toEqual([1]);
    const none = crm(['kb', 'search', 'nothing-like-this']);
    expect(none.code).toBe(0);
    expect(none.stdout.split('\n').filter(Boolean).slice(1)).toEqual([]); // at most the header row (piped)
  }, 300_000);

  it('keeps every version: edit, history, show --rev', () => {
    expect(json(crm(['kb', 'edit', '1', '--title', 'Printer loses Wi-Fi after firmware 4.2', '--json']))).toMatchObject({ version: 2 });
    expect(json(crm(['kb', 'edit', '1', '--body', 'Update to firmware 4.3.', '--untag', 'printer', '--json']))).toMatchObject({ version: 3, tags: [] });
    const same = crm(['kb', 'edit', '1', '--body', 'Update to firmware 4.3.']);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/Nothing to change/);
    expect(json<{ version: number }[]>(crm(['kb', 'history', '1', '--json'])).map((v) => v.version)).toEqual([3, 2, 1]);
    const v1 = json(crm(['kb', 'show', '1', '--rev', '1', '--json']));
    expect(v1).toMatchObject({ version: 1, currentVersion: 3, title: 'Printer loses Wi-Fi', tags: ['printer'] });
    expect(v1.body).toContain('Renew the DHCP lease');
    expect(crm(['kb', 'show', '1', '--rev', '9']).stderr).toMatch(/no version 9/);
    // Search sees the current text only.
    expect(ids(crm(['kb', 'search', 'dhcp', '--json']))).toEqual([]);
    expect(ids(crm(['kb', 'search', 'firmware', '--json']))).toEqual([1]);
  }, 300_000);

  it('links articles and tickets, shown on both sides; archive hides from search', () => {
    expect(crm(['ticket', 'open', 'Printer offline', '--json']).code).toBe(0);
    expect(crm(['ticket', 'link', '1', 'kb:1']).code).toBe(0);
    expect(json(crm(['ticket', 'show', '1', '--json']))).toMatchObject({ articles: [{ id: 1, title: 'Printer loses Wi-Fi after firmware 4.2', audience: 'public' }] });
    expect(json(crm(['kb', 'show', '1', '--json']))).toMatchObject({ tickets: [{ id: 1, subject: 'Printer offline' }] });
    expect(crm(['ticket', 'show', '1']).stdout).toMatch(/Knowledge base \(1\)/);
    expect(crm(['ticket', 'link', '1', 'kb:99']).code).toBe(1);
    expect(crm(['ticket', 'link', '1', 'wiki:1']).code).toBe(2);
    expect(crm(['kb', 'archive', '4']).code).toBe(0);
    expect(ids(crm(['kb', 'search', 'printer', '--json']))).toEqual([1]);
    expect(crm(['kb', 'restore', '4']).code).toBe(0);
    expect(ids(crm(['kb', 'search', 'toner', '--json']))).toEqual([4]);
  }, 300_000);

  it('exports the public articles as a safe static site, and will not write over a used folder', () => {
    const hostile = ['<script>alert("x")</script>', '', '[click me](javascript:alert(1)) [ok](https://example.com/help)', '', '<img src=x onerror=alert(1)>', '', '![pic](data:text/html;base64,PHNjcmlwdD4=)'].join('\n');
    expect(crm(['kb', 'add', 'Evil <b>title</b> & "quotes"', '--body', hostile, '--audience', 'public']).stdout).toBe('5\n');
    const escTitle = crm(['kb', 'add', 'Bell \u001b[31mred\u001b[0m', '--body', 'x']);
    expect(escTitle.code).toBe(1);
    expect(escTitle.stderr).toMatch(/control character U\+001B/);
    const site = join(dir, `${engine}-site`);
    const out = json<{ files: string[]; articles: number }>(crm(['kb', 'export', '--public', site, '--json']));
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
    const again = crm(['kb', 'export', '--public', site]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty.*--force/s);
    expect(crm(['kb', 'export', '--public', site, '--force']).code).toBe(0);
    expect(crm(['kb', 'export', site]).code).toBe(2);
  }, 300_000);

  it('ten tickets linked to one problem put it at the top of report recurring', () => {
    for (let i = 0; i < 12; i++) {
      const category = i < 10 ? 'printing' : 'billing';
      expect(crm(['ticket', 'open', `Case ${i + 1}`, '--category', category, '--product', i < 10 ? 'LaserJet 4' : 'Invoices']).code).toBe(0);
    }
    // Tickets 2..11 (printing), 12..13 (billing).
    expect(json(crm(['problem', 'add', 'Invoice VAT rounding', '--status', 'known-error', '--json']))).toMatchObject({ id: 1, status: 'known-error' });
    expect(crm(['problem', 'add', 'Wi-Fi drops after firmware 4.2', '--owner', 'anna'], { CRM_USER: 'anna' }).stdout).toBe('2\n');
    expect(json(crm(['problem', 'link', '1', 'ticket:12', 'ticket:13', '--json']))).toMatchObject({ ticketCount: 2 });
    const tenTickets = Array.from({ length: 10 }, (_, i) => `ticket:${i + 2}`);
    expect(json(crm(['problem', 'link', '2', ...tenTickets, '--json']))).toMatchObject({ ticketCount: 10 });
    expect(crm(['problem', 'link', '2', 'ticket:2']).stderr).toMatch(/already linked/);
    expect(crm(['problem', 'link', '2', 'ticket:999']).code).toBe(1);
    expect(json(crm(['problem', 'edit', '2', '--status', 'escalated', '--root-cause', 'DHCP lease not renewed', '--json']))).toMatchObject({ status: 'escalated', rootCause: 'DHCP lease not renewed' });

    const report = json<{ report: string; problems: { problem: number; tickets: number; status: string }[]; groups: { group: string; tickets: number; problems: string }[] }>(crm(['report', 'recurring', '--json']));
    expect(report.report).toBe('recurring');
    expect(report.problems[0]).toMatchObject({ problem: 2, tickets: 10, status: 'escalated' });
    expect(report.problems[1]).toMatchObject({ problem: 1, tickets: 2 });
    expect(report.groups[0]).toMatchObject({ group: 'printing', tickets: 10, problems: '#2 escalated' });
    const byProduct = json<{ groups: { group: string }[] }>(crm(['report', 'recurring', '--by', 'product', '--json']));
    expect(byProduct.groups.map((g) => g.group)).toEqual(['LaserJet 4', 'Invoices', '(none)']);
    const text = crm(['report', 'recurring']).stdout;
    expect(text).toMatch(/Wi-Fi drops after firmware 4\.2/);
    expect(crm(['report', 'recurring', '--by', 'colour']).code).toBe(2);

    expect(json(crm(['ticket', 'show', '5', '--json']))).toMatchObject({ problems: [{ id: 2, status: 'escalated', title: 'Wi-Fi drops after firmware 4.2' }] });
    expect(crm(['ticket', 'show', '5']).stdout).toMatch(/Problems \(1\)/);
    expect(json(crm(['problem', 'unlink', '2', 'ticket:11', '--json']))).toMatchObject({ ticketCount: 9 });
    expect(json(crm(['problem', 'close', '2', '--fix-version', '4.3.1', '--json']))).toMatchObject({ status: 'fixed', fixVersion: '4.3.1', closedAt: '2026-11-20T17:55:00.000Z' });
    expect(json<{ id: number }[]>(crm(['problem', 'list', '--json'])).map((p) => p.id)).toEqual([1]);
    expect(json<{ id: number }[]>(crm(['problem', 'list', '--all', '--json'])).map((p) => p.id)).toEqual([2, 1]);
    expect(crm(['problem', 'edit', '1', '--status', 'bogus']).code).toBe(2);
  }, 300_000);

  it('warranty: the ticket date, else the company date; ticket list warranty:expired', () => {
    expect(crm(['company', 'add', 'Acme Ltd', '--warranty-until', '2027-06-30']).code).toBe(0);
    expect(crm(['company', 'add', 'Old Corp']).code).toBe(0);
    expect(crm(['company', 'edit', 'Old Corp', '--warranty-until', '2026-01-31']).code).toBe(0);
    expect(crm(['company', 'edit', 'Old Corp', '--warranty-until', '31/01/2026']).code).toBe(1);
    const a = json<{ id: number; warranty: unknown }>(crm(['ticket', 'open', 'Acme printer', '--company', 'Acme Ltd', '--json']));
    expect(a.warranty).toEqual({ until: '2027-06-30', source: 'company', state: 'active' });
    const b = json<{ id: number; warranty: unknown }>(crm(['ticket', 'open', 'Old printer', '--company', 'Old Corp', '--json']));
    expect(b.warranty).toEqual({ until: '2026-01-31', source: 'company', state: 'expired' });
    // The ticket's own date wins over the company's.
    const c = json<{ id: number; warranty: unknown }>(crm(['ticket', 'open', 'Old Corp, new unit', '--company', 'Old Corp', '--warranty-until', '2028-01-01', '--json']));
    expect(c.warranty).toEqual({ until: '2028-01-01', source: 'ticket', state: 'active' });
    expect(ids(crm(['ticket', 'list', 'warranty:expired', '--json']))).toEqual([b.id]);
    expect(ids(crm(['ticket', 'list', 'warranty:active', '--sort', 'id', '--json']))).toEqual([a.id, c.id]);
    expect(json(crm(['ticket', 'edit', String(c.id), '--warranty-until', '2026-11-19', '--json']))).toMatchObject({ warranty: { state: 'expired', source: 'ticket' } });
    expect(ids(crm(['ticket', 'list', 'warranty:expired', '--sort', 'id', '--json']))).toEqual([b.id, c.id]);
    expect(crm(['ticket', 'show', String(b.id)]).stdout).toMatch(/warranty\tEXPIRED on 2026-01-31 \(the company's\)/);
    expect(crm(['ticket', 'list', 'warranty:soon']).code).toBe(2);
  }, 300_000);

  it('reads a body from stdin exactly as from a file: BOM, CRLF and the last line ends dropped, inner blank lines and indentation kept', () => {
    const raw = '\uFEFF# Steps\r\n\r\n1. Unplug\r\n\r\n    code block\r\n\r\n\r\n';
    const file = join(dir, `${engine}-steps.md`);
    writeFileSync(file, raw);
    const fromFile = json<{ id: number; body: string }>(crm(['kb', 'add', 'Steps from a file', '--body-file', file, '--json']));
    const fromStdin = json<{ id: number; body: string }>(crmWithInput(db.url, ['kb', 'add', 'Steps from stdin', '--body-file', '-', '--json'], raw));
    expect(fromFile.body).toBe('# Steps\n\n1. Unplug\n\n    code block');
    expect(fromStdin.body).toBe(fromFile.body);
    // The same text again (with one more final newline) changes nothing, from either source.
    expect(crmWithInput(db.url, ['kb', 'edit', String(fromStdin.id), '--body-file', '-'], `${raw}\n`).stderr).toMatch(/Nothing to change/);
  });
});
