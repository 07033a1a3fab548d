/**
 * Nothing lost, nothing left behind: a narrowed `automate run --rule` leaves the outbox to the
 * other rules; `rule apply` refuses a file naming a rule twice before changing anything;
 * `kb export --force` takes down the page of an article that is no longer public.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();
const { crm, ok } = t;

describe('automate run --rule', () => {
  it('runs only that rule and keeps the event for the others: a later full run fires them, nobody twice', async () => {
    await ok(['rule', 'add', 'first', '--on', 'contact.created', '--notify', 'owner', '--title', 'First {{record}}', '--enable']);
    await ok(['rule', 'add', 'second', '--on', 'contact.created', '--notify', 'owner', '--title', 'Second {{record}}', '--enable']);
    await ok(['contact', 'add', 'Rita Rule', '--email', 'rita@example.com']);
    const narrowed = (await ok(['automate', 'run', '--rule', 'first', '--json'])).json<{ fired: { rule: string }[] }>();
    expect(narrowed.fired.map((f) => f.rule)).toEqual(['first']);
    const misspelt = (await ok(['automate', 'run', '--rule', 'secnod', '--json'])).json<{ fired: unknown[] }>();
    expect(misspelt.fired).toEqual([]);
    const full = (await ok(['automate', 'run', '--json'])).json<{ fired: { rule: string }[] }>();
    expect(full.fired.map((f) => f.rule)).toEqual(['second']);
    expect((await ok(['automate', 'run', '--json'])).json<{ fired: unknown[] }>().fired).toEqual([]);
  });
});

describe('rule apply', () => {
  it('refuses a file that names a rule twice, and applies nothing of it', async () => {
    const file = join(t.dir, 'rules.yaml');
    const rule = (message: string) => `  - name: ask\n    on: deal.lost\n    actions:\n      - notify: owner\n        message: "${message}"\n`;
    writeFileSync(file, `rules:\n${rule('Why?')}${rule('Why lost?')}`);
    const r = await crm(['rule', 'apply', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Rule "ask" is in the file twice (rules 1 and 2)');
    expect((await ok(['rule', 'list', '--json'])).json().map((x: { name: string }) => x.name)).not.toContain('ask');
  });
});

describe('kb export --force', () => {
  it('replaces the site: an article archived since the last export is no longer published; other files stay', async () => {
    await ok(['kb', 'add', 'Reset a password', '--body', 'Step 1', '--audience', 'public']);
    await ok(['kb', 'add', 'Printer drops Wi-Fi', '--body', 'Renew the lease', '--audience', 'public']);
    const site = join(t.dir, 'site');
    await ok(['kb', 'export', '--public', site]);
    expect(readdirSync(site).sort()).toEqual(['article-1.html', 'article-2.html', 'index.html']);
    writeFileSync(join(site, 'logo.png'), 'not ours');
    await ok(['kb', 'archive', '2']);
    await ok(['kb', 'export', '--public', site, '--force']);
    expect(readdirSync(site).sort()).toEqual(['article-1.html', 'index.html', 'logo.png']);
    expect(existsSync(join(site, 'article-2.html'))).toBe(false);
  });
});
