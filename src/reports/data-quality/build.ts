/**
 * Data quality: missing key fields, invalid emails, likely duplicates, stale deals and contacts.
 * Each check lists how many records it found and a few of their ids, with the command to fix them.
 */
import { EXAMPLES, type ContactLite, type DataQualityRows, type Found } from './query.js';
import { fold } from '../../db/fold.js';
import type { ReportModel } from '../model.js';
import { describeScope, scopeInfo, type ReportScope } from '../scope.js';

export interface QualityCheck {
  check: string;
  label: string;
  count: number;
  /** Record ids; for duplicates, groups of ids. */
  examples: (number | number[])[];
  fix: string;
}

const EMAIL_RE = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]{2,}$/u;

export function isPlausibleEmail(email: string): boolean {
  return EMAIL_RE.test(email.trim()) && !email.includes('..');
}

/** Digits of a phone number without a leading international prefix marker; short numbers are ignored. */
export function phoneKey(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D+/g, '').replace(/^00/, '');
  return digits.length >= 7 ? digits : null;
}

/**
 * Groups of contacts sharing a key. Most keys belong to one contact, so a key holds that
 * contact's id until a second one turns up (a Set per key cost 100,000 allocations a check).
 */
function duplicates(contacts: ContactLite[], keyOf: (c: ContactLite) => (string | null)[]): number[][] {
  const groups = new Map<string, number | number[]>();
  for (const c of contacts) {
    for (const k of keyOf(c)) {
      if (!k) continue;
      const g = groups.get(k);
      if (g === undefined) groups.set(k, c.id);
      else if (typeof g === 'number') {
        if (g !== c.id) groups.set(k, [g, c.id]);
      } else if (!g.includes(c.id)) g.push(c.id);
    }
  }
  const out: number[][] = [];
  for (const g of groups.values()) if (typeof g !== 'number') out.push(g.sort((a, b) => a - b));
  return out;
}

function plural(entity: string): string {
  const p = entity === 'company' ? 'Companies' : entity === 'activity' ? 'Activities' : `${entity}s`;
  return p[0]!.toUpperCase() + p.slice(1);
}

export function buildDataQuality(rows: DataQualityRows, p: { scope: ReportScope }): ReportModel {
  const invalidEmails = rows.contacts.filter((c) => c.email && !isPlausibleEmail(c.email)).map((c) => c.id);
  const dupEmail = duplicates(rows.contacts, (c) => [c.email ? c.email.trim().toLowerCase() : null]);
  const dupPhone = duplicates(rows.contacts, (c) => [phoneKey(c.phone), phoneKey(c.mobile)]);
  const dupName = duplicates(rows.contacts, (c) => {
    if (c.companyId === null) return [null]; // the same name at no company is no evidence
    const name = fold(`${c.firstName} ${c.lastName}`).replace(/\s+/g, ' ').trim();
    return [name ? `${name}\u0000${c.companyId}` : null];
  });
  const mk = (check: string, label: string, list: (number | number[])[] | Found, fix: string): QualityCheck =>
    Array.isArray(list) ? { check, label, count: list.length, examples: list.slice(0, EXAMPLES), fix } : { check, label, count: list.count, examples: list.examples, fix };
  const checks: QualityCheck[] = [
    mk('contact-no-email-or-phone', 'Contacts with no email and no phone', rows.contactsNoEmailOrPhone, 'crm contact edit ID --email … or --phone …'),
    mk('contact-no-owner', 'Contacts with no owner', rows.contactsNoOwner, 'crm contact edit ID --owner HANDLE'),
    mk('contact-invalid-email', 'Contacts with an invalid email', invalidEmails, 'crm contact edit ID --email …'),
    mk('duplicate-email', 'Likely duplicates: same email', dupEmail, 'crm contact merge KEEP OTHER'),
    mk('duplicate-phone', 'Likely duplicates: same phone', dupPhone, 'crm contact merge KEEP OTHER'),
    mk('duplicate-name-company', 'Likely duplicates: same name and company', dupName, 'crm contact merge KEEP OTHER'),
    mk('deal-no-owner', 'Deals with no owner', rows.dealsNoOwner, 'crm deal edit ID --owner HANDLE'),
    mk('open-deal-no-amount', 'Open deals with no amount', rows.openDealsNoAmount, 'crm deal edit ID --amount …'),
    mk('open-deal-no-close-date', 'Open deals with no expected close date', rows.openDealsNoCloseDate, 'crm deal edit ID --close YYYY-MM-DD'),
    mk('open-deal-past-close', 'Open deals past their expected close date', rows.openDealsPastClose, 'crm deal edit ID --close … (or mark it won/lost)'),
    mk('open-deal-no-next-step', 'Open deals with no next step (no open task)', rows.openDealsNoNextStep, 'crm task add "…" --deal ID --due …'),
    mk('contact-untouched-year', 'Contacts untouched for a year', rows.contactsUntouched, 'crm log call ID "…", or crm contact edit ID --lifecycle inactive'),
    ...rows.requiredMissing.map((m) => mk(`missing-${m.field.entity}-${m.field.name}`, `${plural(m.field.entity)} missing ${m.field.name} (required)`, m.found, `crm ${m.field.entity} edit ID --set ${m.field.name}=…`)),
  ];
  const issues = checks.reduce((s, c) => s + c.count, 0);
  const failing = checks.filter((c) => c.count > 0);
  const asText = (e: number | number[]) => (Array.isArray(e) ? e.map((x) => `#${x}`).join('=') : `#${e}`);
  const tableRows = checks.map((c) => ({ check: c.check, label: c.label, count: c.count, examples: c.examples.map(asText).join(' ') + (c.count > EXAMPLES ? ' …' : ''), fix: c.count ? c.fix : '' }));
  return {
    report: 'data-quality',
    title: 'Data quality',
    scope: scopeInfo(p.scope, false),
    summary: [{ key: 'issues', label: 'Problems found', value: issues, format: 'int', detail: `in ${failing.length} of ${checks.length} checks` }],
    tables: [
      {
        name: 'checks',
        columns: [
          { key: 'label', label: 'Check' },
          { key: 'count', label: 'Found', format: 'int' },
          { key: 'examples', label: 'Examples' },
          { key: 'fix', label: 'Fix with' },
        ],
        rows: tableRows,
      },
    ],
    notes: [],
    explain: [
      'Each check counts records (active, not archived; for open deals: open at the as-of moment):',
      '- no email and no phone: email, phone and mobile all empty; no owner: owner not set.',
      '- invalid email: not of the form name@domain.tld (no spaces, one @, a dot in the domain).',
      '- duplicates (counted in groups): the same email ignoring case; the same phone or mobile digits (7 or more, ignoring spaces, punctuation and a leading 00); the same full name (case- and script-folded) at the same company.',
      '- open deals with no amount (0), with no expected close date, or with an expected close date before today (in your zone).',
      '- open deals with no next step: no task linked to the deal that is still open.',
      '- contacts untouched for a year: the last touch (else the creation) is more than 365 days before the as-of moment; inactive contacts are left out.',
      '- missing required fields: one check per custom field marked --required (crm field list), counting records whose value is empty.',
      '--fail-on-issues exits with status 3 when any check finds something (for CI and cron).',
      describeScope(p.scope),
    ].join('\n'),
    data: { issues, checks },
  };
}
