/**
 * Moving in from other CRMs (issue 21, item 6): HubSpot companies, contacts, deals and tickets
 * and a Freshdesk ticket export import with --from (or detected from the header) and no hand
 * editing; the generic escape hatches (--map-status, --map-lifecycle, --map-value, --map
 * "Col=custom:name", --date-format + --century-pivot) and --show-mapping with a required column
 * missing. The importer runs on SQLite (its PostgreSQL port is separate work); the preset
 * tables and the mapping they feed are engine-independent (src/csv/presets.ts, mapping.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmOn, useEngineDb } from '../helpers/engines.js';

const F = join(__dirname, '..', 'fixtures', 'crm-exports');

describe('import --from other CRMs', () => {
  const db = useEngineDb('sqlite', 'presets');
  const crm = (...args: string[]) => crmOn(db.url, args);
  const json = (...args: string[]) => {
    const r = crm(...args, '--json');
    expect(r.stderr).not.toMatch(/^error/m);
    return JSON.parse(r.stdout);
  };

  it('a HubSpot companies + contacts + deals + tickets export imports as it is', () => {
    expect(crm('db', 'migrate').code).toBe(0);
    expect(crm('user', 'add', 'sara', '--name', 'Sara Ahmadi', '--email', 'sara@example.com').code).toBe(0);
    expect(crm('user', 'add', 'omid', '--name', 'Omid Karimi', '--email', 'omid@example.com').code).toBe(0);
    for (const entity of ['companies', 'contacts', 'tickets']) {
      const r = crm('import', entity, join(F, `hubspot-${entity}.csv`), '--from', 'hubspot');
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
    }
    // A single-currency HubSpot account exports amounts without a currency column: --currency names it.
    const deals = crm('import', 'deals', join(F, 'hubspot-deals.csv'), '--currency', 'EUR');
    expect(deals.code).toBe(0);
    expect(deals.stderr).toContain('looks like a HubSpot export — reading it with --from hubspot');

    const contacts = json('contact', 'list');
    const byEmail = Object.fromEntries(contacts.map((c: { email: string }) => [c.email, c]));
    // Lifecycle stages: MQL → lead, salesqualifiedlead → prospect, Evangelist → customer; owners by e-mail.
    expect(byEmail['s.ahmadi@acme.example']).toMatchObject({ lifecycle: 'lead', owner: 'sara', company: { name: 'Acme Trading' } });
    expect(byEmail['lena@example.org']).toMatchObject({ lifecycle: 'prospect', owner: 'sara' });
    expect(byEmail['tom@example.net']).toMatchObject({ lifecycle: 'customer' });
    expect(byEmail['omid.k@parsianfoods.example']).toMatchObject({ lifecycle: 'customer', owner: 'omid' });

    // Deal stages translated; each deal attached to its company by the company's domain.
    const list = json('deal', 'list');
    const deal = (title: string) => list.find((d: { title: string }) => d.title === title);
    expect(deal('Acme spring order')).toMatchObject({ stage: { name: 'Prospecting' }, company: { name: 'Acme Trading' }, owner: 'sara', expectedClose: '2026-04-30' });
    expect(deal('Parsian yearly contract')).toMatchObject({ stage: { name: 'Negotiation' }, company: { name: 'Parsian Foods' }, owner: 'omid' });
    expect(deal('Acme pilot')).toMatchObject({ stage: { name: 'Won' } });
    expect(deal('Parsian add-on')).toMatchObject({ stage: { name: 'Lost' } });

    // Ticket statuses of HubSpot's support pipeline, priorities in capitals, the pipeline kept.
    const tickets = json('ticket', 'list', 'status:any');
    const status = Object.fromEntries(tickets.map((t: { subject: string; status: string; priority: string }) => [t.subject, `${t.status}/${t.priority}`]));
    expect(status).toMatchObject({
      'Invoice shows wrong VAT': 'new/high',
      'Cannot log in to portal': 'pending/normal',
      'Delivery late': 'open/low',
      'Refund request': 'closed/normal',
    });
  });

  it('a Freshdesk ticket export imports as it is, "Waiting on Third Party" included', () => {
    const r = crm('import', 'tickets', join(F, 'freshdesk-tickets.csv'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('looks like a Freshdesk export');
    const tickets = json('ticket', 'list', 'status:any');
    const by = (subject: string) => tickets.find((t: { subject: string }) => t.subject === subject);
    expect(by('Printer not connecting')).toMatchObject({ status: 'open', priority: 'normal', assignee: 'sara', requester: { name: 'Navid Rahimi' } });
    expect(by('Need a copy of invoice 554')).toMatchObject({ status: 'pending', priority: 'low', assignee: 'omid' });
    expect(by('Replacement part on order')).toMatchObject({ status: 'on_hold', priority: 'high' });
    expect(by('Password reset')).toMatchObject({ status: 'solved', priority: 'urgent' });
    expect(by('Old ticket')).toMatchObject({ status: 'closed' });
    // Importing it again changes nothing.
    expect(crm('import', 'tickets', join(F, 'freshdesk-tickets.csv'), '--from', 'freshdesk').stdout).toContain('5 unchanged');
  });

  it('--show-mapping works when a required column is unmapped', () => {
    const r = crm('import', 'deals', join(F, 'hubspot-tickets.csv'), '--show-mapping');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Ticket status →');
    expect(r.stdout).toContain('missing: The file has no column for the deal title.');
  });

  it('--map-status, --map-value, --map "Col=custom:…" and two-digit years with --century-pivot', () => {
    const file = join(F, 'generic-two-digit-years.csv');
    const flags = ['--map', 'Deal=title,Value=amount,Close=expected_close,Shoe Size=custom:shoe_size,State=custom:state', '--map-status', 'Neu=Prospecting,Gewonnen=Won', '--map-value', 'State:Waiting on Third Party=on hold'];
    const without = crm('import', 'deals', file, ...flags, '--dry-run');
    expect(without.stderr).toContain('"12/31/85" has a two-digit year');
    expect(without.stdout).toContain('2 rejected');
    const r = crm('import', 'deals', file, ...flags, '--date-format', 'MDY', '--century-pivot', '70', '--json');
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const list = json('deal', 'list');
    const fresh = list.find((d: { title: string }) => d.title === 'Persian digits');
    const old = list.find((d: { title: string }) => d.title === 'Old one');
    expect(fresh).toMatchObject({ stage: { name: 'Prospecting' }, expectedClose: '2026-03-04', amount: { amount: '12500.00', currency: 'EUR' } });
    expect(old).toMatchObject({ stage: { name: 'Won' }, expectedClose: '1985-12-31' });
    const shown = json('deal', 'show', String(fresh.id));
    expect(shown.customFields).toMatchObject({ shoe_size: '42', state: 'on hold' });
  });

  it('--from names only known products, and --century-pivot needs --date-format', () => {
    expect(crm('import', 'tickets', join(F, 'freshdesk-tickets.csv'), '--from', 'hubspotx').stderr).toContain('Unknown --from "hubspotx"');
    expect(crm('import', 'deals', join(F, 'hubspot-deals.csv'), '--century-pivot', '50').stderr).toContain('--century-pivot needs --date-format');
  });
});
