/** crm report referrals: who referred how many contacts, deals and won value. */
import { defineReport } from '../engine.js';
import { convertDealRows } from '../fx.js';
import { effectiveEnd } from '../scope.js';
import { buildReferrals, referralLines } from './build.js';
import { contactsReferred, dealsReferred, referrerNames, wonReferred } from './query.js';

export const definition = defineReport({
  name: 'referrals',
  description: 'referrers (contacts and companies): contacts referred, deals, deals won and won value',
  examples: ['crm report referrals --period 2026', 'crm report referrals --period 2026-Q4 --in EUR', 'crm report referrals --json', 'crm report referrals --explain'],
  period: 'quarter',
  asOf: true,
  owners: true,
  money: true,
  async run({ session, scope }) {
    const start = scope.period.start;
    const end = effectiveEnd(scope);
    const [contacts, deals, won] = await Promise.all([contactsReferred(session.db, scope, start, end), dealsReferred(session.db, scope, start, end), wonReferred(session.db, scope, start, end)]);
    const all = [...contacts, ...deals, ...won];
    const ids = (kind: string) => [...new Set(all.filter((r) => r.kind === kind).map((r) => Number(r.id)))];
    const names = await referrerNames(session.db, ids('contact'), ids('company'));
    return buildReferrals(referralLines({ contacts, deals, won: convertDealRows(scope, won, ['wonMinor']), names }), { scope });
  },
});
