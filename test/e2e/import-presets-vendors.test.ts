/**
 * Zendesk, Salesforce, Pipedrive and Zoho exports (issue 21, item 6) import as they are, on both
 * engines: the product is detected from the header (said on stderr) or named with --from, its
 * columns and values mapped by src/csv/presets.ts. Fixtures and where their layout comes from:
 * test/fixtures/crm-exports/SOURCE.md.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

const F = join(__dirname, '..', 'fixtures', 'crm-exports');

describe.each(ENGINES)('import from Zendesk, Salesforce, Pipedrive and Zoho on %s', (engine) => {
  const db = useEngineDb(engine, 'vendors');
  const crm = (...args: string[]) => crmOn(db.url, args, { CRM_NOW: '2026-03-10T12:00:00Z' });
  const ok = (...args: string[]) => {
    const r = crm(...args);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    return r;
  };
  const deals = () => Object.fromEntries(JSON.parse(ok('deal', 'list', '--json').stdout).map((d: { title: string }) => [d.title, d]));

  it('a Zendesk ticket export: statuses (hold → on_hold), requesters, assignees by name, organizations', () => {
    ok('db', 'migrate');
    ok('user', 'add', 'sara', '--name', 'Sara Ahmadi', '--email', 'sara@example.com');
    ok('user', 'add', 'omid', '--name', 'Omid Karimi', '--email', 'omid@example.com');
    const r = ok('import', 'tickets', join(F, 'zendesk-tickets.csv'), '--create-missing', 'companies');
    expect(r.stderr).toContain('looks like a Zendesk export — reading it with --from zendesk');
    expect(r.stdout).toContain('5 created');
    const tickets = JSON.parse(ok('ticket', 'list', 'status:any', '--json').stdout);
    const t = (subject: string) => tickets.find((x: { subject: string }) => x.subject === subject);
    expect(t('Printer not connecting')).toMatchObject({ status: 'open', priority: 'normal', assignee: 'sara', requester: { name: 'Navid Rahimi' }, company: { name: 'Acme Trading' }, externalId: '35436' });
    expect(t('Need a copy of invoice 554')).toMatchObject({ status: 'pending', priority: 'low', assignee: 'omid' });
    expect(t('Replacement part on order')).toMatchObject({ status: 'on_hold', priority: 'high' });
    expect(t('Password reset')).toMatchObject({ status: 'solved', priority: 'urgent' });
    expect(t('Old ticket')).toMatchObject({ status: 'closed', assignee: null });
    // Again with --from: nothing changes.
    expect(ok('import', 'tickets', join(F, 'zendesk-tickets.csv'), '--from', 'zendesk').stdout).toContain('5 unchanged');
  });

  it('a Salesforce opportunities report: stages, owners by name, the currency column, US dates with --date-format MDY', () => {
    const r = ok('import', 'deals', join(F, 'salesforce-opportunities.csv'), '--date-format', 'MDY', '--create-missing', 'companies');
    expect(r.stderr).toContain('looks like a Salesforce export');
    const d = deals();
    expect(d['Acme spring order']).toMatchObject({ stage: { name: 'Prospecting' }, owner: 'sara', company: { name: 'Acme Trading' }, amount: { amount: '12500.00', currency: 'EUR' }, expectedClose: '2026-04-30', source: 'Web', externalId: '0065g00000AbCdEAAV' });
    expect(d['Parsian yearly contract']).toMatchObject({ stage: { name: 'Negotiation' }, owner: 'omid', amount: { amount: '48000.00', currency: 'EUR' } });
    expect(d['Acme pilot']).toMatchObject({ stage: { name: 'Won' } });
    expect(d['Parsian add-on']).toMatchObject({ stage: { name: 'Lost' } });
  });

  it('a Pipedrive persons + deals export: a won or lost status wins over the stage it was closed from', () => {
    const persons = ok('import', 'contacts', join(F, 'pipedrive-persons.csv'));
    expect(persons.stderr).toContain('looks like a Pipedrive export');
    const contacts = JSON.parse(ok('contact', 'list', '--json').stdout);
    expect(contacts.find((c: { email: string }) => c.email === 'navid@acme.example')).toMatchObject({ name: 'Navid Rahimi', owner: 'sara', company: { name: 'Acme Trading' }, tags: ['customer'] });
    const r = ok('import', 'deals', join(F, 'pipedrive-deals.csv'), '--from', 'pipedrive', '--match', 'external-id');
    expect(r.stdout).toContain('4 created');
    const d = Object.values(deals()).filter((x) => (x as { externalId: string }).externalId?.length === 3) as { title: string; stage: { name: string }; contact: { name: string } | null; owner: string; lostReason: string | null }[];
    const by = Object.fromEntries(d.map((x) => [x.title, x]));
    expect(by['Acme spring order']).toMatchObject({ stage: { name: 'Prospecting' }, contact: { name: 'Navid Rahimi' }, owner: 'sara' });
    expect(by['Parsian yearly contract']).toMatchObject({ stage: { name: 'Negotiation' }, contact: { name: 'Mina Jafari' } });
    expect(by['Acme pilot']).toMatchObject({ stage: { name: 'Won' } });
    expect(by['Parsian add-on']).toMatchObject({ stage: { name: 'Lost' } });
  });

  it('a Zoho CRM deals export is told from HubSpot\'s (both have "Record Id" and "Deal Name")', () => {
    const r = ok('import', 'deals', join(F, 'zoho-deals.csv'), '--create-missing', 'companies');
    expect(r.stderr).toContain('looks like a Zoho CRM export');
    const d = Object.values(deals()).filter((x) => String((x as { externalId: string }).externalId).startsWith('zcrm_')) as { title: string; stage: { name: string }; owner: string; expectedClose: string; source: string }[];
    const by = Object.fromEntries(d.map((x) => [x.title, x]));
    expect(by['Acme spring order']).toMatchObject({ stage: { name: 'Qualification' }, owner: 'sara', expectedClose: '2026-04-30', source: 'Web Download' });
    expect(by['Parsian yearly contract']).toMatchObject({ stage: { name: 'Negotiation' }, owner: 'omid' });
    expect(by['Acme pilot']).toMatchObject({ stage: { name: 'Won' } });
    expect(by['Parsian add-on']).toMatchObject({ stage: { name: 'Lost' } });
  });
});
