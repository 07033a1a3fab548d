/**
 * An owner an import creates from an e-mail address (HubSpot, Freshdesk, Zoho export owners as
 * e-mails; `--create-missing users`) is stored with that email, so the next file naming the same
 * owner finds them: before, the user got the address as a name and no email, and the deals file
 * after the companies file was refused ("no user with the email sara@example.com"). Both engines.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmSeries, ENGINES, useEngineDb } from '../helpers/engines.js';

const F = join(__dirname, '..', 'fixtures', 'crm-exports');

describe.each(ENGINES)('%s: owners created by an import', (engine) => {
  const db = useEngineDb(engine, 'owners');

  it('are found by their email in the next import', async () => {
    const [, companies, deals, users, list] = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['import', 'companies', join(F, 'hubspot-companies.csv'), '--from', 'hubspot', '--create-missing', 'users'],
      ['import', 'deals', join(F, 'hubspot-deals.csv'), '--from', 'hubspot', '--currency', 'EUR'],
      ['user', 'list', '--json'],
      ['deal', 'list', '--json'],
    ]);
    expect(companies!.code).toBe(0);
    expect(companies!.stdout + companies!.stderr).toContain('also created: 2 users');
    expect(deals!.stderr).not.toContain('no user with the email');
    expect(deals!.code).toBe(0);
    const emails = JSON.parse(users!.stdout).map((u: { email: string | null }) => u.email);
    expect(emails).toEqual(expect.arrayContaining(['sara@example.com', 'omid@example.com']));
    const owners = JSON.parse(list!.stdout).map((d: { title: string; owner: string }) => `${d.title}: ${d.owner}`);
    expect(owners).toContain('Acme spring order: sara.example.com');
    expect(owners).toContain('Parsian yearly contract: omid.example.com');
  }, 120_000);
});
