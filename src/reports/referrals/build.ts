/** Referrals: per referrer (a contact or a company), contacts referred, deals, deals won and won value. */
import type { Money } from '../../domain/money.js';
import { fullName } from '../../domain/validate.js';
import { MoneySum, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import type { CountRow, WonRow } from './query.js';
import { compareText } from '../collate.js';

export interface ReferralLine {
  referrer: string;
  kind: 'contact' | 'company';
  id: number;
  contacts: number;
  deals: number;
  dealsWon: number;
  wonValue: Money[];
}

export interface ReferralInput {
  contacts: CountRow[];
  deals: CountRow[];
  won: WonRow[];
  names: { contacts: Map<number, [string, string]>; companies: Map<number, string> };
}

export function referralLines(input: ReferralInput): ReferralLine[] {
  const lines = new Map<string, ReferralLine & { value: MoneySum }>();
  const line = (kind: string, rawId: number | string) => {
    const id = Number(rawId);
    const k = `${kind}:${id}`;
    let l = lines.get(k);
    if (!l) {
      const contact = input.names.contacts.get(id);
      const referrer = kind === 'company' ? (input.names.companies.get(id) ?? `company #${id}`) : contact ? fullName(contact[0], contact[1]) : `contact #${id}`;
      lines.set(k, (l = { referrer, kind: kind === 'company' ? 'company' : 'contact', id, contacts: 0, deals: 0, dealsWon: 0, wonValue: [], value: new MoneySum() }));
    }
    return l;
  };
  for (const r of input.contacts) line(r.kind, r.id).contacts += Number(r.n);
  for (const r of input.deals) line(r.kind, r.id).deals += Number(r.n);
  for (const r of input.won) {
    const l = line(r.kind, r.id);
    l.dealsWon += Number(r.deals);
    l.value.add(r.currency, r.wonMinor);
  }
  return [...lines.values()]
    .map(({ value, ...l }) => ({ ...l, wonValue: value.bag() }))
    .sort((a, b) => b.contacts - a.contacts || b.dealsWon - a.dealsWon || b.deals - a.deals || compareText(a.referrer, b.referrer) || a.id - b.id);
}

export function buildReferrals(lines: ReferralLine[], p: { scope: ReportScope }): ReportModel {
  const total = { referrer: 'Total', kind: '', contacts: 0, deals: 0, dealsWon: 0, wonValue: [] as Money[] };
  const value = new MoneySum();
  for (const l of lines) {
    total.contacts += l.contacts;
    total.deals += l.deals;
    total.dealsWon += l.dealsWon;
    value.addBag(l.wonValue);
  }
  total.wonValue = value.bag();
  return {
    report: 'referrals',
    title: 'Referrals',
    scope: scopeInfo(p.scope),
    summary: [],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'referrer', label: 'Referrer' },
          { key: 'kind', label: 'Kind' },
          { key: 'contacts', label: 'Contacts', format: 'int' },
          { key: 'deals', label: 'Deals', format: 'int' },
          { key: 'dealsWon', label: 'Won', format: 'int' },
          { key: 'wonValue', label: 'Won value', format: 'money' },
        ],
        rows: lines as unknown as Record<string, unknown>[],
        total,
        chart: 'contacts',
        empty: 'No referred contacts or deals in this period: crm contact edit 12 --referred-by 5 (or company:3)',
      },
    ],
    notes: [],
    explain: [
      `Window: ${describePeriod(p.scope)}.`,
      'Referrer = the contact or company named by crm contact add/edit --referred-by (company:ID for a company).',
      'Contacts = contacts created in the window with that referrer (archived ones left out).',
      'Deals = deals created in the window whose primary contact has that referrer.',
      "Won / Won value = such deals whose won_at lies in the window; value summed per currency (--in CUR converts each at its won day).",
      describeScope(p.scope),
    ].join('\n'),
    data: { rows: lines, total },
  };
}
