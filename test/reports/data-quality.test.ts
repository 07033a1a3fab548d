/** The duplicate checks of the data-quality builder, on hand-made contacts. */
import { describe, expect, it } from 'vitest';
import type { ContactLite, DataQualityRows } from '../../src/reports/data-quality/query.js';
import { buildDataQuality } from '../../src/reports/data-quality/build.js';
import type { ReportScope } from '../../src/reports/scope.js';

const none = { count: 0, examples: [] };
const period = { start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z', label: '2026', previous: () => period };
const scope: ReportScope = { period, asOf: '2026-11-20T17:55:00.000Z', historical: false, timeZone: 'UTC', ownerIds: null, owners: null, team: null };

function contact(id: number, c: Partial<ContactLite>): ContactLite {
  return { id, firstName: `First${id}`, lastName: `Last${id}`, email: null, phone: null, mobile: null, companyId: null, ...c };
}

function checks(contacts: ContactLite[]): Record<string, { count: number; examples: unknown[] }> {
  const rows: DataQualityRows = {
    contactsNoEmailOrPhone: none,
    contactsNoOwner: none,
    contacts,
    dealsNoOwner: none,
    openDealsNoAmount: none,
    openDealsNoCloseDate: none,
    openDealsPastClose: none,
    openDealsNoNextStep: none,
    contactsUntouched: none,
    requiredMissing: [],
  };
  const model = buildDataQuality(rows, { scope });
  const list = (model.data as { checks: { check: string; count: number; examples: unknown[] }[] }).checks;
  return Object.fromEntries(list.map((c) => [c.check, c]));
}

describe('data-quality duplicates', () => {
  it('groups every contact sharing an email (case and spaces ignored), ids sorted', () => {
    const c = checks([contact(7, { email: 'Ana@Example.com' }), contact(2, { email: 'ana@example.com ' }), contact(5, { email: 'ANA@example.com' }), contact(3, { email: 'bo@example.com' })]);
    expect(c['duplicate-email']).toMatchObject({ count: 1, examples: [[2, 5, 7]] });
  });

  it('a contact whose phone and mobile are the same number is not its own duplicate', () => {
    const c = checks([contact(1, { phone: '+49 30 1234567', mobile: '0049 30 1234567' }), contact(2, { phone: '+49 30 7654321' })]);
    expect(c['duplicate-phone']).toMatchObject({ count: 0, examples: [] });
    const d = checks([contact(1, { phone: '+49 30 1234567', mobile: '+49 30 1234567' }), contact(2, { mobile: '(49) 30-1234567' })]);
    expect(d['duplicate-phone']).toMatchObject({ count: 1, examples: [[1, 2]] });
  });

  it('the same name counts only at the same company, folded across case and script forms', () => {
    const c = checks([
      contact(1, { firstName: 'Ali', lastName: 'Karimi', companyId: 4 }),
      contact(2, { firstName: 'ALI', lastName: ' karimi', companyId: 4 }),
      contact(3, { firstName: 'Ali', lastName: 'Karimi', companyId: 9 }),
      contact(4, { firstName: 'Ali', lastName: 'Karimi' }),
      contact(5, { firstName: 'Ali', lastName: 'Karimi' }),
    ]);
    expect(c['duplicate-name-company']).toMatchObject({ count: 1, examples: [[1, 2]] });
  });
});
