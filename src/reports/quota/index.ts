/** crm report quota: attainment per owner, won value ÷ quota for the period. */
import { defineReport } from '../engine.js';
import { convertDealRows, convertQuotas } from '../fx.js';
import { allCandidateLabels, applicableQuotas } from '../quota-periods.js';
import { effectiveEnd } from '../scope.js';
import { buildQuota } from './build.js';
import { quotasFor, wonByOwner } from './query.js';

export const definition = defineReport({
  name: 'quota',
  description: 'attainment per owner: won value ÷ quota for the period',
  examples: ['crm quota set sara 2026-Q4 120000 --currency EUR', 'crm report quota --period 2026-Q4', 'crm report quota --period 2026-11 --team East --json', 'crm report quota --period 2026-Q4 --in EUR --explain'],
  period: 'quarter',
  asOf: true,
  owners: true,
  money: true,
  async run({ session, scope }) {
    const [won, quotaRows] = await Promise.all([wonByOwner(session.db, scope, scope.period.start, effectiveEnd(scope)), quotasFor(session.db, scope, allCandidateLabels(scope.period.label))]);
    return buildQuota(convertDealRows(scope, won, ['wonMinor']), convertQuotas(scope, applicableQuotas(quotaRows, scope.period.label)), { scope });
  },
});
