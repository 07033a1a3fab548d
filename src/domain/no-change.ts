/**
 * Edits that change nothing write nothing: the shared comparison for contact, company, deal and
 * user edits (ticket edit does the same in tickets.ts). Called inside the write transaction, with
 * the row as it is under the lock.
 */
import { normalizeTag, type TagChange } from '../db/tags.js';
import { UserError } from '../errors.js';

/** Columns the edit gives whose value differs from the stored row (the others are dropped). */
export function changedColumns(row: Record<string, unknown>, cols: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cols)) {
    if ((row[k] ?? null) !== (v ?? null)) out[k] = v;
  }
  return out;
}

/** The tags after an edit's tag flags, or undefined when they do not change (or none were given). */
export function nextTags(current: string[], change: TagChange): string[] | undefined {
  if (!change.tags && !change.addTags && !change.removeTags) return undefined;
  const remove = new Set((change.removeTags ?? []).map(normalizeTag));
  const next = [...new Set([...(change.tags ? change.tags.map(normalizeTag) : current), ...(change.addTags ?? []).map(normalizeTag)])].filter((t) => !remove.has(t)).sort();
  const now = [...new Set(current)].sort();
  return JSON.stringify(next) === JSON.stringify(now) ? undefined : next;
}

const HIDDEN = new Set(['email_norm', 'search_text']);
const VAGUE = new Set(['notes', 'custom_fields', 'amount_minor', 'description']);

function label(col: string): string {
  if (col === 'amount_minor') return 'amount';
  if (col === 'expected_close') return 'close date';
  return col.replace(/_id$/, '').replace(/_/g, ' ');
}

/** "Nothing to change: contact #3 already has title CEO and tag vip." (code no_change, exit 1). */
export function noChangeError(entity: string, name: string, cols: Record<string, unknown>, tags: TagChange, show: string): UserError {
  const has: string[] = [];
  for (const [col, v] of Object.entries(cols)) {
    if (HIDDEN.has(col)) continue;
    if (col === 'currency' && 'amount_minor' in cols) continue;
    const l = label(col);
    if (v === null || v === undefined || v === '') has.push(`no ${l}`);
    else if (col.endsWith('_id') || VAGUE.has(col)) has.push(`that ${l}`);
    else if (col === 'active') has.push(v ? 'active' : 'inactive');
    else has.push(`${l} ${String(v)}`);
  }
  const list = (xs: string[]) => xs.map(normalizeTag).join(', ');
  if (tags.tags) has.push(tags.tags.length ? `${tags.tags.length > 1 ? 'tags' : 'tag'} ${list(tags.tags)}` : 'no tags');
  if (tags.addTags?.length) has.push(`${tags.addTags.length > 1 ? 'tags' : 'tag'} ${list(tags.addTags)}`);
  if (tags.removeTags?.length) has.push(`no ${tags.removeTags.length > 1 ? 'tags' : 'tag'} ${list(tags.removeTags)}`);
  const text = has.length > 1 ? `${has.slice(0, -1).join(', ')} and ${has.at(-1)}` : (has[0] ?? 'these values');
  return new UserError(`Nothing to change: ${entity} ${name} already has ${text}.`, `See it with: ${show}`, 'no_change');
}
