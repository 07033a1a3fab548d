/**
 * What a rule is: a trigger (an event from the outbox, or a time trigger `crm automate run`
 * evaluates), a condition in the filter language (crm help filters) on the record, and actions.
 * The same shape comes from `crm rule add` flags and from a rules file (crm rule apply), and is
 * stored as JSON in rules.definition; validation names the bad field, term or action.
 */
import { EVENT_KINDS, type EventKind } from '../db/outbox.js';
import { UsageError } from '../errors.js';
import { isRole } from '../domain/permissions.js';
import { notYesNo, yesNo } from '../domain/yes-no.js';
import { parseDuration as parseSlaDuration } from '../domain/sla/targets.js';

/** Time triggers, evaluated by `crm automate run` from indexed queries. */
export const TIME_TRIGGERS = {
  'ticket.unassigned': 'a ticket has had no assignee for `for:` (business time by its SLA calendar, else wall-clock)',
  'sla.due': 'an SLA target (`target:` first_reply | next_reply | resolution) falls due within `within:`',
  'sla.breached': 'an SLA target was breached',
  'deal.stale': 'an open deal has stayed in its stage for `for:`',
  'contact.untouched': 'a contact has had no touch for `for:` (fires once per untouched stretch)',
  'task.overdue': 'a task is not done `for:` after its due time (default: as soon as it is due)',
  schedule: 'a cron schedule (`cron:` "0 8 * * mon-fri", in `timezone:`)',
} as const;
export type TimeTrigger = keyof typeof TIME_TRIGGERS;
export type Trigger = EventKind | TimeTrigger;

/** The record kind a trigger is about (what `if:` filters and `--record` names). */
export type RuleEntity = 'deal' | 'ticket' | 'contact' | 'activity' | 'import_run' | 'none';

export function entityOf(trigger: Trigger): RuleEntity {
  if (trigger === 'schedule') return 'none';
  if (trigger === 'import.finished') return 'import_run';
  if (trigger === 'activity.logged' || trigger === 'task.created' || trigger === 'task.overdue') return 'activity';
  if (trigger.startsWith('sla.')) return 'ticket';
  return trigger.split('.')[0] as RuleEntity;
}

export const SLA_TARGETS = ['first_reply', 'next_reply', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

export type RuleAction =
  | { notify: string[]; title?: string; message?: string }
  | { task: string; for?: string; due?: string }
  | { assign: string }
  | { set: Record<string, string> }
  | { tag: string[] }
  | { email: string; to?: string }
  | { run: string };

export interface RuleDefinition {
  name: string;
  description?: string;
  on: Trigger;
  /** deal.stage_changed: only moves into this stage. */
  stage?: string;
  /** ticket.unassigned, deal.stale, contact.untouched, task.overdue: how long. */
  for?: string;
  /** sla.due: how far ahead. */
  within?: string;
  /** sla.due, sla.breached: which target (default first_reply). */
  target?: SlaTarget;
  cron?: string;
  timezone?: string;
  if?: string;
  actions: RuleAction[];
}

const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,59}$/u;
const KEYS = ['name', 'description', 'on', 'stage', 'for', 'within', 'target', 'cron', 'timezone', 'if', 'actions', 'enabled'];
export const ACTION_KINDS = ['notify', 'task', 'assign', 'set', 'tag', 'email', 'run'] as const;

function bad(rule: string, what: string, hint?: string): UsageError {
  return new UsageError(`Rule "${rule}": ${what}`, hint ?? 'See: crm help automation', 'bad_rule');
}

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v).trim() || undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : String(v ?? '').split(',')).map((x) => x.trim()).filter(Boolean);

/** A duration of a time trigger ("30m", "4h", "330d"): minutes, hours or days. */
export function durationMinutes(text: string, what: string): number {
  const d = parseSlaDuration(text, what);
  return d.unit === 'm' ? d.amount : d.unit === 'h' ? d.amount * 60 : d.amount * 1440;
}

/**
 * Shape-check a rule from a file or flags (no database needed): known keys, trigger, its
 * parameters and the actions' forms. What needs the database (filter terms, stage names,
 * users, roles, templates) is checked by validateRule (src/automation/rules.ts).
 */
export function parseDefinition(raw: unknown): RuleDefinition & { enabled?: boolean } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError('A rule is a mapping with name, on, if and actions.', 'See: crm help automation', 'bad_rule');
  const o = raw as Record<string, unknown>;
  const name = str(o.name) ?? '';
  if (!NAME_RE.test(name)) throw new UsageError(`"${name}" cannot name a rule.`, 'A rule name is letters, digits, _ . - (no spaces), e.g. big-quote.', 'bad_rule');
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) throw bad(name, `unknown key "${k}".`, `Keys: ${KEYS.join(', ')}. See: crm help automation`);
  const on = str(o.on);
  const triggers = [...Object.keys(EVENT_KINDS), ...Object.keys(TIME_TRIGGERS)];
  if (!on || !triggers.includes(on)) throw bad(name, on ? `unknown trigger "${on}".` : 'needs a trigger (on:).', `Triggers: ${triggers.join(', ')}`);
  const def: RuleDefinition & { enabled?: boolean } = { name, on: on as Trigger, actions: [] };
  const description = str(o.description);
  if (description) def.description = description;
  const only = (key: string, allowed: Trigger[]) => {
    if (o[key] !== undefined && !allowed.includes(def.on)) throw bad(name, `"${key}:" does not apply to ${def.on}.`, `"${key}:" is for ${allowed.join(', ')}.`);
  };
  only('stage', ['deal.stage_changed']);
  only('for', ['ticket.unassigned', 'deal.stale', 'contact.untouched', 'task.overdue']);
  only('within', ['sla.due']);
  only('target', ['sla.due', 'sla.breached']);
  only('cron', ['schedule']);
  only('timezone', ['schedule']);
  if (str(o.stage)) def.stage = str(o.stage);
  if (['ticket.unassigned', 'deal.stale', 'contact.untouched'].includes(def.on) && !str(o.for)) throw bad(name, `${def.on} needs "for:" (how long), e.g. for: 30m.`);
  if (str(o.for)) {
    def.for = str(o.for)!;
    durationMinutes(def.for, `Rule "${name}" for:`);
  }
  if (def.on === 'sla.due') {
    def.within = str(o.within);
    if (!def.within) throw bad(name, 'sla.due needs "within:", e.g. within: 15m.');
    durationMinutes(def.within, `Rule "${name}" within:`);
  }
  if (def.on === 'sla.due' || def.on === 'sla.breached') {
    const t = (str(o.target) ?? 'first_reply').toLowerCase().replace('-', '_');
    if (!(SLA_TARGETS as readonly string[]).includes(t)) throw bad(name, `unknown SLA target "${str(o.target)}".`, `Targets: ${SLA_TARGETS.join(', ')}.`);
    def.target = t as SlaTarget;
  }
  if (def.on === 'schedule') {
    def.cron = str(o.cron);
    if (!def.cron) throw bad(name, 'schedule needs "cron:", e.g. cron: "0 8 * * mon-fri".');
    if (str(o.timezone)) def.timezone = str(o.timezone);
  }
  const cond = str(o.if);
  if (cond) {
    if (entityOf(def.on) === 'none' || entityOf(def.on) === 'import_run') throw bad(name, `"if:" does not apply to ${def.on} (it has no record to filter).`);
    def.if = cond;
  }
  const actions = Array.isArray(o.actions) ? o.actions : o.actions === undefined ? [] : [o.actions];
  if (!actions.length) throw bad(name, 'needs at least one action.', `Actions: ${ACTION_KINDS.join(', ')}.`);
  def.actions = actions.map((a, i) => parseAction(name, a, i + 1));
  if (typeof o.enabled === 'boolean' || o.enabled === null) def.enabled = o.enabled === true;
  else if (o.enabled !== undefined) {
    const enabled = yesNo(String(o.enabled));
    if (enabled === undefined) {
      const err = notYesNo('enabled', String(o.enabled));
      throw bad(name, err.message, err.hint);
    }
    def.enabled = enabled;
  }
  return def;
}

function parseAction(rule: string, raw: unknown, n: number): RuleAction {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad(rule, `action ${n} is not a mapping.`, `e.g. - notify: owner`);
  const a = raw as Record<string, unknown>;
  const kind = ACTION_KINDS.find((k) => k in a);
  if (!kind) throw bad(rule, `action ${n} names no action.`, `Actions: ${ACTION_KINDS.join(', ')}.`);
  const allowed: Record<(typeof ACTION_KINDS)[number], string[]> = {
    notify: ['notify', 'title', 'message'],
    task: ['task', 'for', 'due'],
    assign: ['assign'],
    set: ['set'],
    tag: ['tag'],
    email: ['email', 'to'],
    run: ['run'],
  };
  for (const k of Object.keys(a)) if (!allowed[kind].includes(k)) throw bad(rule, `action ${n} (${kind}) has an unknown key "${k}".`, `A ${kind} action takes: ${allowed[kind].join(', ')}.`);
  switch (kind) {
    case 'notify': {
      const who = list(a.notify);
      if (!who.length) throw bad(rule, `action ${n}: notify whom?`, 'e.g. notify: owner, role:manager, team:Support, user:sara, manager');
      for (const w of who) checkRecipientForm(rule, w);
      const out: RuleAction = { notify: who };
      if (str(a.title)) out.title = str(a.title);
      if (str(a.message)) out.message = str(a.message);
      return out;
    }
    case 'task': {
      const title = str(a.task);
      if (!title) throw bad(rule, `action ${n}: a task needs a title.`, 'e.g. task: "Call {{contact.name}}"');
      const out: { task: string; for?: string; due?: string } = { task: title };
      if (str(a.for)) out.for = str(a.for);
      if (str(a.due)) out.due = str(a.due);
      return out;
    }
    case 'assign': {
      const to = str(a.assign);
      if (!to) throw bad(rule, `action ${n}: assign to whom?`, 'e.g. assign: least-loaded team:Support, round-robin role:agent, or a handle');
      return { assign: to };
    }
    case 'set': {
      if (!a.set || typeof a.set !== 'object' || Array.isArray(a.set)) throw bad(rule, `action ${n}: set takes field: value pairs.`, 'e.g. set: { priority: high }');
      const fields = Object.fromEntries(Object.entries(a.set as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]));
      if (!Object.keys(fields).length) throw bad(rule, `action ${n}: set which field?`);
      return { set: fields };
    }
    case 'tag': {
      const tags = list(a.tag).flatMap((t) => t.split(/\s+/)).filter(Boolean);
      for (const t of tags) if (!/^[+-][\p{L}\p{N}_.\-/]+$/u.test(t)) throw bad(rule, `action ${n}: "${t}" is not +tag or -tag.`, 'e.g. tag: "+escalated -waiting"');
      if (!tags.length) throw bad(rule, `action ${n}: which tags?`, 'e.g. tag: "+escalated"');
      return { tag: tags };
    }
    case 'email': {
      const tpl = str(a.email);
      if (!tpl) throw bad(rule, `action ${n}: email needs a template name.`, 'e.g. email: welcome');
      return str(a.to) ? { email: tpl, to: str(a.to) } : { email: tpl };
    }
    case 'run': {
      const name = str(a.run);
      if (!name) throw bad(rule, `action ${n}: run which configured command?`, 'e.g. run: erp (configured with crm automate command set erp …)');
      return { run: name };
    }
  }
}

/** The forms of a notification recipient (who they are is checked against the database later). */
export function checkRecipientForm(rule: string, who: string): void {
  if (['owner', 'manager', 'assignee'].includes(who)) return;
  const m = /^(user|role|team):(.+)$/.exec(who);
  if (!m) {
    if (/^[\p{L}\p{N}_.-]+$/u.test(who)) return; // a handle
    throw bad(rule, `"${who}" is not a recipient.`, 'Recipients: owner, manager (the owner\'s team managers), assignee, user:HANDLE, role:ROLE, team:TEAM.');
  }
  if (m[1] === 'role' && !isRole(m[2]!)) throw bad(rule, `unknown role "${m[2]}".`, 'See the roles: crm help roles');
}

/** The definition as written to a rules file and stored (stable key order, no empty keys). */
export function canonical(def: RuleDefinition & { enabled?: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) {
    const v = (def as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
