/**
 * Rules as records: add, edit, enable, disable, remove, list, show, history — each change
 * audited (crm history rule ID), each definition validated against the database first (filter
 * terms, stage names, users, roles, templates), so a rule never fails on its first firing for a
 * reason a check could have found.
 */
import { recordAudit } from '../db/audit.js';
import { writeTransaction } from '../db/transaction.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { filterTokens } from '../domain/field-filters.js';
import { authorize } from '../domain/permissions.js';
import { countMatching } from '../domain/segments.js';
import { nowIso, type Session } from '../domain/session.js';
import { getTemplate, unknownMergeFields } from '../domain/templates.js';
import { getUser } from '../domain/users.js';
import { canonical, entityOf, parseDefinition, type RuleDefinition } from './definition.js';
import { parseAssignTarget } from './assign.js';
import type { CommandResult } from './commands.js';

export interface RuleRecord {
  id: number;
  name: string;
  on: string;
  enabled: boolean;
  description: string | null;
  condition: string | null;
  actions: string;
  definition: RuleDefinition;
  firings: number;
  lastFiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Merge fields a rule's texts may use beyond the template fields (crm template fields). */
export const RULE_FIELDS = ['record', 'rule', 'ticket.id', 'ticket.subject', 'ticket.priority', 'ticket.status', 'deal.id', 'contact.id', 'event.from', 'event.to'];

/** One line per action, for lists and history. */
export function describeActions(def: RuleDefinition): string {
  return def.actions
    .map((a) => {
      if ('notify' in a) return `notify ${a.notify.join(', ')}`;
      if ('task' in a) return `task "${a.task}"${a.for ? ` for ${a.for}` : ''}${a.due ? ` due ${a.due}` : ''}`;
      if ('assign' in a) return `assign ${a.assign}`;
      if ('set' in a) return `set ${Object.entries(a.set).map(([k, v]) => `${k}=${v}`).join(' ')}`;
      if ('tag' in a) return `tag ${a.tag.join(' ')}`;
      if ('email' in a) return `email ${a.email}`;
      return `run ${a.run}`;
    })
    .join('; ');
}

/** The trigger in words: "deal.stage_changed to Quote", "ticket.unassigned for 30m". */
export function describeTrigger(def: RuleDefinition): string {
  const parts: string[] = [def.on];
  if (def.stage) parts.push(`to ${def.stage}`);
  if (def.for) parts.push(`for ${def.for}`);
  if (def.within) parts.push(`within ${def.within}`);
  if (def.target) parts.push(`(${def.target})`);
  if (def.cron) parts.push(`cron "${def.cron}"${def.timezone ? ` ${def.timezone}` : ''}`);
  return parts.join(' ');
}

/** Check what needs the database: filter terms, the stage, recipients, task owners, templates. */
export async function validateRule(s: Session, def: RuleDefinition): Promise<void> {
  const entity = entityOf(def.on);
  const where = (what: string) => (e: unknown) => {
    if (e instanceof Error && 'hint' in e) {
      const err = e as UsageError;
      throw new UsageError(`Rule "${def.name}", ${what}: ${err.message}`, err.hint, "bad_rule");
    }
    throw e;
  };
  if (def.stage) await countMatching(s, 'deal', [`stage:${def.stage}`]).catch(where('stage'));
  if (def.if && entity !== 'none' && entity !== 'import_run') {
    const tokens = filterTokens(def.if);
    if (entity === 'ticket' && !tokens.some((t) => /^status:/i.test(t))) tokens.push('status:any');
    await countMatching(s, entity, tokens).catch(where('if'));
  }
  if (def.timezone) {
    const { assertValidZone } = await import('../domain/sla/time-basis.js');
    try {
      assertValidZone(def.timezone);
    } catch (e) {
      where('timezone')(e);
    }
  }
  if (def.cron) {
    const { nextRunAfter } = await import('./schedule.js');
    try {
      nextRunAfter(def.cron, def.timezone ?? s.timeZone, s.now());
    } catch (e) {
      where('cron')(e);
    }
  }
  for (const [i, a] of def.actions.entries()) {
    const n = `action ${i + 1}`;
    if ('notify' in a) {
      for (const who of a.notify) {
        const handle = who.startsWith('user:') ? who.slice(5) : /^(owner|manager|assignee)$|:/.test(who) ? null : who;
        if (handle) await getUser(s, handle).catch(where(`${n} (notify)`));
        if (who.startsWith('team:')) {
          const team = who.slice(5);
          const member = await s.db.kysely.selectFrom('users').select('id').where('team', '=', team).executeTakeFirst();
          if (!member) throw new UsageError(`Rule "${def.name}" ${n} (notify): no user is in team "${team}".`, 'See the teams: crm user list', 'bad_rule');
        }
      }
      const unknown = unknownMergeFields([a.title, a.message], RULE_FIELDS);
      if (unknown.length) throw new UsageError(`Rule "${def.name}" ${n} (notify): unknown merge field ${unknown.map((f) => `{{${f}}}`).join(', ')}.`, `Fields: the template fields (crm template fields) and ${RULE_FIELDS.map((f) => `{{${f}}}`).join(' ')}.`, 'bad_rule');
    }
    if ('task' in a) {
      if (a.for && !/^(owner|assignee)$/.test(a.for)) await getUser(s, a.for.replace(/^user:/, '')).catch(where(`${n} (task for:)`));
      if (a.due) {
        const { durationMinutes } = await import('./definition.js');
        durationMinutes(a.due, `Rule "${def.name}" ${n} (task due:)`);
      }
      const unknown = unknownMergeFields([a.task], RULE_FIELDS);
      if (unknown.length) throw new UsageError(`Rule "${def.name}" ${n} (task): unknown merge field ${unknown.map((f) => `{{${f}}}`).join(', ')}.`, 'See: crm help automation', 'bad_rule');
    }
    if ('assign' in a) {
      if (entity !== 'ticket') throw new UsageError(`Rule "${def.name}" ${n}: assign applies to tickets; ${def.on} is about a ${entity}.`, 'Use a ticket trigger, or notify / task instead.', 'bad_rule');
      const target = parseAssignTarget(a.assign);
      if (target.kind === 'user') await getUser(s, target.handle).catch(where(`${n} (assign)`));
    }
    if ('email' in a) {
      await getTemplate(s, a.email).catch(where(`${n} (email)`));
      if (entity !== 'contact' && entity !== 'deal' && entity !== 'ticket') throw new UsageError(`Rule "${def.name}" ${n}: email needs a contact, deal or ticket; ${def.on} has none.`, undefined, 'bad_rule');
    }
    if ('set' in a || 'tag' in a) {
      if (entity !== 'deal' && entity !== 'ticket' && entity !== 'contact') throw new UsageError(`Rule "${def.name}" ${n}: ${'set' in a ? 'set' : 'tag'} applies to deals, tickets and contacts; ${def.on} is about a ${entity}.`, undefined, 'bad_rule');
    }
    if ('run' in a) {
      const { checkCommandConfigured } = await import('./commands.js');
      await checkCommandConfigured(s, a.run, def.name);
    }
  }
}

type RuleRow = { id: number; name: string; trigger: string; definition: string; enabled: number; created_at: string; updated_at: string };

async function toRecord(s: Session, r: RuleRow): Promise<RuleRecord> {
  const def = JSON.parse(r.definition) as RuleDefinition;
  const f = await s.db.kysely
    .selectFrom('rule_firings')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('at').as('last')])
    .where('rule_id', '=', r.id)
    .executeTakeFirst();
  return {
    id: r.id,
    name: r.name,
    on: describeTrigger(def),
    enabled: r.enabled === 1,
    description: def.description ?? null,
    condition: def.if ?? null,
    actions: describeActions(def),
    definition: def,
    firings: Number(f?.n ?? 0),
    lastFiredAt: (f?.last as string | null) ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function findRuleRow(s: Session, ref: string): Promise<RuleRow | undefined> {
  const r = ref.trim();
  const q = s.db.kysely.selectFrom('rules').select(['id', 'name', 'trigger', 'definition', 'enabled', 'created_at', 'updated_at']);
  return /^#?\d+$/.test(r) ? q.where('id', '=', Number(r.replace('#', ''))).executeTakeFirst() : q.where('name', '=', r).executeTakeFirst();
}

async function ruleRow(s: Session, ref: string): Promise<RuleRow> {
  const row = await findRuleRow(s, ref);
  if (!row) throw new NotFoundError(`No rule "${ref}".`, 'See the rules: crm rule list');
  return row;
}

export async function getRule(s: Session, ref: string): Promise<RuleRecord> {
  return toRecord(s, await ruleRow(s, ref));
}

export async function listRules(s: Session): Promise<RuleRecord[]> {
  const rows = await s.db.kysely.selectFrom('rules').select(['id', 'name', 'trigger', 'definition', 'enabled', 'created_at', 'updated_at']).orderBy('name').execute();
  const out: RuleRecord[] = [];
  for (const r of rows) out.push(await toRecord(s, r));
  return out;
}

/** Add a rule (disabled unless `enabled`), after checking it against the database. */
export async function addRule(s: Session, raw: unknown): Promise<RuleRecord> {
  await authorize(s, 'rule.manage');
  const def = parseDefinition(raw);
  const enabled = def.enabled ?? false;
  delete def.enabled;
  if (await findRuleRow(s, def.name)) throw new ConflictError(`A rule "${def.name}" exists already.`, `Change it: crm rule edit ${def.name} … — or remove it: crm rule remove ${def.name}`, 'duplicate_rule');
  await validateRule(s, def);
  const at = nowIso(s);
  const id = await writeTransaction(s.db, async (trx) => {
    const row = await trx
      .insertInto('rules')
      .values({ name: def.name, trigger: def.on, definition: JSON.stringify(canonical(def)), enabled: enabled ? 1 : 0, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { entity: 'rule', entityId: row.id, action: 'create', changes: { name: [null, def.name], on: [null, describeTrigger(def)], actions: [null, describeActions(def)], enabled: [null, enabled] }, actor: s.actor, at });
    return row.id;
  });
  return getRule(s, String(id));
}

/**
 * Replace a rule's definition (and, when given, its enabled flag). Returns null when nothing
 * changed (a rules file applied twice changes nothing and writes nothing).
 */
export async function replaceRule(s: Session, ref: string, raw: unknown): Promise<RuleRecord | null> {
  await authorize(s, 'rule.manage');
  const row = await ruleRow(s, ref);
  const def = parseDefinition(raw);
  const enabled = def.enabled;
  delete def.enabled;
  if (def.name !== row.name && (await findRuleRow(s, def.name))) throw new ConflictError(`A rule "${def.name}" exists already.`, undefined, 'duplicate_rule');
  await validateRule(s, def);
  const text = JSON.stringify(canonical(def));
  const nextEnabled = enabled === undefined ? row.enabled : enabled ? 1 : 0;
  if (text === row.definition && nextEnabled === row.enabled && def.name === row.name) return null;
  const before = JSON.parse(row.definition) as RuleDefinition;
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    await trx.updateTable('rules').set({ name: def.name, trigger: def.on, definition: text, enabled: nextEnabled, updated_at: at, version: (eb) => eb('version', '+', 1) }).where('id', '=', row.id).execute();
    const changes: Record<string, [unknown, unknown]> = {};
    if (def.name !== row.name) changes.name = [row.name, def.name];
    if (describeTrigger(before) !== describeTrigger(def)) changes.on = [describeTrigger(before), describeTrigger(def)];
    if ((before.if ?? null) !== (def.if ?? null)) changes.if = [before.if ?? null, def.if ?? null];
    if (describeActions(before) !== describeActions(def)) changes.actions = [describeActions(before), describeActions(def)];
    if (nextEnabled !== row.enabled) changes.enabled = [row.enabled === 1, nextEnabled === 1];
    if (!Object.keys(changes).length) changes.definition = [row.definition, text];
    await recordAudit(trx, { entity: 'rule', entityId: row.id, action: 'update', changes, actor: s.actor, at });
  });
  return getRule(s, String(row.id));
}

/** `crm rule edit NAME --if … --notify …`: the stored definition with the given keys replaced. */
export async function editRule(s: Session, ref: string, patch: Record<string, unknown>): Promise<RuleRecord> {
  const row = await ruleRow(s, ref);
  const current = JSON.parse(row.definition) as Record<string, unknown>;
  const next = { ...current, ...patch };
  for (const [k, v] of Object.entries(next)) if (v === null || v === '') delete next[k];
  const out = await replaceRule(s, String(row.id), next);
  if (!out) throw new UsageError(`Rule "${row.name}" already is like that; nothing changed.`, `See it: crm rule show ${row.name}`, 'no_change');
  return out;
}

export async function setRuleEnabled(s: Session, ref: string, enabled: boolean): Promise<RuleRecord> {
  await authorize(s, 'rule.manage');
  const row = await ruleRow(s, ref);
  if ((row.enabled === 1) === enabled) throw new UsageError(`Rule "${row.name}" is already ${enabled ? 'enabled' : 'disabled'}.`, undefined, 'no_change');
  if (enabled) await validateRule(s, JSON.parse(row.definition) as RuleDefinition);
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    await trx.updateTable('rules').set({ enabled: enabled ? 1 : 0, updated_at: at, version: (eb) => eb('version', '+', 1) }).where('id', '=', row.id).execute();
    await recordAudit(trx, { entity: 'rule', entityId: row.id, action: enabled ? 'enable' : 'disable', changes: { enabled: [!enabled, enabled] }, actor: s.actor, at });
  });
  return getRule(s, String(row.id));
}

export async function removeRule(s: Session, ref: string): Promise<RuleRecord> {
  await authorize(s, 'rule.manage');
  const rec = await getRule(s, ref);
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    await trx.deleteFrom('rule_firings').where('rule_id', '=', rec.id).execute();
    await trx.updateTable('notifications').set({ rule_id: null }).where('rule_id', '=', rec.id).execute();
    await trx.deleteFrom('rules').where('id', '=', rec.id).execute();
    await recordAudit(trx, { entity: 'rule', entityId: rec.id, action: 'delete', changes: { name: [rec.name, null], on: [rec.on, null], actions: [rec.actions, null] }, actor: s.actor, at });
  });
  return rec;
}

export interface FiringRecord {
  id: number;
  rule: string;
  record: string;
  occurrence: string;
  at: string;
  outcome: string;
  actions: string[];
  /** Run actions: how each command ended and what it printed (64 KB of each stream at most). */
  output: CommandResult[];
}

export function recordLabel(entity: string, id: number): string {
  return entity === 'import_run' ? `import run #${id}` : entity === 'none' ? '-' : `${entity} #${id}`;
}

/** `crm rule history NAME`: the firings of a rule, newest first. */
export async function ruleHistory(s: Session, ref: string, limit?: number): Promise<FiringRecord[]> {
  const row = await ruleRow(s, ref);
  let q = s.db.kysely.selectFrom('rule_firings').selectAll().where('rule_id', '=', row.id).orderBy('at', 'desc').orderBy('id', 'desc');
  if (limit) q = q.limit(limit);
  return (await q.execute()).map((f) => ({
    id: f.id,
    rule: row.name,
    record: recordLabel(f.entity, f.entity_id),
    occurrence: f.occurrence,
    at: f.at,
    outcome: f.outcome,
    actions: f.actions ? (JSON.parse(f.actions) as string[]) : [],
    output: f.output ? (JSON.parse(f.output) as CommandResult[]) : [],
  }));
}

/**
 * `crm rule apply`: add or update the rules of a file, after checking the whole file — its
 * shape, each rule against the database, and that no name comes twice — so a bad rule anywhere
 * changes nothing. Applying the same file again changes nothing.
 */
export async function applyRules(s: Session, items: unknown[]): Promise<{ name: string; outcome: 'created' | 'updated' | 'unchanged' }[]> {
  const defs = items.map((x) => parseDefinition(x));
  const seen = new Map<string, number>();
  for (const [i, d] of defs.entries()) {
    const first = seen.get(d.name);
    if (first !== undefined) throw new UsageError(`Rule "${d.name}" is in the file twice (rules ${first + 1} and ${i + 1}).`, 'Give each rule its own name, or keep one of them.');
    seen.set(d.name, i);
  }
  for (const d of defs) await validateRule(s, d);
  const existing = new Set((await listRules(s)).map((r) => r.name));
  const outcome: { name: string; outcome: 'created' | 'updated' | 'unchanged' }[] = [];
  for (const [i, d] of defs.entries()) {
    if (!existing.has(d.name)) {
      await addRule(s, items[i]);
      outcome.push({ name: d.name, outcome: 'created' });
    } else outcome.push({ name: d.name, outcome: (await replaceRule(s, d.name, items[i])) ? 'updated' : 'unchanged' });
  }
  return outcome;
}
