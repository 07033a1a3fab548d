/** Tags live in one table for every entity, so `+tag` filters work the same everywhere. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { UserError } from '../errors.js';

export function normalizeTag(tag: string): string {
  const t = tag.trim().replace(/^[+#]/, '').toLowerCase();
  if (!/^[\p{L}\p{N}_.\-/]+$/u.test(t)) throw new UserError(`Bad tag "${tag}".`, 'Tags are letters, digits, _ . - / (no spaces), e.g. --tag vip');
  return t;
}

export async function setTags(trx: Kysely<Database>, entityType: string, entityId: number, tags: string[]): Promise<void> {
  await trx.deleteFrom('tags').where('entity_type', '=', entityType).where('entity_id', '=', entityId).execute();
  const unique = [...new Set(tags)];
  if (unique.length) await trx.insertInto('tags').values(unique.map((tag) => ({ entity_type: entityType, entity_id: entityId, tag }))).execute();
}

export async function tagsFor(db: Kysely<Database>, entityType: string, ids: number[]): Promise<Map<number, string[]>> {
  const map = new Map<number, string[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (!chunk.length) continue;
    const rows = await db.selectFrom('tags').select(['entity_id', 'tag']).where('entity_type', '=', entityType).where('entity_id', 'in', chunk).orderBy('tag').execute();
    for (const r of rows) {
      const list = map.get(r.entity_id) ?? [];
      list.push(r.tag);
      map.set(r.entity_id, list);
    }
  }
  return map;
}

export interface TagChange {
  /** Replace all tags. */
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
}
