/**
 * `crm automate run`: drain the outbox and evaluate time triggers, firing each rule at most once
 * per record per occurrence. One occurrence = one write transaction holding the firing row
 * (UNIQUE rule, record, occurrence), every write of its actions, and (for an event) the claim of
 * the event — so a kill -9 at any instant leaves either all of it or none of it, and two runners
 * (two cron hosts on PostgreSQL) fire each occurrence once: the second one finds the claim or the
 * firing taken, or is rolled back by SERIALIZABLE and, run again, finds it taken.
 *
 * Actions are the domain's functions (addTask, assignTicket, editDeal, renderTemplate …), run
 * in a session joined to that transaction (joinedDb) and acting as "rule NAME"; changes they make
 * emit events one level deeper (withCause, MAX_EVENT_DEPTH).
 */
import { recordAudit } from '../db/audit.js';
import { withCause } from '../db/outbox.js';
import { joinedDb, writeTransaction, type Trx } from '../db/transaction.js';
import { CrmError, NotFoundError, UserError } from '../errors.js';
import { filterTokens } from '../domain/field-filters.js';
import { countMatching } from '../domain/segments.js';
import { nowIso, type Session } from '../domain/session.js';
import { fillMergeFields, type RenderInput } from '../domain/templates.js';
import { durationMinutes, entityOf, TIME_TRIGGERS, type RuleAction, type RuleDefinition } from './definition.js';
import { describeActions, recordLabel } from './rules.js';
import { dueOccurrences } from './time-triggers.js';
import type { CommandResult, ConfiguredCommand } from './commands.js';

export interface Firing {
  rule: string;
  record: string;
  entity: string;
  entityId: number;
  occurrence: string;
  why: string;
  actions: string[];
  outcome: string;
  /** The run actions' results (exit code, captured output), once they ran. */
  output?: CommandResult[];
}

/** Run actions of a committed firing, to run after the commit (never inside a transaction). */
interface PendingRuns {
  firingId: number;
  ruleId: number;
  /** `index`: the place of the run action's line in the firing's actions, replaced by its result. */
  runs: { cmd: ConfiguredCommand; input: string; index: number }[];
}
const pendingRuns = new WeakMap<Firing, PendingRuns>();

export interface RunResult {
  dryRun: boolean;
  events: number;
  fired: Firing[];
  /** What went wrong without stopping the run (a command's result that could not be recorded), one line each. */
  problems: string[];
}

interface RuleRow {
  id: number;
  name: string;
  trigger: string;
  def: RuleDefinition;
}

/** What the actions need to know about the record a rule fires on. */
interface RecordContext {
  entity: string;
  id: number;
  label: string;
  ownerId: number | null;
  assigneeId: number | null;
  contactId: number | null;
  dealId: number | null;
  ticketId: number | null;
  fields: Record<string, string | null>;
}

async function enabledRules(s: Session, trigger?: string): Promise<RuleRow[]> {
  let q = s.db.kysely.selectFrom('rules').select(['id', 'name', 'trigger', 'definition']).where('enabled', '=', 1);
  if (trigger) q = q.where('trigger', '=', trigger);
  const rows = await q.orderBy('name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, trigger: r.trigger, def: JSON.parse(r.definition) as RuleDefinition }));
}

export async function loadContext(s: Session, entity: string, id: number): Promise<RecordContext> {
  const db = s.db.kysely;
  const ctx: RecordContext = { entity, id, label: recordLabel(entity, id), ownerId: null, assigneeId: null, contactId: null, dealId: null, ticketId: null, fields: { record: recordLabel(entity, id) } };
  if (entity === 'deal') {
    const d = await db.selectFrom('deals').select(['owner_id', 'contact_id', 'title']).where('id', '=', id).executeTakeFirst();
    if (!d) throw new NotFoundError(`No deal #${id}.`);
    Object.assign(ctx, { ownerId: d.owner_id, contactId: d.contact_id, dealId: id, label: `deal #${id} ${d.title}` });
    ctx.fields['deal.id'] = String(id);
  } else if (entity === 'ticket') {
    const t = await db.selectFrom('tickets').select(['assignee_id', 'contact_id', 'subject', 'priority', 'status']).where('id', '=', id).executeTakeFirst();
    if (!t) throw new NotFoundError(`No ticket #${id}.`);
    Object.assign(ctx, { ownerId: t.assignee_id, assigneeId: t.assignee_id, contactId: t.contact_id, ticketId: id, label: `ticket #${id} ${t.subject}` });
    Object.assign(ctx.fields, { 'ticket.id': String(id), 'ticket.subject': t.subject, 'ticket.priority': t.priority, 'ticket.status': t.status });
  } else if (entity === 'contact') {
    const c = await db.selectFrom('contacts').select(['owner_id', 'first_name', 'last_name']).where('id', '=', id).executeTakeFirst();
    if (!c) throw new NotFoundError(`No contact #${id}.`);
    Object.assign(ctx, { ownerId: c.owner_id, contactId: id, label: `contact #${id} ${[c.first_name, c.last_name].filter(Boolean).join(' ')}` });
  } else if (entity === 'activity') {
    const a = await db.selectFrom('activities').select(['kind', 'owner_id', 'contact_id', 'deal_id', 'ticket_id', 'subject']).where('id', '=', id).executeTakeFirst();
    if (!a) throw new NotFoundError(`No activity #${id}.`);
    Object.assign(ctx, { ownerId: a.owner_id, contactId: a.contact_id, dealId: a.deal_id, ticketId: a.ticket_id, label: `${a.kind === 'task' ? 'task' : a.kind} #${id} ${a.subject ?? ''}`.trim() });
  }
  if (ctx.contactId !== null) ctx.fields['contact.id'] = String(ctx.contactId);
  ctx.fields.record = ctx.label;
  return ctx;
}

/** Whether a rule's stage and `if:` hold for the record now; the reason in words. */
async function matches(s: Session, rule: RuleRow, entity: string, id: number, data: Record<string, unknown>): Promise<{ ok: boolean; why: string }> {
  const def = rule.def;
  const reasons: string[] = [];
  if (def.stage) {
    const to = String(data.to ?? '');
    // The stage by the filter language's own matching (prefixes, case): the deal is in it now and moved into it.
    const inStage = (await countMatching(s, 'deal', [`stage:${def.stage}`, `id:${id}`, 'status:open,won,lost'])) > 0;
    if (!inStage || !to) return { ok: false, why: `not moved to ${def.stage}` };
    reasons.push(`moved to ${to}`);
  }
  if (def.if && entityOf(def.on) !== 'none' && entityOf(def.on) !== 'import_run') {
    const tokens = filterTokens(def.if);
    if (entity === 'ticket' && !tokens.some((t) => /^status:/i.test(t))) tokens.push('status:any');
    const ok = (await countMatching(s, entity as 'deal', [...tokens, `id:${id}`])) > 0;
    if (!ok) return { ok: false, why: `${def.if} does not hold` };
    reasons.push(def.if);
  }
  return { ok: true, why: reasons.join('; ') };
}

/** Users a notify action names, for this record (active users only, each once). */
async function recipients(s: Session, who: string[], ctx: RecordContext): Promise<{ id: number; handle: string }[]> {
  const db = s.db.kysely;
  const out = new Map<number, string>();
  const add = (rows: { id: number; handle: string }[]) => rows.forEach((r) => out.set(r.id, r.handle));
  const users = () => db.selectFrom('users').select(['id', 'handle']).where('active', '=', 1);
  for (const w of who) {
    if (w === 'owner' || w === 'assignee') {
      const id = w === 'owner' ? ctx.ownerId : ctx.assigneeId;
      if (id !== null) add(await users().where('id', '=', id).execute());
    } else if (w === 'manager') {
      // The owner's manager: the managers of the owner's team (every manager when the owner has no team).
      if (ctx.ownerId === null) continue;
      const owner = await db.selectFrom('users').select('team').where('id', '=', ctx.ownerId).executeTakeFirst();
      let q = users().where('role', '=', 'manager').where('id', '!=', ctx.ownerId);
      if (owner?.team) q = q.where('team', '=', owner.team);
      add(await q.execute());
    } else if (w.startsWith('role:')) add(await users().where('role', '=', w.slice(5)).execute());
    else if (w.startsWith('team:')) add(await users().where('team', '=', w.slice(5)).execute());
    else add(await users().where('handle', '=', w.replace(/^user:/, '')).execute());
  }
  return [...out].map(([id, handle]) => ({ id, handle }));
}

function mergeInput(ctx: RecordContext): RenderInput {
  const input: RenderInput = {};
  if (ctx.contactId !== null) input.contact = String(ctx.contactId);
  if (ctx.dealId !== null) input.deal = String(ctx.dealId);
  return input;
}

async function handleOf(s: Session, id: number | null): Promise<string | undefined> {
  if (id === null) return undefined;
  return (await s.db.kysely.selectFrom('users').select('handle').where('id', '=', id).executeTakeFirst())?.handle;
}

/** Run one action in the joined session; returns what it did, in words. */
async function runAction(s: Session, rule: RuleRow, a: RuleAction, ctx: RecordContext, at: string, later: (cmd: ConfiguredCommand) => void): Promise<string> {
  if ('notify' in a) {
    const people = await recipients(s, a.notify, ctx);
    const [title, body] = await fillMergeFields(s, [a.title ?? `${rule.def.description ?? rule.name}: ${ctx.label}`, a.message ?? ''], mergeInput(ctx), { ...ctx.fields, rule: rule.name });
    if (people.length) {
      await s.db.kysely
        .insertInto('notifications')
        .values(people.map((p) => ({ user_id: p.id, rule_id: rule.id, entity: ctx.entity === 'none' ? null : ctx.entity, entity_id: ctx.entity === 'none' ? null : ctx.id, title: title!, body: body || null, created_at: at })))
        .execute();
    }
    return `notified ${people.length ? people.map((p) => p.handle).join(', ') : 'nobody'}`;
  }
  if ('task' in a) {
    const { addTask } = await import('../domain/activities.js');
    const [title] = await fillMergeFields(s, [a.task], mergeInput(ctx), { ...ctx.fields, rule: rule.name });
    const forWho = a.for ?? 'owner';
    const owner = forWho === 'owner' ? await handleOf(s, ctx.ownerId) : forWho === 'assignee' ? await handleOf(s, ctx.assigneeId) : forWho.replace(/^user:/, '');
    const due = a.due ? new Date(s.now().getTime() + durationMinutes(a.due, 'due') * 60000).toISOString() : undefined;
    const links = ctx.entity === 'deal' ? { deal: String(ctx.id) } : ctx.entity === 'ticket' ? { ticket: String(ctx.id) } : ctx.entity === 'contact' ? { contact: String(ctx.id) } : ctx.dealId !== null ? { deal: String(ctx.dealId) } : ctx.contactId !== null ? { contact: String(ctx.contactId) } : {};
    const r = await addTask(s, { title, due, owner, links });
    return `task #${r.task.id} for ${owner ?? 'nobody'}`;
  }
  if ('assign' in a) {
    const { parseAssignTarget, pickAssignee } = await import('./assign.js');
    const handle = await pickAssignee(s, parseAssignTarget(a.assign));
    if (!handle) return `assigned nobody (no active member for ${a.assign})`;
    const { assignTicket } = await import('../domain/tickets.js');
    await assignTicket(s, ctx.id, handle);
    return `assigned ${handle}`;
  }
  if ('set' in a || 'tag' in a) {
    const add = 'tag' in a ? a.tag.filter((t) => t.startsWith('+')).map((t) => t.slice(1)) : undefined;
    const remove = 'tag' in a ? a.tag.filter((t) => t.startsWith('-')).map((t) => t.slice(1)) : undefined;
    const fields = 'set' in a ? a.set : {};
    if (ctx.entity === 'deal') {
      const { editDeal } = await import('../domain/deals.js');
      const known = ['title', 'probability', 'close', 'owner', 'source', 'campaign', 'contact', 'company', 'amount', 'currency'];
      await editDeal(s, String(ctx.id), { ...pick(fields, known), addTags: add, removeTags: remove, setFields: rest(fields, known) });
    } else if (ctx.entity === 'ticket') {
      const t = await import('../domain/tickets.js');
      const known = ['subject', 'description', 'category', 'channel'];
      if (fields.priority) await t.setTicketPriority(s, ctx.id, fields.priority);
      if (fields.assignee) await t.assignTicket(s, ctx.id, fields.assignee);
      const others = rest(fields, [...known, 'priority', 'assignee']);
      if (Object.keys(pick(fields, known)).length || others || add?.length || remove?.length) await t.editTicket(s, ctx.id, { ...pick(fields, known), addTags: add, removeTags: remove, setFields: others });
    } else if (ctx.entity === 'contact') {
      const { editContact } = await import('../domain/contacts.js');
      const known = ['title', 'phone', 'mobile', 'company', 'lifecycle', 'source', 'owner', 'notes'];
      await editContact(s, String(ctx.id), { ...pick(fields, known), addTags: add, removeTags: remove, setFields: rest(fields, known) });
    } else throw new UserError(`set and tag apply to deals, tickets and contacts, not to ${ctx.label}.`);
    return 'set' in a ? `set ${Object.entries(a.set).map(([k, v]) => `${k}=${v}`).join(' ')}` : `tagged ${a.tag.join(' ')}`;
  }
  if ('email' in a) {
    if (ctx.contactId === null) throw new UserError(`${ctx.label} has no contact to email.`);
    const { renderTemplate } = await import('../domain/templates.js');
    const r = await renderTemplate(s, a.email, { ...mergeInput(ctx), log: true });
    return `email activity #${r.activity?.id} from template ${r.template}`;
  }
  // run: looked up now (a command removed since the rule was added fails the firing), run after the commit.
  const { findCommand } = await import('./commands.js');
  const cmd = await findCommand(s, a.run);
  if (!cmd) throw new UserError(`No command "${a.run}" is configured (any more).`, `An admin configures it: crm automate command set ${a.run} -- PROGRAM ARGS…`);
  later(cmd);
  return `run ${cmd.name}: started`;
}

function pick(o: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
}
function rest(o: Record<string, string>, keys: string[]): Record<string, string> | undefined {
  const r = Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
  return Object.keys(r).length ? r : undefined;
}

interface Occurrence {
  entity: string;
  entityId: number;
  occurrence: string;
  eventId: number | null;
  depth: number;
  data: Record<string, unknown>;
  /** Why the time trigger holds (events: the event kind). */
  why: string;
}

/**
 * Fire one rule on one occurrence inside `trx` (the caller's transaction): nothing when it fired
 * already or its condition fails; else the actions, the firing row and the audit entry.
 */
async function fireIn(trx: Trx, s: Session, rule: RuleRow, occ: Occurrence, dryRun: boolean): Promise<Firing | null> {
  const at = nowIso(s);
  const js: Session = { ...s, db: joinedDb(s.db, trx), actor: `rule ${rule.name}`, principal: undefined };
  const taken = await trx
    .selectFrom('rule_firings')
    .select('id')
    .where('rule_id', '=', rule.id)
    .where('entity', '=', occ.entity)
    .where('entity_id', '=', occ.entityId)
    .where('occurrence', '=', occ.occurrence)
    .executeTakeFirst();
  if (taken) return null;
  const m = occ.entity === 'none' || occ.entity === 'import_run' ? { ok: true, why: '' } : await matches(js, rule, occ.entity, occ.entityId, occ.data);
  if (!m.ok) return null;
  const why = [occ.why, m.why].filter(Boolean).join('; ');
  const record = occ.entity === 'none' ? '-' : recordLabel(occ.entity, occ.entityId);
  if (dryRun) return { rule: rule.name, record, entity: occ.entity, entityId: occ.entityId, occurrence: occ.occurrence, why, actions: rule.def.actions.map(describeOne), outcome: 'would fire' };
  const ctx = occ.entity === 'none' || occ.entity === 'import_run' ? await noneContext(occ) : await loadContext(js, occ.entity, occ.entityId);
  const done: string[] = [];
  const runs: PendingRuns['runs'] = [];
  // Called by a run action before its line is pushed: that line's index is done.length.
  const later = (cmd: ConfiguredCommand) => runs.push({ cmd, input: JSON.stringify(eventJson(rule, occ, ctx, at)) + '\n', index: done.length });
  await withCause(occ.depth, async () => {
    for (const a of rule.def.actions) done.push(await runAction(js, rule, a, ctx, at, later));
  });
  const outcome = runs.length ? 'started' : 'ok';
  const firingId = await recordFiring(trx, rule, occ, at, outcome, done, why);
  const firing: Firing = { rule: rule.name, record, entity: occ.entity, entityId: occ.entityId, occurrence: occ.occurrence, why, actions: done, outcome };
  if (runs.length) pendingRuns.set(firing, { firingId, ruleId: rule.id, runs });
  return firing;
}

/**
 * What a run action's command reads on stdin: the rule, the occurrence (with `key`, the same for
 * every attempt at this occurrence, for a receiver that wants to drop duplicates), the record
 * and its merge fields, and the event's data.
 */
function eventJson(rule: RuleRow, occ: Occurrence, ctx: RecordContext, at: string): Record<string, unknown> {
  return {
    rule: rule.name,
    trigger: rule.def.on,
    occurrence: occ.occurrence,
    key: `${rule.name}/${occ.entity}/${occ.entityId}/${occ.occurrence}`,
    firedAt: at,
    record: occ.entity === 'none' ? null : { entity: occ.entity, id: occ.entityId, label: ctx.label },
    event: occ.eventId !== null ? { id: occ.eventId, kind: occ.why, data: occ.data } : null,
    fields: ctx.fields,
  };
}

/**
 * Run the commands of committed firings, one after the other, outside any transaction, then
 * record how each ended on its firing row (outcome, actions, output) and in the audit log.
 * At most once: the firing row (UNIQUE per occurrence) was committed before the command started,
 * so no later run, crash or second host starts it again; a crash while it runs leaves the
 * outcome "started" (crm rule history shows it).
 *
 * One firing's trouble never stops the others: a result that cannot be written (the database
 * locked past its timeout, a disk error) is tried RESULT_ATTEMPTS times; then the outcome alone
 * is written with what happened ("ok; result not recorded: …"), so the history does not say
 * "started" for a command that ended. The firing keeps its results in this run's output
 * (`--json`), and the trouble is returned in words for stderr (the run then exits 1).
 */
async function runPending(s: Session, firings: Firing[], problems: string[]): Promise<void> {
  const { runCommand, commandEnv, commandOutcome, describeResult } = await import('./commands.js');
  for (const f of firings) {
    const p = pendingRuns.get(f);
    if (!p) continue;
    pendingRuns.delete(f);
    const results: CommandResult[] = [];
    for (const r of p.runs) results.push(await runCommand(r.cmd, r.input, commandEnv(f.rule)));
    f.actions = [...f.actions];
    p.runs.forEach((r, i) => (f.actions[r.index] = describeResult(results[i]!)));
    f.outcome = commandOutcome(results);
    f.output = results;
    const write = () =>
      writeTransaction(s.db, async (trx) => {
        await trx.updateTable('rule_firings').set({ outcome: f.outcome, actions: JSON.stringify(f.actions), output: JSON.stringify(results) }).where('id', '=', p.firingId).execute();
        await recordAudit(trx, {
          entity: 'rule',
          entityId: p.ruleId,
          action: 'ran',
          changes: { record: [null, f.record], occurrence: [null, f.occurrence], commands: [null, results.map(describeResult)], outcome: ['started', f.outcome] },
          actor: 'automation',
          at: nowIso(s),
        });
      });
    const failure = await withRetries(write, RESULT_ATTEMPTS);
    if (!failure) continue;
    const reason = oneLine(failure);
    const noted = `${f.outcome}; result not recorded: ${reason}`;
    const stillStarted = await withRetries(() => writeTransaction(s.db, (trx) => trx.updateTable('rule_firings').set({ outcome: noted }).where('id', '=', p.firingId).execute()), 1);
    f.outcome = stillStarted ? `${f.outcome}; result not recorded (rule history still says "started"): ${reason}` : noted;
    problems.push(`Rule ${f.rule} on ${f.record}: ${results.map(describeResult).join(', ')}, but its result could not be recorded (tried ${RESULT_ATTEMPTS} times): ${reason}`);
  }
}

/** How often a run action's result write is tried before the outcome alone is written. */
const RESULT_ATTEMPTS = 3;

/** Runs `write` up to `attempts` times (a short pause between); returns the last error, or null once it succeeded. */
async function withRetries(write: () => Promise<unknown>, attempts: number): Promise<unknown> {
  let last: unknown = null;
  for (let i = 0; i < attempts; i++) {
    try {
      await write();
      return null;
    } catch (err) {
      last = err ?? new Error('unknown error');
      if (i + 1 < attempts) await new Promise((r) => setTimeout(r, 100 * 2 ** i));
    }
  }
  return last;
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
}

async function noneContext(occ: Occurrence): Promise<RecordContext> {
  const label = recordLabel(occ.entity, occ.entityId);
  return { entity: occ.entity, id: occ.entityId, label, ownerId: null, assigneeId: null, contactId: null, dealId: null, ticketId: null, fields: { record: label } };
}

function describeOne(a: RuleAction): string {
  return 'run' in a ? `run ${a.run} (not run: dry run)` : Object.keys(a)[0]!;
}

async function recordFiring(trx: Trx, rule: RuleRow, occ: Occurrence, at: string, outcome: string, actions: string[], why: string): Promise<number> {
  const row = await trx
    .insertInto('rule_firings')
    .values({ rule_id: rule.id, entity: occ.entity, entity_id: occ.entityId, occurrence: occ.occurrence, event_id: occ.eventId, at, outcome, actions: JSON.stringify(actions) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    entity: 'rule',
    entityId: rule.id,
    action: 'fire',
    changes: { record: [null, recordLabel(occ.entity, occ.entityId)], occurrence: [null, occ.occurrence], why: [null, why || null], actions: [null, actions], outcome: [null, outcome] },
    actor: 'automation',
    at,
  });
  return row.id;
}

/**
 * Run the rules of one occurrence set in one transaction. A rule whose action fails (a user
 * error: the assignee left, the template lost a field) rolls the transaction back; its failure
 * is then recorded as that rule's firing (outcome "failed: …", in crm rule history) and the
 * others run again without it — a broken rule never blocks the outbox or the rest.
 */
async function fireTogether(s: Session, rules: RuleRow[], occ: Occurrence, claim: ((trx: Trx) => Promise<boolean>) | null, problems: string[]): Promise<Firing[]> {
  const failed = new Map<number, string>();
  for (;;) {
    let current: RuleRow | null = null;
    let fired: Firing[];
    try {
      fired = await writeTransaction(s.db, async (trx) => {
        const out: Firing[] = [];
        if (claim && !(await claim(trx))) return out;
        for (const rule of rules) {
          current = rule;
          const msg = failed.get(rule.id);
          if (msg !== undefined) {
            const at = nowIso(s);
            const taken = await trx.selectFrom('rule_firings').select('id').where('rule_id', '=', rule.id).where('entity', '=', occ.entity).where('entity_id', '=', occ.entityId).where('occurrence', '=', occ.occurrence).executeTakeFirst();
            if (!taken) {
              await recordFiring(trx, rule, occ, at, `failed: ${msg}`, [], occ.why);
              out.push({ rule: rule.name, record: recordLabel(occ.entity, occ.entityId), entity: occ.entity, entityId: occ.entityId, occurrence: occ.occurrence, why: occ.why, actions: [], outcome: `failed: ${msg}` });
            }
            continue;
          }
          const f = await fireIn(trx, s, rule, occ, false);
          if (f) out.push(f);
        }
        return out;
      });
    } catch (err) {
      const rule = current as RuleRow | null;
      if (!(err instanceof CrmError) || !rule || failed.has(rule.id)) throw err;
      failed.set(rule.id, err.message);
      continue;
    }
    // Committed: now the commands of run actions, outside the transaction.
    await runPending(s, fired, problems);
    return fired;
  }
}

/** Drain the outbox, then the time triggers. With dryRun nothing is written. */
export async function runAutomation(s: Session, opts: { dryRun?: boolean; rule?: string } = {}): Promise<RunResult> {
  const dryRun = Boolean(opts.dryRun);
  const fired: Firing[] = [];
  const problems: string[] = [];
  let events = 0;
  const db = s.db.kysely;
  let after = 0;
  for (;;) {
    const batch = await db.selectFrom('events').selectAll().where('processed_at', 'is', null).where('id', '>', after).orderBy('id').limit(200).execute();
    if (!batch.length) break;
    for (const ev of batch) {
      after = ev.id;
      events++;
      const rules = (await enabledRules(s, ev.kind)).filter((r) => !opts.rule || r.name === opts.rule);
      const occ: Occurrence = { entity: ev.entity, entityId: ev.entity_id, occurrence: `event:${ev.id}`, eventId: ev.id, depth: ev.depth, data: ev.data ? (JSON.parse(ev.data) as Record<string, unknown>) : {}, why: ev.kind };
      if (dryRun) {
        for (const r of rules) {
          const f = await fireIn(db, s, r, occ, true);
          if (f) fired.push(f);
        }
        continue;
      }
      // With --rule, only that rule runs: the event stays pending for the others (its firings row
      // keeps this rule from firing on it twice), so nothing is lost to a narrowed or misspelt run.
      if (opts.rule) {
        if (rules.length) fired.push(...(await fireTogether(s, rules, occ, null, problems)));
        continue;
      }
      const at = nowIso(s);
      const claim = async (trx: Trx) => Number((await trx.updateTable('events').set({ processed_at: at }).where('id', '=', ev.id).where('processed_at', 'is', null).executeTakeFirst()).numUpdatedRows) > 0;
      fired.push(...(await fireTogether(s, rules, occ, claim, problems)));
    }
  }
  for (const rule of await enabledRules(s)) {
    if (opts.rule && rule.name !== opts.rule) continue;
    if (rule.trigger.includes('.') && !isTimeTrigger(rule.trigger)) continue;
    for (const occ of await dueOccurrences(s, rule.def, rule.id, { write: !dryRun, unfired: true })) {
      const o: Occurrence = { ...occ, eventId: null, depth: 0, data: {} };
      if (dryRun) {
        const f = await fireIn(db, s, rule, o, true);
        if (f) fired.push(f);
      } else fired.push(...(await fireTogether(s, [rule], o, null, problems)));
    }
  }
  if (!dryRun) {
    // Handled events are kept a week (for crm rule history's event:ID), then dropped.
    const cutoff = new Date(s.now().getTime() - EVENT_RETENTION_DAYS * 86400000).toISOString();
    await writeTransaction(s.db, (trx) => trx.deleteFrom('events').where('processed_at', '<', cutoff).execute());
  }
  return { dryRun, events, fired, problems };
}

/** How long handled events stay in the outbox. */
export const EVENT_RETENTION_DAYS = 7;

function isTimeTrigger(t: string): boolean {
  return Object.hasOwn(TIME_TRIGGERS, t);
}

/** `crm rule test NAME [--record ID]`: whether the rule would fire on a record now, and why not. */
export async function testRule(s: Session, rule: RuleRow, record?: number): Promise<{ record: string; fires: boolean; why: string; actions: string[] }[]> {
  const entity = entityOf(rule.def.on);
  // What it would do; a run action's command is named, never run.
  const actions = rule.def.actions.map((a) => ('run' in a ? `run ${a.run} (not run by a test)` : describeActions({ ...rule.def, actions: [a] })));
  if (record !== undefined) {
    if (entity === 'none' || entity === 'import_run') throw new UserError(`Rule "${rule.name}" (${rule.def.on}) is not about a record; run it without --record.`);
    await loadContext(s, entity, record);
    const m = await matches(s, rule, entity, record, { to: rule.def.stage ?? '' });
    return [{ record: recordLabel(entity, record), fires: m.ok, why: m.ok ? m.why || 'the condition holds' : m.why, actions: m.ok ? actions : [] }];
  }
  if (!isTimeTrigger(rule.trigger)) return [];
  const out: { record: string; fires: boolean; why: string; actions: string[] }[] = [];
  for (const occ of await dueOccurrences(s, rule.def, rule.id)) {
    const m = occ.entity === 'none' ? { ok: true, why: '' } : await matches(s, rule, occ.entity, occ.entityId, {});
    out.push({ record: recordLabel(occ.entity, occ.entityId), fires: m.ok, why: [occ.why, m.why].filter(Boolean).join('; '), actions: m.ok ? actions : [] });
  }
  return out;
}

export { enabledRules, type RuleRow };
