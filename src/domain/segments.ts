/** Segments: saved filters with a name, usable as `segment:NAME` wherever their entity is filtered. */
import { recordAudit } from '../db/audit.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { parseFilter } from '../db/filter.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { parseFieldEntity, type FieldEntity } from './custom-fields.js';
import { filterTokens, loadSegments, type SegmentRecord } from './field-filters.js';
import { nowIso, type Session } from './session.js';
import { cleanText } from './validate.js';

const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,59}$/u;

/** How many records of its entity a filter selects now; compiling it checks every term. */
export async function countMatching(s: Session, entity: FieldEntity, filter: string[]): Promise<number> {
  switch (entity) {
    case 'contact':
      return (await (await import('./contacts.js')).listContacts(s, { filter, limit: 1 })).total;
    case 'company':
      return (await (await import('./companies.js')).listCompanies(s, { filter, limit: 1 })).total;
    case 'deal':
      return (await (await import('./deals.js')).listDeals(s, { filter, limit: 1 })).total;
    case 'ticket':
      return (await (await import('./tickets.js')).listTickets(s, { filter, limit: 1 })).total;
    case 'activity':
      return (await (await import('./activities.js')).listActivities(s, { filter, limit: 1 })).total;
  }
}

export async function getSegment(s: Session, name: string): Promise<SegmentRecord> {
  const seg = (await loadSegments(s)).find((x) => x.name.toLowerCase() === name.trim().toLowerCase());
  if (!seg) throw new NotFoundError(`No segment "${name}".`, 'See them: crm segment list');
  return seg;
}

export async function addSegment(s: Session, rawName: string, filterText: string, opts: { entity?: string; description?: string } = {}): Promise<{ segment: SegmentRecord; matching: number }> {
  const name = rawName.trim();
  if (!NAME_RE.test(name)) throw new UsageError(`"${rawName}" cannot name a segment.`, 'A segment name is letters, digits, _ . - (no spaces), e.g. vip-tehran.');
  const entity = parseFieldEntity(opts.entity ?? 'contact');
  const filter = filterText.trim();
  if (!filter) throw new UsageError('A segment needs a filter.', `e.g. crm segment add ${name} 'city:Tehran +vip'`);
  if ((await loadSegments(s)).some((x) => x.name.toLowerCase() === name.toLowerCase())) {
    throw new ConflictError(`A segment "${name}" exists already.`, `See it: crm segment show ${name} — or remove it first: crm segment remove ${name}`, 'duplicate_segment');
  }
  // A filter with a wrong field name or value is refused now, not when the segment is first used.
  const matching = await countMatching(s, entity, filterTokens(filter));
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    const row = await trx.insertInto('segments').values({ name, entity, filter, description: cleanText(opts.description), created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, { entity: 'segment', entityId: row.id, action: 'create', changes: { name: [null, name], filter: [null, filter] }, actor: s.actor, at });
  });
  return { segment: await getSegment(s, name), matching };
}

/** The segment names (lower-cased) a filter text refers to with `segment:NAME` (or `segment:a,b`). */
export function segmentsReferenced(filterText: string): string[] {
  const names = parseFilter(filterTokens(filterText)).terms.flatMap((t) => (t.kind === 'field' && t.field.toLowerCase() === 'segment' ? t.values : []));
  return names.map((n) => n.trim().toLowerCase());
}

/** Whether a filter over `filterEntity` names the custom field `entity.name` (directly, or as company.NAME from contacts). */
function filterUsesField(filterText: string, filterEntity: string, entity: FieldEntity, name: string): boolean {
  const wanted = [...(filterEntity === entity ? [name] : []), ...(filterEntity === 'contact' && entity === 'company' ? [`company.${name}`] : [])];
  return parseFilter(filterTokens(filterText)).terms.some((t) => t.kind === 'field' && wanted.includes(t.field.toLowerCase()));
}

/**
 * The segments and campaign audiences whose filter names a custom field: removing the field
 * would leave them unusable (crm field remove refuses while there are any).
 */
export async function fieldUsers(db: Trx, entity: FieldEntity, name: string): Promise<{ label: string; fix: string }[]> {
  const [segments, campaigns] = await Promise.all([
    db.selectFrom('segments').select(['name', 'entity', 'filter']).orderBy('name').execute(),
    db.selectFrom('campaigns').select(['id', 'name', 'audience']).where('audience', 'is not', null).orderBy('id').execute(),
  ]);
  return [
    ...segments.filter((x) => filterUsesField(x.filter, x.entity, entity, name)).map((x) => ({ label: `segment ${x.name}`, fix: `crm segment remove ${x.name}` })),
    ...campaigns.filter((c) => filterUsesField(c.audience!, 'contact', entity, name)).map((c) => ({ label: `campaign #${c.id} ${c.name} (audience)`, fix: `crm campaign edit ${c.id} --audience none` })),
  ];
}

/**
 * What would stop working if the segment went: other segments, campaign audiences and rule
 * conditions that say `segment:NAME` (they are kept as written, so each would fail when used).
 */
async function segmentUsers(db: Trx, seg: SegmentRecord): Promise<{ label: string; fix: string }[]> {
  const name = seg.name.toLowerCase();
  const uses = (text: string | null | undefined) => !!text && segmentsReferenced(text).includes(name);
  const [segments, campaigns, rules] = await Promise.all([
    db.selectFrom('segments').select(['name', 'filter']).where('id', '!=', seg.id).orderBy('name').execute(),
    db.selectFrom('campaigns').select(['id', 'name', 'audience']).where('audience', 'is not', null).orderBy('id').execute(),
    db.selectFrom('rules').select(['name', 'definition']).orderBy('name').execute(),
  ]);
  return [
    ...segments.filter((x) => uses(x.filter)).map((x) => ({ label: `segment ${x.name}`, fix: `crm segment remove ${x.name}` })),
    ...campaigns.filter((c) => uses(c.audience)).map((c) => ({ label: `campaign #${c.id} ${c.name} (audience)`, fix: `crm campaign edit ${c.id} --audience none` })),
    ...rules.filter((r) => uses((JSON.parse(r.definition) as { if?: string }).if)).map((r) => ({ label: `rule ${r.name} (--if)`, fix: `crm rule edit ${r.name} --if '…'` })),
  ];
}

export async function removeSegment(s: Session, name: string): Promise<SegmentRecord> {
  const seg = await getSegment(s, name);
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    // Read under the write lock: a campaign or rule saved meanwhile is seen.
    const users = await segmentUsers(trx, seg);
    if (users.length) {
      throw new ConflictError(
        `Segment ${seg.name} is used by ${users.map((u) => u.label).join(', ')}; nothing was removed.`,
        `Change ${users.length === 1 ? 'it' : 'them'} first: ${users.map((u) => u.fix).join('; ')}`,
        'segment_in_use',
      );
    }
    await trx.deleteFrom('segments').where('id', '=', seg.id).execute();
    await recordAudit(trx, { entity: 'segment', entityId: seg.id, action: 'delete', changes: { name: [seg.name, null], filter: [seg.filter, null] }, actor: s.actor, at });
  });
  return seg;
}

/**
 * Every segment with how many records it selects now. A segment whose filter no longer compiles
 * (a field removed by an older crm, or by other tools) is listed with `matching: null` and the
 * reason in `broken`, so one bad segment does not hide the others.
 */
export async function listSegments(s: Session): Promise<(SegmentRecord & { matching: number | null; broken: string | null })[]> {
  const out: (SegmentRecord & { matching: number | null; broken: string | null })[] = [];
  for (const seg of await loadSegments(s)) {
    try {
      out.push({ ...seg, matching: await countMatching(s, seg.entity, [`segment:${seg.name}`]), broken: null });
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      out.push({ ...seg, matching: null, broken: `${err.message}${err.hint ? ` ${err.hint}` : ''}` });
    }
  }
  return out;
}
