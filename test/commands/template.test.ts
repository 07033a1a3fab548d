import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';
import { execSql } from '../helpers/engines.js';

/** The suite is sara at the keyboard (login and CRM_USER); the harness's first admin, tester, adds her. */
const AS_ADMIN = { login: 'tester', env: { CRM_USER: 'tester' } };

const t = useTempDb({
  login: 'sara',
  env: { CRM_USER: 'sara', TZ: 'Europe/Berlin' },
  seed: async ({ crm, db }) => {
    await crm(['user', 'add', 'sara', '--name', 'Sara Rahimi', '--email', 'sara@northwind.example'], AS_ADMIN);
    await crm(['contact', 'add', 'Bob Smith', '--email', 'bob@example.com', '--company', 'Acme Ltd']);
    await crm(['contact', 'add', 'Lin Wei', '--phone', '+86 10 5555 0199']);
    await execSql(db, `INSERT INTO deals (id, title, pipeline_id, stage_id, company_id, contact_id, amount_minor, currency, stage_entered_at, created_at, updated_at)
      VALUES (3, 'Big order', 1, 3, 1, 1, 1250050, 'EUR', '2026-11-10T09:00:00.000Z', '2026-11-01T09:00:00.000Z', '2026-11-10T09:00:00.000Z')`);
  },
});
const { crm } = t;

describe('crm template', () => {
  it('adds from a file, renders merge fields, and --log records an email', async () => {
    const file = join(t.dir, 'quote.txt');
    writeFileSync(file, 'Dear {{contact.firstName}},\n\nthe quote for {{ deal.title }} at {{company.name}} is {{deal.amount}}.\n\n{{me.name}} <{{me.email}}>\n');
    const add = await crm(['template', 'add', 'quote-followup', '--subject', 'Your quote, {{contact.name}}', '--file', file]);
    expect(add.exitCode).toBe(0);
    expect(add.stdout).toBe('1\n');
    const r = await crm(['template', 'render', 'quote-followup', '--contact', 'bob@example.com', '--deal', '3']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('Subject: Your quote, Bob Smith\n\nDear Bob,\n\nthe quote for Big order at Acme Ltd is 12,500.50 EUR.\n\nSara Rahimi <sara@northwind.example>\n');
    expect((await crm(['activity', 'list', '--json'])).json()).toEqual([]);

    const logged = await crm(['template', 'render', 'quote-followup', '--contact', '1', '--deal', '3', '--log', '--json']);
    expect(logged.json()).toMatchObject({ subject: 'Your quote, Bob Smith', activity: { id: 1, kind: 'email', contact: { id: 1 }, deal: { id: 3 }, company: { id: 1 } } });
    expect(logged.stderr).toContain('Logged email #1');
    const email = (await crm(['activity', 'show', '1', '--json'])).json();
    expect(email.body).toContain('Dear Bob,');
    expect((await crm(['contact', 'show', '1', '--json'])).json().lastTouchedAt).toBe('2026-11-20T17:55:00.000Z');
  });

  it('refuses a template with an unknown field when adding', async () => {
    const r = await crm(['template', 'add', 'bad', '--body', 'Hi {{contact.nickname}} and {{foo}}']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Unknown merge fields: {{contact.nickname}}, {{foo}}.');
    expect((await crm(['template', 'list', '--json'])).json()).toEqual([]);
  });

  it('a missing value is an error naming the field; nothing is rendered or logged', async () => {
    await crm(['template', 'add', 'hello', '--body', 'Hi {{contact.firstName}} ({{contact.email}}), re {{deal.title}}']);
    const r = await crm(['template', 'render', 'hello', '--contact', 'Lin Wei', '--log']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Template "hello" cannot be filled: {{contact.email}} (empty on this contact); {{deal.title}} (give --deal).');
    expect((await crm(['activity', 'list', '--json'])).json()).toEqual([]);
    const noContact = await crm(['template', 'render', 'hello']);
    expect(noContact.stderr).toContain('{{contact.firstName}} (give --contact)');
  });

  it('me.* needs the acting user to be known: a login that is no user renders nothing', async () => {
    await crm(['template', 'add', 'sig', '--body', '{{me.name}}']);
    const r = await crm(['template', 'render', 'sig'], { login: 'ghost', env: { CRM_USER: 'ghost' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('You (ghost) are not a user of');
    expect(r.stdout).toBe('');
  });

  it('lists, shows, refuses duplicates and lists fields', async () => {
    await crm(['template', 'add', 'welcome', '--subject', 'Welcome', '--body', 'Hello {{contact.name}}']);
    const dup = await crm(['template', 'add', 'Welcome', '--body', 'x']);
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toContain('already exists');
    expect((await crm(['template', 'list', '--json'])).json()).toMatchObject([{ name: 'welcome', fields: ['contact.name'] }]);
    expect((await crm(['template', 'show', 'welcome'], { tty: true })).stdout).toContain('Hello {{contact.name}}');
    expect((await crm(['template', 'fields'])).stdout).toContain('{{contact.firstName}}\tfirst name');
    const none = await crm(['template', 'render', 'nope', '--contact', '1']);
    expect(none.stderr).toContain('No template "nope"');
  });
});
