/**
 * Untouched contacts: every active contact nobody has touched in the last N days — the classic
 * rule that everyone in the database hears from us at least once a year — grouped by owner.
 */
import type { UntouchedGroupRow, UntouchedListRow, UntouchedRow } from './query.js';
import { fullName } from '../../domain/validate.js';
import { RowStream, type ReportModel } from '../model.js';
import { describeScope, scopeInfo, type ReportScope } from '../scope.js';
import { plural } from '../../output/plural.js';
import { compareText } from '../collate.js';

export interface UntouchedParams {
  scope: ReportScope;
  days: number;
  /** The cutoff instant: as-of − days (ISO UTC). */
  cutoff: string;
}

export interface UntouchedContact {
  id: number;
  name: string;
  email: string | null;
  company: string | null;
  owner: string | null;
  lastTouchedAt: string | null;
  /** Whole days since the last touch; null when never touched. */
  daysSince: number | null;
}

export interface UntouchedOwner {
  owner: string;
  name: string | null;
  untouched: number;
  never: number;
}

export function untouchedCutoff(asOf: string, days: number): string {
  return new Date(new Date(asOf).getTime() - days * 86_400_000).toISOString();
}

/** A contact as the report lists it; daysSince counted from the as-of instant (ms). */
export function untouchedContact(r: UntouchedListRow, asOf: number): UntouchedContact {
  return {
    id: r.id,
    name: fullName(r.firstName, r.lastName),
    email: r.email,
    company: r.company,
    owner: r.owner,
    lastTouchedAt: r.lastTouchedAt,
    daysSince: r.lastTouchedAt ? Math.floor((asOf - Date.parse(r.lastTouchedAt)) / 86_400_000) : null,
  };
}

/** The owners, most untouched first (then by handle), from counts per owner_id ("(none)": no owner or a removed user). */
export function untouchedOwners(groups: UntouchedGroupRow[]): UntouchedOwner[] {
  const byOwner = new Map<string, UntouchedOwner>();
  for (const r of groups) {
    const key = r.owner ?? '(none)';
    let g = byOwner.get(key);
    if (!g) byOwner.set(key, (g = { owner: key, name: r.ownerName, untouched: 0, never: 0 }));
    g.untouched += r.untouched;
    g.never += r.never;
  }
  return [...byOwner.values()].sort((a, b) => b.untouched - a.untouched || compareText(a.owner, b.owner));
}

export function buildUntouched(rows: UntouchedRow[], p: UntouchedParams): ReportModel {
  const asOf = new Date(p.scope.asOf).getTime();
  const contacts = rows.map((r) => untouchedContact(r, asOf));
  const owners = untouchedOwners(rows.map((r) => ({ ownerId: r.ownerId, owner: r.owner, ownerName: r.ownerName, untouched: 1, never: r.lastTouchedAt === null ? 1 : 0 })));
  // Contacts listed owner by owner (same order as the summary), longest-untouched first.
  const rank = new Map(owners.map((o, i) => [o.owner, i]));
  const listed = [...contacts].sort((a, b) => rank.get(a.owner ?? '(none)')! - rank.get(b.owner ?? '(none)')! || (b.daysSince ?? Infinity) - (a.daysSince ?? Infinity) || a.id - b.id);
  return untouchedModel(owners, listed, p);
}

/**
 * The listing read as it is printed: rows in untouchedListing's order (owner, never touched by
 * id, then last touch, id) become contacts in the builder's order — a run of one owner's contacts
 * with the same days count is re-sorted by id, so only one such run is held at a time. The rows
 * come as arrays of values (ReadSnapshot.valueBatches), each made into a contact as untouchedContact would.
 */
export async function* listedContacts(batches: AsyncIterable<unknown[][]>, asOf: number): AsyncGenerator<UntouchedContact[]> {
  let run: UntouchedContact[] = [];
  for await (const batch of batches) {
    const out: UntouchedContact[] = [];
    for (const v of batch) {
      // untouchedListing's columns in order: id, firstName, lastName, email, company, owner, lastTouchedAt.
      const lastTouchedAt = v[6] as string | null;
      const c: UntouchedContact = {
        id: v[0] as number,
        name: fullName(v[1] as string, v[2] as string),
        email: v[3] as string | null,
        company: v[4] as string | null,
        owner: v[5] as string | null,
        lastTouchedAt,
        daysSince: lastTouchedAt ? Math.floor((asOf - Date.parse(lastTouchedAt)) / 86_400_000) : null,
      };
      const last = run[run.length - 1];
      if (last && (last.owner !== c.owner || last.daysSince !== c.daysSince || c.daysSince === null)) {
        for (const x of run.length > 1 ? run.sort((a, b) => a.id - b.id) : run) out.push(x);
        run = [];
      }
      run.push(c);
    }
    if (out.length) yield out;
  }
  if (run.length) yield run.sort((a, b) => a.id - b.id);
}

/** The model, from the owners' counts and the contacts listed (in memory, or read while printed). */
export function untouchedModel(owners: UntouchedOwner[], listed: UntouchedContact[] | RowStream, p: UntouchedParams): ReportModel {
  let count = 0;
  let never = 0;
  for (const o of owners) {
    count += o.untouched;
    never += o.never;
  }
  const total = { owner: 'Total', name: null, untouched: count, never };
  const stream = listed instanceof RowStream ? listed : undefined;
  return {
    report: 'untouched',
    title: `Contacts nobody has touched in ${plural(p.days, 'day')}`,
    scope: scopeInfo(p.scope, false),
    summary: [
      { key: 'untouched', label: 'Untouched', value: count, format: 'int', detail: `no touch since ${p.cutoff.slice(0, 10)}` },
      { key: 'never', label: 'Never touched', value: never, format: 'int' },
    ],
    tables: [
      {
        name: 'byOwner',
        title: 'By owner',
        columns: [
          { key: 'owner', label: 'Owner' },
          { key: 'name', label: 'Name' },
          { key: 'untouched', label: 'Untouched', format: 'int' },
          { key: 'never', label: 'Never touched', format: 'int' },
        ],
        rows: owners as unknown as Record<string, unknown>[],
        total,
        chart: 'untouched',
        empty: `Everyone has been touched in the last ${plural(p.days, 'day')}.`,
      },
      {
        name: 'contacts',
        title: 'Contacts',
        columns: [
          { key: 'owner', label: 'Owner' },
          { key: 'id', label: 'ID', format: 'int' },
          { key: 'name', label: 'Name' },
          { key: 'email', label: 'Email' },
          { key: 'company', label: 'Company' },
          { key: 'lastTouchedAt', label: 'Last touched', format: 'datetime' },
          { key: 'daysSince', label: 'Days', format: 'int' },
        ],
        rows: stream ? [] : (listed as unknown as Record<string, unknown>[]),
        stream,
        empty: 'None.',
      },
    ],
    notes: never ? [`${never} contact${never === 1 ? ' has' : 's have'} never been touched (no call, meeting, email or other touch logged).`] : [],
    explain: [
      `A contact is untouched when its last touch (last_touched_at) is empty or earlier than ${p.cutoff} — ${plural(p.days, 'day')} before ${p.scope.asOf}.`,
      'last_touched_at moves forward whenever a call, meeting, email, newsletter, letter, LinkedIn message or other touch is logged for the contact (crm log); internal notes and tasks do not count.',
      'Only active contacts count: archived contacts and those with lifecycle "inactive" are left out. Contacts created recently and never touched are included ("never").',
      'Grouped by the contact\'s owner ("(none)" when it has none); most untouched owners first.',
      describeScope(p.scope),
    ].join('\n'),
    data: { days: p.days, cutoff: p.cutoff, total: count, never, byOwner: owners, contacts: listed },
  };
}
