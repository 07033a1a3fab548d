/**
 * One dimension resolver for the reports that group customers or sales by something about them
 * (issue 21): `crm report sales --by …` and `crm report customers --by …`.
 *
 *   field:NAME            a company column (industry, city, region/province, country, tier/rank,
 *                         source) or custom field, else a contact column (lifecycle, source, title,
 *                         role) or custom field (gender, rank, relationship…); field:company.NAME or
 *                         field:contact.NAME says which. A bare NAME (--by industry) is the same.
 *   segment:NAME          "in NAME" / "not in NAME" (a contact or company segment)
 *   age-band              the contact's age on the as-of day, from its birth_date field
 *
 * A report hands the resolver its subjects — a company and/or a contact per row (an order: its
 * company and its deal's primary contact) — and gets back each one's group label. A person
 * dimension of a company-level row reads the company's first person (lowest contact id).
 */
import { UsageError } from '../../errors.js';
import { fieldDefinitions, formatFieldValue, type FieldDefinition } from '../../domain/custom-fields.js';
import { getSegment } from '../../domain/segments.js';
import type { Session } from '../../domain/session.js';
import { firstPeople, recordValues } from './query.js';

export interface Subject {
  companyId: number | null;
  contactId: number | null;
}

export interface Dimension {
  /** As given: field:industry, segment:vip, age-band. */
  spec: string;
  /** The group column's heading. */
  label: string;
  /** One line for --explain. */
  explain: string;
  /** Each subject's group label. */
  resolve(subjects: Subject[]): Promise<(s: Subject) => string>;
}

const NONE = '(none)';

const COMPANY_COLUMNS: Record<string, string> = { industry: 'industry', city: 'city', region: 'region', province: 'region', state: 'region', country: 'country', tier: 'tier', rank: 'tier', source: 'source' };
const CONTACT_COLUMNS: Record<string, string> = { lifecycle: 'lifecycle', source: 'source', title: 'title', role: 'company_role' };

export const AGE_BANDS = ['under 25', '25–34', '35–44', '45–54', '55–64', '65+'];

/** Age in whole years on `day` (YYYY-MM-DD) of someone born on `birth`; null for no date. */
export function ageOn(birth: unknown, day: string): number | null {
  if (typeof birth !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(birth)) return null;
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export function ageBand(age: number | null): string {
  if (age === null || age < 0) return '(unknown)';
  if (age < 25) return AGE_BANDS[0]!;
  if (age >= 65) return AGE_BANDS[5]!;
  return AGE_BANDS[Math.floor((age - 25) / 10) + 1]!;
}

const titleCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ');

function valueLabel(def: FieldDefinition | undefined, v: unknown): string {
  if (v === null || v === undefined || v === '') return NONE;
  if (def) return formatFieldValue(def, v) || NONE;
  return String(v);
}

/** Each subject's record id at a level: its own, or for a person of a company-level row, the company's first person. */
async function idsAt(s: Session, level: 'company' | 'contact', subjects: Subject[]): Promise<(x: Subject) => number | null> {
  if (level === 'company') return (x) => x.companyId;
  const missing = subjects.filter((x) => x.contactId === null && x.companyId !== null).map((x) => x.companyId!);
  const first = missing.length ? await firstPeople(s.db, missing) : new Map<number, number>();
  return (x) => x.contactId ?? (x.companyId !== null ? (first.get(x.companyId) ?? null) : null);
}

function recordDimension(s: Session, spec: string, level: 'company' | 'contact', read: { column: string } | { field: string }, label: string, def?: FieldDefinition): Dimension {
  const what = 'column' in read ? `the ${level}'s ${label.toLowerCase()}` : `the ${level}'s custom field ${(read as { field: string }).field}`;
  return {
    spec,
    label,
    explain: `Grouped by ${what}${level === 'contact' ? " (an order's: its deal's primary contact; a company's: its first person)" : ''}; "(none)" when empty.`,
    async resolve(subjects) {
      const idOf = await idsAt(s, level, subjects);
      const ids = subjects.map(idOf).filter((x): x is number => x !== null);
      const values = await recordValues(s.db, level === 'company' ? 'companies' : 'contacts', ids, read);
      return (x) => {
        const id = idOf(x);
        return id === null ? NONE : valueLabel(def, values.get(id));
      };
    },
  };
}

/** `--by` of a report → its dimension; a one-line usage error naming what exists. */
export async function parseDimension(s: Session, spec: string, asOfDay: string): Promise<Dimension> {
  const raw = spec.trim();
  if (raw === 'age-band' || raw === 'age') {
    const def = (await fieldDefinitions(s.db.kysely, 'contact')).find((d) => d.name === 'birth_date');
    if (!def) throw new UsageError('--by age-band reads the contact field birth_date, which is not enabled.', 'crm field enable contact birth_date');
    return {
      spec: raw,
      label: 'Age band',
      explain: `Grouped by the contact's age on ${asOfDay} from its birth_date (${AGE_BANDS.join(', ')}; "(unknown)" without one) — an order's: its deal's primary contact; a company's: its first person.`,
      async resolve(subjects) {
        const idOf = await idsAt(s, 'contact', subjects);
        const values = await recordValues(s.db, 'contacts', subjects.map(idOf).filter((x): x is number => x !== null), { field: 'birth_date' });
        return (x) => {
          const id = idOf(x);
          return ageBand(id === null ? null : ageOn(values.get(id), asOfDay));
        };
      },
    };
  }
  const segment = /^segment:(.+)$/i.exec(raw);
  if (segment) {
    const seg = await getSegment(s, segment[1]!);
    if (seg.entity !== 'contact' && seg.entity !== 'company') throw new UsageError(`Segment ${seg.name} selects ${seg.entity}s; a report groups by a contact or company segment.`, 'See them: crm segment list');
    return {
      spec: raw,
      label: `Segment ${seg.name}`,
      explain: `Grouped by membership of the ${seg.entity} segment ${seg.name} (${seg.filter}) now: "in ${seg.name}" or "not in ${seg.name}"${seg.entity === 'contact' ? " — an order's contact: its deal's primary contact; a company's: its first person" : ''}.`,
      async resolve(subjects) {
        const members = new Set<number>();
        const filter = [`segment:${seg.name}`];
        const rows = seg.entity === 'contact' ? (await (await import('../../domain/contacts.js')).listContacts(s, { filter })).rows : (await (await import('../../domain/companies.js')).listCompanies(s, { filter })).rows;
        for (const r of rows) members.add(r.id);
        const idOf = await idsAt(s, seg.entity as 'contact' | 'company', subjects);
        return (x) => {
          const id = idOf(x);
          return id !== null && members.has(id) ? `in ${seg.name}` : `not in ${seg.name}`;
        };
      },
    };
  }
  const m = /^(?:field:)?(?:(company|contact)\.)?([\p{L}\p{N}_-]+)$/iu.exec(raw);
  if (!m) throw unknownDimension(raw);
  const wanted = m[1]?.toLowerCase() as 'company' | 'contact' | undefined;
  const name = m[2]!.toLowerCase().replace(/-/g, '_');
  for (const level of wanted ? [wanted] : (['company', 'contact'] as const)) {
    const columns = level === 'company' ? COMPANY_COLUMNS : CONTACT_COLUMNS;
    if (columns[name]) return recordDimension(s, raw, level, { column: columns[name]! }, titleCase(name));
    const def = (await fieldDefinitions(s.db.kysely, level)).find((d) => d.name === name);
    if (def) return recordDimension(s, raw, level, { field: def.name }, def.label || titleCase(name), def);
  }
  throw unknownDimension(raw);
}

function unknownDimension(spec: string): UsageError {
  return new UsageError(
    `Cannot group by "${spec}": no such company or contact field.`,
    'Use field:NAME (a column such as industry, region, rank, or a custom field: crm field list), segment:NAME (crm segment list) or age-band.',
  );
}
