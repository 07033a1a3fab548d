/** Segments: saved filters with a name, usable as `segment:NAME` wherever their entity is filtered. */
import { recordAudit } from '../db/audit.js';
import { writeTransaction } from '../db/transaction.js';
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

export async function removeSegment(s: Session, name: string): Promise<SegmentRecord> {
  const seg = await getSegment(s, name);
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    await trx.deleteFrom('segments').where('id', '=', seg.id).execute();
    await recordAudit(trx, { entity: 'segment', entityId: seg.id, action: 'delete', changes: { name: [seg.name, null], filter: [seg.filter, null] }, actor: s.actor, at });
  });
  return seg;
}

export async function listSegments(s: Session): Promise<(SegmentRecord & { matching: number })[]> {
  const out: (SegmentRecord & { matching: number })[] = [];
  for (const seg of await loadSegments(s)) out.push({ ...seg, matching: await countMatching(s, seg.entity, [`segment:${seg.name}`]) });
  return out;
}
