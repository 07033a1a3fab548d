/**
 * SLA policies: ordered conditions (first match wins) → per-priority targets for first reply,
 * next reply and resolution. The built-in "default" policy is always the last, catch-all entry.
 */
import { diff, recordAudit } from '../db/audit.js';
import type { SlaPolicy } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { clearSlaDue } from './sla-due.js';
import { ConflictError, NotFoundError, UserError } from '../errors.js';
import { getCalendar, loadCalendarDefs } from './calendars.js';
import { nowIso, type Session } from './session.js';
import type { ClockPolicy } from './sla/clock.js';
import { toClockPolicy } from './sla/policy.js';
import { METRIC_FLAGS, METRICS, PRIORITIES, emptyTargets, formatTargetList, parseTargetList, parseTargetsJson, type Metric, type PolicyTargets } from './sla/targets.js';
import { cleanText } from './validate.js';
import { bumpVersion, updateIfVersion } from '../db/versioned.js';
import { authorize } from './permissions.js';

export const CONDITION_KEYS = ['priority', 'category', 'tier', 'channel'] as const;
export type ConditionKey = (typeof CONDITION_KEYS)[number];
export type PolicyConditions = Partial<Record<ConditionKey, string[]>>;

export interface PolicyRecord {
  id: number;
  name: string;
  position: number;
  isDefault: boolean;
  conditions: PolicyConditions;
  /** "priority:high,urgent category:billing" or "any ticket". */
  when: string;
  calendar: { id: number; name: string } | null;
  targets: PolicyTargets;
  firstReply: string;
  nextReply: string;
  resolution: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function describeConditions(c: PolicyConditions): string {
  const parts = CONDITION_KEYS.filter((k) => c[k]?.length).map((k) => `${k}:${c[k]!.join(',')}`);
  return parts.length ? parts.join(' ') : 'any ticket';
}

async function toRecords(db: Trx, rows: SlaPolicy[]): Promise<PolicyRecord[]> {
  const calIds = [...new Set(rows.map((r) => r.calendar_id).filter((id): id is number => id !== null))];
  const cals = calIds.length ? await db.selectFrom('calendars').select(['id', 'name']).where('id', 'in', calIds).execute() : [];
  return rows.map((r) => {
    const conditions = JSON.parse(r.conditions || '{}') as PolicyConditions;
    const targets = parseTargetsJson(r.targets);
    const cal = cals.find((c) => c.id === r.calendar_id);
    const show = (m: Metric) => formatTargetList(targets[m]) + (formatTargetList(targets[m]) && (r.calendar_id === null || targets.calendarTime.includes(m)) ? ' (calendar time)' : '');
    return {
      id: r.id,
      name: r.name,
      position: r.is_default ? rows.filter((x) => !x.is_default).length + 1 : r.position,
      isDefault: Boolean(r.is_default),
      conditions,
      when: r.is_default ? 'any other ticket' : describeConditions(conditions),
      calendar: cal ? { id: cal.id, name: cal.name } : null,
      targets,
      firstReply: show('firstReply'),
      nextReply: show('nextReply'),
      resolution: show('resolution'),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      version: r.version,
    };
  });
}

/** Active policies in evaluation order: by position, the default last. */
export async function policyRows(db: Trx): Promise<SlaPolicy[]> {
  return db.selectFrom('sla_policies').selectAll().where('archived_at', 'is', null).orderBy('is_default').orderBy('position').orderBy('id').execute();
}

export async function listPolicies(s: Session): Promise<PolicyRecord[]> {
  const rows = await policyRows(s.db.kysely);
  const records = await toRecords(s.db.kysely, rows);
  let n = 0;
  for (const r of records) r.position = ++n;
  return records;
}

export async function getPolicy(db: Trx, ref: string): Promise<SlaPolicy> {
  const r = ref.trim();
  const row = /^#?\d+$/.test(r)
    ? await db.selectFrom('sla_policies').selectAll().where('id', '=', Number(r.replace('#', ''))).executeTakeFirst()
    : await db.selectFrom('sla_policies').selectAll().where('name', '=', r).executeTakeFirst();
  if (!row) throw new NotFoundError(`No SLA policy "${ref}".`, 'List them with: crm sla policy list');
  return row;
}

export async function showPolicy(s: Session, ref: string): Promise<PolicyRecord> {
  const row = await getPolicy(s.db.kysely, ref);
  return (await listPolicies(s)).find((p) => p.id === row.id) ?? (await toRecords(s.db.kysely, [row]))[0]!;
}

export interface PolicyInput {
  name?: string;
  calendar?: string;
  firstReply?: string;
  nextReply?: string;
  resolution?: string;
  /** Metrics measured in calendar time; [] = all in business time; undefined = unchanged. */
  calendarTime?: Metric[];
  priority?: string[];
  category?: string[];
  tier?: string[];
  channel?: string[];
}

export function parseCalendarTimeFlag(value: string | boolean | undefined): Metric[] | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === 'all') return [...METRICS];
  if (value === 'none') return [];
  const byName: Record<string, Metric> = { 'first-reply': 'firstReply', firstreply: 'firstReply', 'next-reply': 'nextReply', nextreply: 'nextReply', resolution: 'resolution' };
  return value.split(',').map((v) => {
    const m = byName[v.trim().toLowerCase()];
    if (!m) throw new UserError(`--calendar-time: unknown metric "${v}".`, 'Use first-reply, next-reply, resolution (comma-separated), all or none.', 'bad_target');
    return m;
  });
}

function conditionsFrom(input: PolicyInput, base: PolicyConditions): PolicyConditions {
  const out: PolicyConditions = { ...base };
  for (const key of CONDITION_KEYS) {
    const values = input[key];
    if (values === undefined) continue;
    const cleaned = values.map((v) => v.trim().toLowerCase()).filter(Boolean);
    if (cleaned.length === 1 && (cleaned[0] === 'any' || cleaned[0] === 'none')) {
      delete out[key];
      continue;
    }
    if (key === 'priority') {
      for (const p of cleaned) if (!(PRIORITIES as readonly string[]).includes(p)) throw new UserError(`--priority: unknown priority "${p}".`, `Priorities are ${PRIORITIES.join(', ')}.`);
    }
    if (cleaned.length) out[key] = cleaned;
  }
  return out;
}

function targetsFrom(input: PolicyInput, base: PolicyTargets): PolicyTargets {
  const out: PolicyTargets = { ...base, calendarTime: [...base.calendarTime] };
  for (const m of METRICS) {
    const text = input[m];
    // Per priority, the given targets replace the old ones; "none" clears the metric.
    if (text !== undefined) out[m] = text.trim().toLowerCase() === 'none' ? {} : { ...base[m], ...parseTargetList(text, METRIC_FLAGS[m]) };
  }
  if (input.calendarTime !== undefined) out.calendarTime = input.calendarTime;
  return out;
}

function hasTargets(t: PolicyTargets): boolean {
  return METRICS.some((m) => Object.keys(t[m]).length > 0);
}

async function calendarIdFrom(db: Trx, ref: string | undefined): Promise<number | null | undefined> {
  if (ref === undefined) return undefined;
  if (ref.trim() === '' || ref.toLowerCase() === 'none') return null;
  return (await getCalendar(db, ref)).id;
}

export async function addPolicy(s: Session, input: PolicyInput & { name: string }): Promise<PolicyRecord> {
  await authorize(s, 'sla.manage');
  const name = cleanText(input.name);
  if (!name) throw new UserError('A policy needs a name.');
  if (/^#?\d+$/.test(name)) throw new UserError(`A policy name cannot be a number ("${name}").`);
  const targets = targetsFrom(input, emptyTargets());
  if (!hasTargets(targets)) throw new UserError('A policy needs at least one target.', `crm sla policy add ${name} --first-reply "normal=1h,high=30m" --resolution "normal=2d,high=8h"`, 'missing_field');
  const conditions = conditionsFrom(input, {});
  const calendarId = (await calendarIdFrom(s.db.kysely, input.calendar)) ?? null;
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    if (await trx.selectFrom('sla_policies').select('id').where('name', '=', name).executeTakeFirst()) {
      throw new ConflictError(`An SLA policy named "${name}" already exists.`, `Change it: crm sla policy edit ${name}`, 'duplicate');
    }
    const last = await trx.selectFrom('sla_policies').select((eb) => eb.fn.max('position').as('p')).where('is_default', '=', 0).executeTakeFirst();
    const position = Number(last?.p ?? 0) + 1;
    const row = await trx
      .insertInto('sla_policies')
      .values({ name, position, conditions: JSON.stringify(conditions), targets: JSON.stringify(targets), calendar_id: calendarId, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    const [record] = await toRecords(trx, [row]);
    await recordAudit(trx, { entity: 'sla_policy', entityId: row.id, action: 'create', changes: diff({}, auditView(record!)), actor: s.actor, at });
    return record!;
  });
}

function auditView(r: PolicyRecord) {
  return { name: r.name, conditions: r.conditions, calendar: r.calendar?.name ?? null, targets: r.targets };
}

/** Planned from the policy as it is under the write lock (targets and conditions merge into it): it waits its turn, never conflicts. */
export async function editPolicy(s: Session, ref: string, input: PolicyInput): Promise<PolicyRecord> {
  await authorize(s, 'sla.manage');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const row = await getPolicy(trx, ref);
    const patch: Record<string, unknown> = {};
    if (row.is_default && (input.name !== undefined || CONDITION_KEYS.some((k) => input[k] !== undefined))) {
      throw new UserError('The default policy matches every ticket no other policy matches: it has no conditions and keeps its name.', 'Add a policy with conditions instead: crm sla policy add vip --tier A --first-reply "all=30m"');
    }
    if (input.name !== undefined) {
      const name = cleanText(input.name);
      if (!name || /^#?\d+$/.test(name)) throw new UserError('A policy needs a name that is not a number.');
      patch.name = name;
    }
    const targets = targetsFrom(input, parseTargetsJson(row.targets));
    if (!hasTargets(targets)) throw new UserError('A policy needs at least one target.', undefined, 'missing_field');
    patch.targets = JSON.stringify(targets);
    patch.conditions = JSON.stringify(conditionsFrom(input, JSON.parse(row.conditions || '{}') as PolicyConditions));
    const calendarId = await calendarIdFrom(trx, input.calendar);
    if (calendarId !== undefined) patch.calendar_id = calendarId;
    if (patch.name && patch.name !== row.name && (await trx.selectFrom('sla_policies').select('id').where('name', '=', patch.name as string).executeTakeFirst())) {
      throw new ConflictError(`An SLA policy named "${String(patch.name)}" already exists.`, undefined, 'duplicate');
    }
    const [before] = await toRecords(trx, [row]);
    if (!(await updateIfVersion(trx, 'sla_policies', row.id, row.version, patch, at))) throw new ConflictError(`SLA policy ${row.name} was changed by someone else since you read it.`, `Look again: crm sla policy show ${row.name}`, 'stale');
    const [after] = await toRecords(trx, [await trx.selectFrom('sla_policies').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow()]);
    const changes = diff(auditView(before!), auditView(after!));
    if (!Object.keys(changes).length) throw new UserError('Nothing to change.', `Give targets, conditions or --calendar: crm sla policy edit ${row.name} --first-reply "high=15m"`, 'no_change');
    await recordAudit(trx, { entity: 'sla_policy', entityId: row.id, action: 'update', changes, actor: s.actor, at });
    // Targets or calendar may have changed: the stored deadlines are recomputed (sla-due.ts).
    await clearSlaDue(trx);
    return after!;
  });
}

/** Put the named policies first, in that order; the others keep their relative order after them. */
export async function reorderPolicies(s: Session, refs: string[]): Promise<PolicyRecord[]> {
  await authorize(s, 'sla.manage');
  if (!refs.length) throw new UserError('Name the policies in the order you want.', 'crm sla policy reorder vip standard');
  const rows = await policyRows(s.db.kysely);
  const named: SlaPolicy[] = [];
  for (const ref of refs) {
    const row = await getPolicy(s.db.kysely, ref);
    if (row.is_default) throw new UserError('The default policy is always last.', 'Reorder the other policies only.');
    if (named.some((n) => n.id === row.id)) throw new UserError(`"${ref}" is named twice.`);
    named.push(row);
  }
  const order = [...named, ...rows.filter((r) => !r.is_default && !named.some((n) => n.id === r.id))];
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    for (const [i, row] of order.entries()) {
      if (row.position === i + 1) continue;
      await trx.updateTable('sla_policies').set({ position: i + 1, updated_at: at, version: bumpVersion }).where('id', '=', row.id).execute();
      await recordAudit(trx, { entity: 'sla_policy', entityId: row.id, action: 'reorder', changes: { position: [row.position, i + 1] }, actor: s.actor, at });
    }
  });
  return listPolicies(s);
}

export interface TicketFacts {
  priority: string;
  category: string | null;
  channel: string | null;
  tier: string | null;
}

function conditionMatches(values: string[] | undefined, actual: string | null): boolean {
  if (!values?.length) return true;
  return actual !== null && values.includes(actual.trim().toLowerCase());
}

/** First matching policy by position; the default catches the rest. */
export function matchPolicy(rows: SlaPolicy[], t: TicketFacts): SlaPolicy {
  let fallback: SlaPolicy | undefined;
  for (const row of rows) {
    if (row.archived_at) continue;
    if (row.is_default) {
      fallback = row;
      continue;
    }
    const c = JSON.parse(row.conditions || '{}') as PolicyConditions;
    if (conditionMatches(c.priority, t.priority) && conditionMatches(c.category, t.category) && conditionMatches(c.tier, t.tier) && conditionMatches(c.channel, t.channel)) return row;
  }
  if (!fallback) throw new Error('the default SLA policy is missing (migration 0003)');
  return fallback;
}

/** Every policy (archived ones too: old tickets may point at them) made ready for the clock. */
export async function loadClockPolicies(db: Trx): Promise<Map<number, ClockPolicy>> {
  const calendars = await loadCalendarDefs(db);
  const rows = await db.selectFrom('sla_policies').selectAll().execute();
  return new Map(
    rows.map((r) => [
      r.id,
      toClockPolicy({ id: r.id, name: r.name, targets: parseTargetsJson(r.targets), calendarId: r.calendar_id }, r.calendar_id !== null ? (calendars.get(r.calendar_id) ?? null) : null),
    ]),
  );
}
