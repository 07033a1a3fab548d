/**
 * Data quality: missing key fields, invalid emails, likely duplicates, stale deals and contacts.
 * Each check lists how many records it found and a few of their ids, with the command to fix them.
 */
import { EXAMPLES, type ContactLite, type DataQualityRows, type Found } from './query.js';
import { fold, phoneDigits } from '../../db/fold.js';
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
  return plausible(email, email.trim());
}

function plausible(email: string, trimmed: string): boolean {
  return EMAIL_RE.test(trimmed) && !email.includes('..');
}

/** Digits of a phone number without a leading international prefix marker; short numbers are ignored. */
export function phoneKey(phone: string | null): string | null {
  if (!phone) return null;
  const all = phoneDigits(phone); // phone.replace(/\D+/g, '') without a regular expression
  const digits = all.startsWith('00') ? all.slice(2) : all;
  return digits.length >= 7 ? digits : null;
}

/** What the contact checks found: invalid emails (ids) and duplicate groups (sorted ids). */
export interface ContactChecks {
  invalidEmails: number[];
  dupEmail: number[][];
  dupPhone: number[][];
  dupName: number[][];
}

/**
 * Groups of contacts sharing a key. Most keys belong to one contact, so a key holds that
 * contact's id until a second one turns up (a Set per key cost 100,000 allocations a check).
 */
type Groups = Map<string, number | number[]>;

function addKey(groups: Groups, k: string, id: number): void {
  const g = groups.get(k);
  if (g === undefined) groups.set(k, id);
  else if (typeof g === 'number') {
    if (g !== id) groups.set(k, [g, id]);
  } else if (!g.includes(id)) g.push(id);
}

function groupsOf(groups: Groups): number[][] {
  const out: number[][] = [];
  for (const g of groups.values()) if (typeof g !== 'number') out.push(g.sort((a, b) => a - b));
  return out;
}

/**
 * The invalid-email and duplicate checks in one pass over the contacts (in id order), a contact
 * at a time as its columns arrive: no object per contact, one key string per check at most.
 *
 * Email keys: a contact whose email_norm is its key (the address trimmed, lower-cased) shares it
 * with no other contact, as email_norm is unique (contacts_email_norm, both engines). Such
 * contacts — nearly all, since crm writes email_norm so — are left out of the key map: a million
 * keys in a Map cost more than reading the million rows. Any group then holds a contact of
 * another kind, whose key is in the map; emailKeysToLookUp() lists those keys, and the caller
 * hands back (addByNorm) the contacts whose email_norm is one of them.
 */
export class ContactScan {
  private readonly invalid: number[] = [];
  private readonly email: Groups = new Map();
  private readonly phone: Groups = new Map();
  private readonly name: Groups = new Map();
  private lookedUp = false;

  /**
   * `normIsEmail`: the contact's email_norm equals its email (the caller checks it; false when
   * unknown). `firstName`/`lastName` are only read for a contact at a company (the same name at
   * no company is no evidence).
   */
  add(id: number, email: string | null, normIsEmail: boolean, phone: string | null, mobile: string | null, companyId: number | null, firstName: string | null, lastName: string | null): void {
    if (email) {
      const trimmed = email.trim();
      if (!plausible(email, trimmed)) this.invalid.push(id);
      const k = trimmed.toLowerCase();
      // email_norm = email = key: unique, see above.
      if (k && !(normIsEmail && k === email)) addKey(this.email, k, id);
    }
    if (phone) {
      const k = phoneKey(phone);
      if (k) addKey(this.phone, k, id);
    }
    if (mobile) {
      const k = phoneKey(mobile);
      if (k) addKey(this.phone, k, id);
    }
    if (companyId !== null) {
      const name = fold(`${firstName} ${lastName}`).replace(/\s+/g, ' ').trim();
      if (name) addKey(this.name, `${name}\u0000${companyId}`, id);
    }
  }

  /** The email keys of the contacts in the map: the keys a contact left out of it may share. */
  emailKeysToLookUp(): string[] {
    return [...this.email.keys()];
  }

  /** A contact found by its email_norm (one of emailKeysToLookUp()): in a group when that is its key. */
  addByNorm(id: number, email: string, norm: string): void {
    if (email.trim().toLowerCase() !== norm) return; // then it is in the map under its own key
    addKey(this.email, norm, id);
    this.lookedUp = true;
  }

  result(): ContactChecks {
    const dupEmail = groupsOf(this.email);
    // Contacts come in id order, so groups are in the order of their lowest id; a contact added
    // by addByNorm came later than that.
    if (this.lookedUp) dupEmail.sort((a, b) => a[0]! - b[0]!);
    return { invalidEmails: this.invalid, dupEmail, dupPhone: groupsOf(this.phone), dupName: groupsOf(this.name) };
  }
}

export function contactChecks(contacts: ContactLite[]): ContactChecks {
  const scan = new ContactScan();
  for (const c of contacts) scan.add(c.id, c.email, false, c.phone, c.mobile, c.companyId, c.firstName, c.lastName);
  return scan.result();
}

function plural(entity: string): string {
  const p = entity === 'company' ? 'Companies' : entity === 'activity' ? 'Activities' : `${entity}s`;
  return p[0]!.toUpperCase() + p.slice(1);
}

export function buildDataQuality(rows: DataQualityRows, p: { scope: ReportScope }): ReportModel {
  const { invalidEmails, dupEmail, dupPhone, dupName } = Array.isArray(rows.contacts) ? contactChecks(rows.contacts) : rows.contacts;
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
