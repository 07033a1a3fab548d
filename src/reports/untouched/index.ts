/** crm report untouched: active contacts nobody has touched in the last N days, by owner. */
import { UsageError } from '../../errors.js';
import { defineReport } from '../engine.js';
import { readSnapshot } from '../../db/snapshot.js';
import { RowStream } from '../model.js';
import { listedContacts, untouchedCutoff, untouchedModel, untouchedOwners } from './build.js';
import { untouchedByOwner, untouchedListing } from './query.js';

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
    const p = { scope, days: flags.days, cutoff: untouchedCutoff(scope.asOf, flags.days) };
    // The counts first, then the contacts read while they are printed, from one snapshot.
    const db = session.db;
    const snapshot = await readSnapshot(db);
    try {
      const groups = await snapshot.all(untouchedByOwner(db, scope, p.cutoff));
      const owners = untouchedOwners(groups);
      const count = owners.reduce((n, o) => n + o.untouched, 0);
      if (!count) {
        await snapshot.close();
        return untouchedModel(owners, [], p);
      }
      const place = new Map(owners.map((o, i) => [o.owner, i]));
      const rank = new Map(groups.filter((g) => g.ownerId !== null && g.owner !== null).map((g) => [g.ownerId!, place.get(g.owner!)!]));
      const listing = untouchedListing(db, scope, p.cutoff, rank, place.get('(none)') ?? owners.length);
      const asOf = new Date(scope.asOf).getTime();
      const model = untouchedModel(owners, new RowStream(count, () => listedContacts(snapshot.valueBatches(listing), asOf) as AsyncIterable<Record<string, unknown>[]>), p);
      model.close = () => snapshot.close();
      return model;
    } catch (err) {
      await snapshot.close();
      throw err;
    }
  },
});
