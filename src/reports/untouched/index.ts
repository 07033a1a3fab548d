/** crm report untouched: active contacts nobody has touched in the last N days, by owner. */
import { UsageError } from '../../errors.js';
import { defineReport } from '../engine.js';
import { buildUntouched, untouchedCutoff } from './build.js';
import { untouchedContacts } from './query.js';

function days(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`--days must be a positive whole number, not "${value}".`);
  return Number(value);
}

export const definition = defineReport<{ days: number }>({
  name: 'untouched',
  description: 'active contacts nobody has touched in the last N days, by owner',
  examples: ['crm report untouched', 'crm report untouched --days 90 --owner me', 'crm report untouched --team "DACH (Munich)" --format csv', 'crm report untouched --json | jq .byOwner'],
  period: 'none',
  asOf: 'a contact keeps only its latest touch (last_touched_at), so an earlier state cannot be rebuilt.',
  owners: true,
  options: [{ flags: '--days <n>', description: 'how far back a touch counts', parse: days, default: 365 }],
  async run({ session, scope, flags }) {
    const cutoff = untouchedCutoff(scope.asOf, flags.days);
    return buildUntouched(await untouchedContacts(session.db, scope, cutoff), { scope, days: flags.days, cutoff });
  },
});
