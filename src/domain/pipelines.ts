/**
 * Pipelines and their ordered stages (kind open / won / lost, probability %). Stages are named
 * case-insensitively with a unique prefix ("qual" → Qualification). A stage holding open deals
 * is archived only with --move-to, which moves the deals and records each move.
 */
import { sql } from 'kysely';
import { bumpVersion } from '../db/versioned.js';
import { diff, recordAudit } from '../db/audit.js';
import { fold } from '../db/fold.js';
import type { StageKind } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { ConflictError, NotFoundError, UsageError, UserError } from '../errors.js';
import { nowIso, type Session } from './session.js';
import { cleanText } from './validate.js';
import { authorize } from './permissions.js';

export const STAGE_KINDS: StageKind[] = ['open', 'won', 'lost'];

export interface PipelineRecord {
  id: number;
  name: string;
  isDefault: boolean;
  createdAt: string;
  archivedAt: string | null;
  stages: string[];
  openDeals: number;
}

export interface StageRecord {
  id: number;
  pipelineId: number;
  pipeline: string;
  name: string;
  position: number;
  probability: number;
  kind: StageKind;
  archivedAt: string | null;
  /** Open (not archived) deals currently in the stage. */
  deals: number;
}

/** The default stages of a new pipeline (DESIGN.md §3). */
export const DEFAULT_STAGES: { name: string; probability: number; kind: StageKind }[] = [
  { name: 'Prospecting', probability: 10, kind: 'open' },
  { name: 'Qualification', probability: 25, kind: 'open' },
  { name: 'Quote', probability: 50, kind: 'open' },
  { name: 'Negotiation', probability: 75, kind: 'open' },
  { name: 'Won', probability: 100, kind: 'won' },
  { name: 'Lost', probability: 0, kind: 'lost' },
];

type PipelineRow = { id: number; name: string; is_default: number; created_at: string; archived_at: string | null };

/** A pipeline by id or case-insensitive name (unique prefix ok); the default one when ref is undefined. */
export async function getPipeline(db: Trx, ref?: string): Promise<PipelineRow> {
  const all = await db.selectFrom('pipelines').selectAll().orderBy('id').execute();
  if (ref === undefined) {
    const def = all.find((p) => p.is_default === 1 && !p.archived_at) ?? all.find((p) => !p.archived_at);
    if (!def) throw new NotFoundError('There is no pipeline.', 'Add one: crm pipeline add Sales');
    return def;
  }
  const r = ref.trim();
  if (/^#?\d+$/.test(r)) {
    const byId = all.find((p) => p.id === Number(r.replace('#', '')));
    if (byId) return byId;
  }
  const picked = pickByName(all, r, (p) => p.name);
  if (picked.length === 1) return picked[0]!;
  const names = all.filter((p) => !p.archived_at).map((p) => p.name).join(', ');
  if (picked.length > 1) throw new UserError(`"${ref}" matches several pipelines: ${picked.map((p) => p.name).join(', ')}.`, 'Give more of the name.', 'ambiguous');
  throw new NotFoundError(`No pipeline "${ref}".`, `Pipelines: ${names} (crm pipeline list).`);
}

/** Exact case-insensitive match first, else every item whose name starts with ref. */
export function pickByName<T>(items: T[], ref: string, name: (t: T) => string): T[] {
  const f = fold(ref.trim());
  if (f === '') return [];
  const exact = items.filter((i) => fold(name(i)) === f);
  if (exact.length) return exact;
  return items.filter((i) => fold(name(i)).startsWith(f));
}

export async function listPipelines(s: Session, opts: { archived?: boolean } = {}): Promise<PipelineRecord[]> {
  const db = s.db.kysely;
  let q = db.selectFrom('pipelines').selectAll().orderBy('id');
  q = opts.archived ? q.where('archived_at', 'is not', null) : q.where('archived_at', 'is', null);
  const rows = await q.execute();
  const stages = await db.selectFrom('stages').select(['pipeline_id', 'name']).where('archived_at', 'is', null).orderBy('position').execute();
  const open = await db
    .selectFrom('deals as d')
    .innerJoin('stages as st', 'st.id', 'd.stage_id')
    .select(['d.pipeline_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('d.archived_at', 'is', null)
    .where('st.kind', '=', 'open')
    .groupBy('d.pipeline_id')
    .execute();
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    isDefault: p.is_default === 1,
    createdAt: p.created_at,
    archivedAt: p.archived_at,
    stages: stages.filter((st) => st.pipeline_id === p.id).map((st) => st.name),
    openDeals: Number(open.find((o) => o.pipeline_id === p.id)?.n ?? 0),
  }));
}

/** "Discovery:10,Demo:40,Contract:80" → open stages; Won and Lost are added at the end. */
export function parseStageSpec(spec: string): { name: string; probability: number; kind: StageKind }[] {
  const stages = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^(.+?)(?::\s*(\d{1,3})%?)?$/.exec(part)!;
      return { name: m[1]!.trim(), probability: m[2] === undefined ? 0 : parseProbability(m[2]), kind: 'open' as StageKind };
    });
  if (stages.length === 0) throw new UsageError('--stages needs at least one stage.', 'e.g. --stages "Discovery:10,Demo:40,Contract:80"');
  const names = new Set<string>();
  for (const st of stages) {
    if (names.has(fold(st.name))) throw new UsageError(`Stage "${st.name}" appears twice in --stages.`);
    names.add(fold(st.name));
  }
  if (!names.has('won')) stages.push({ name: 'Won', probability: 100, kind: 'won' });
  if (!names.has('lost')) stages.push({ name: 'Lost', probability: 0, kind: 'lost' });
  return stages.map((st) => (fold(st.name) === 'won' ? { ...st, kind: 'won', probability: 100 } : fold(st.name) === 'lost' ? { ...st, kind: 'lost', probability: 0 } : st));
}

/** A whole percentage: "40", "40%", or "40.0" as spreadsheets and Salesforce export it. */
export function parseProbability(text: string | number): number {
  const t = String(text).trim().replace(/%$/, '').replace(/(\d)\.0+$/, '$1');
  if (!/^\d{1,3}$/.test(t) || Number(t) > 100) throw new UserError(`Probability "${text}" is not a whole percentage from 0 to 100.`, 'e.g. --probability 40', 'invalid_probability');
  return Number(t);
}

export async function addPipeline(s: Session, input: { name: string; stages?: string; makeDefault?: boolean }): Promise<PipelineRecord> {
  await authorize(s, 'pipeline.manage');
  const name = cleanText(input.name);
  if (!name) throw new UserError('A pipeline needs a name.', 'crm pipeline add "Renewals"');
  const stages = input.stages ? parseStageSpec(input.stages) : DEFAULT_STAGES;
  const at = nowIso(s);
  const id = await writeTransaction(s.db, async (trx) => {
    const clash = await trx.selectFrom('pipelines').select('id').where(sql`crm_fold(name)`, '=', fold(name)).executeTakeFirst();
    if (clash) throw new ConflictError(`A pipeline named "${name}" already exists (#${clash.id}).`, 'See them: crm pipeline list', 'duplicate');
    if (input.makeDefault) await trx.updateTable('pipelines').set({ is_default: 0 }).execute();
    const row = await trx.insertInto('pipelines').values({ name, is_default: input.makeDefault ? 1 : 0, created_at: at }).returning('id').executeTakeFirstOrThrow();
    await trx
      .insertInto('stages')
      .values(stages.map((st, i) => ({ pipeline_id: row.id, name: st.name, position: i + 1, probability: st.probability, kind: st.kind })))
      .execute();
    await recordAudit(trx, { entity: 'pipeline', entityId: row.id, action: 'create', changes: diff({}, { name, isDefault: Boolean(input.makeDefault), stages: stages.map((st) => `${st.name} ${st.probability}%`) }), actor: s.actor, at });
    return row.id;
  });
  return (await listPipelines(s)).find((p) => p.id === id)!;
}

async function stageRows(db: Trx, pipelineId: number, includeArchived = false) {
  let q = db.selectFrom('stages').selectAll().where('pipeline_id', '=', pipelineId).orderBy('position').orderBy('id');
  if (!includeArchived) q = q.where('archived_at', 'is', null);
  return q.execute();
}

export type StageRow = Awaited<ReturnType<typeof stageRows>>[number];

export async function stagesOf(db: Trx, pipelineId: number, includeArchived = false): Promise<StageRow[]> {
  return stageRows(db, pipelineId, includeArchived);
}

/**
 * Stage names of other tools (Salesforce, HubSpot) that mean one of the default stages. They
 * apply where the name matches no stage: a pipeline with its own "Closed Won" stage keeps it.
 */
export const STAGE_SYNONYMS: Readonly<Record<string, string>> = {
  'closed won': 'won',
  'closed-won': 'won',
  closedwon: 'won',
  'closed lost': 'lost',
  'closed-lost': 'lost',
  closedlost: 'lost',
  'negotiation/review': 'negotiation',
  'proposal/price quote': 'quote',
  proposal: 'quote',
  'appointment scheduled': 'prospecting',
  'qualified to buy': 'qualification',
  'presentation scheduled': 'quote',
  'decision maker bought-in': 'negotiation',
  'contract sent': 'negotiation',
};

/**
 * Resolve a stage name among a pipeline's stages: exact (case-insensitive), else a unique
 * prefix, else a known synonym ("Closed Won"). The one rule for commands, import and the TUI.
 */
export function resolveStage<T extends { name: string; kind: string }>(stages: T[], ref: string, pipelineName: string): T {
  let picked = pickByName(stages, ref, (st) => st.name);
  const synonym = STAGE_SYNONYMS[fold(ref.trim())];
  if (picked.length === 0 && synonym) picked = stages.filter((st) => fold(st.name) === synonym);
  if (picked.length === 1) return picked[0]!;
  const names = stages.map((st) => st.name).join(', ');
  if (picked.length > 1) {
    throw new UserError(`"${ref}" matches several stages: ${picked.map((st) => st.name).join(', ')}.`, `Give more of the name. Stages of ${pipelineName}: ${names}.`, 'ambiguous_stage');
  }
  throw new UserError(`Unknown stage "${ref}" in pipeline ${pipelineName}.`, `Stages: ${names} (crm stage list).`, 'unknown_stage');
}

export async function listStages(s: Session, opts: { pipeline?: string; archived?: boolean } = {}): Promise<StageRecord[]> {
  const db = s.db.kysely;
  const p = await getPipeline(db, opts.pipeline);
  const rows = (await stageRows(db, p.id, true)).filter((st) => Boolean(st.archived_at) === Boolean(opts.archived));
  const counts = await db
    .selectFrom('deals')
    .select(['stage_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('pipeline_id', '=', p.id)
    .where('archived_at', 'is', null)
    .groupBy('stage_id')
    .execute();
  return rows.map((st) => toStageRecord(st, p.name, Number(counts.find((c) => c.stage_id === st.id)?.n ?? 0)));
}

function toStageRecord(st: StageRow, pipeline: string, deals: number): StageRecord {
  return { id: st.id, pipelineId: st.pipeline_id, pipeline, name: st.name, position: st.position, probability: st.probability, kind: st.kind, archivedAt: st.archived_at, deals };
}

async function loadStageRecord(trx: Trx, id: number): Promise<StageRecord> {
  const st = await trx.selectFrom('stages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const p = await trx.selectFrom('pipelines').select('name').where('id', '=', st.pipeline_id).executeTakeFirstOrThrow();
  const n = await trx.selectFrom('deals').select((eb) => eb.fn.countAll<number>().as('n')).where('stage_id', '=', id).where('archived_at', 'is', null).executeTakeFirstOrThrow();
  return toStageRecord(st, p.name, Number(n.n));
}

function stageAudit(r: StageRecord): Record<string, unknown> {
  return { name: r.name, position: r.position, probability: r.probability, kind: r.kind, pipeline: r.pipeline, archivedAt: r.archivedAt };
}

export interface StageInput {
  name: string;
  probability?: string | number;
  kind?: string;
  pipeline?: string;
  after?: string;
  before?: string;
}

export async function addStage(s: Session, input: StageInput): Promise<StageRecord> {
  await authorize(s, 'pipeline.manage');
  const name = cleanText(input.name);
  if (!name) throw new UserError('A stage needs a name.', 'crm stage add Demo --probability 40 --after qualification');
  const kind = (input.kind ?? 'open').toLowerCase() as StageKind;
  if (!STAGE_KINDS.includes(kind)) throw new UserError(`Unknown stage kind "${input.kind}".`, `Use one of: ${STAGE_KINDS.join(', ')}.`);
  const probability = input.probability !== undefined ? parseProbability(input.probability) : kind === 'won' ? 100 : 0;
  if (input.after && input.before) throw new UsageError('Give --after or --before, not both.');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const p = await getPipeline(trx, input.pipeline);
    const stages = await stageRows(trx, p.id, true);
    if (stages.some((st) => fold(st.name) === fold(name))) {
      throw new ConflictError(`Pipeline ${p.name} already has a stage "${name}".`, 'See them: crm stage list' + (input.pipeline ? ` --pipeline ${JSON.stringify(p.name)}` : ''), 'duplicate');
    }
    const live = stages.filter((st) => !st.archived_at);
    let position: number;
    if (input.after) position = resolveStage(live, input.after, p.name).position + 1;
    else if (input.before) position = resolveStage(live, input.before, p.name).position;
    else {
      // New open stages go after the last open stage (before Won / Lost); others at the end.
      const lastOpen = [...live].reverse().find((st) => st.kind === 'open');
      position = kind === 'open' && lastOpen ? lastOpen.position + 1 : Math.max(0, ...stages.map((st) => st.position)) + 1;
    }
    await trx.updateTable('stages').set((eb) => ({ position: eb('position', '+', 1) })).where('pipeline_id', '=', p.id).where('position', '>=', position).execute();
    const row = await trx.insertInto('stages').values({ pipeline_id: p.id, name, position, probability, kind }).returning('id').executeTakeFirstOrThrow();
    const record = await loadStageRecord(trx, row.id);
    await recordAudit(trx, { entity: 'stage', entityId: row.id, action: 'create', changes: diff({}, stageAudit(record)), actor: s.actor, at });
    return record;
  });
}

async function findStageForEdit(trx: Trx, ref: string, pipeline?: string) {
  const p = await getPipeline(trx, pipeline);
  const stages = await stageRows(trx, p.id);
  return { p, stages, stage: resolveStage(stages, ref, p.name) };
}

export async function editStage(s: Session, ref: string, input: { name?: string; probability?: string | number; pipeline?: string }): Promise<StageRecord> {
  await authorize(s, 'pipeline.manage');
  const probability = input.probability !== undefined ? parseProbability(input.probability) : undefined;
  const name = input.name !== undefined ? cleanText(input.name) : undefined;
  if (input.name !== undefined && !name) throw new UserError('A stage needs a name.');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const { p, stages, stage } = await findStageForEdit(trx, ref, input.pipeline);
    if (probability !== undefined && stage.kind !== 'open' && probability !== stage.probability) {
      throw new UserError(`${stage.name} is a ${stage.kind} stage; its probability is fixed at ${stage.probability}%.`);
    }
    if (name && stages.some((st) => st.id !== stage.id && fold(st.name) === fold(name))) throw new ConflictError(`Pipeline ${p.name} already has a stage "${name}".`);
    const before = await loadStageRecord(trx, stage.id);
    const patch: { name?: string; probability?: number } = {};
    if (name) patch.name = name;
    if (probability !== undefined) patch.probability = probability;
    if (Object.keys(patch).length) await trx.updateTable('stages').set(patch).where('id', '=', stage.id).execute();
    const after = await loadStageRecord(trx, stage.id);
    const changes = diff(stageAudit(before), stageAudit(after));
    if (Object.keys(changes).length) await recordAudit(trx, { entity: 'stage', entityId: stage.id, action: 'update', changes, actor: s.actor, at });
    return after;
  });
}

/** Put the named stages in the given order, in the positions they occupy now (others stay put). */
export async function reorderStages(s: Session, refs: string[], opts: { pipeline?: string } = {}): Promise<StageRecord[]> {
  await authorize(s, 'pipeline.manage');
  if (refs.length < 2) throw new UsageError('Name at least two stages in their new order.', 'e.g. crm stage reorder negotiation quote   (swaps them)');
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    const p = await getPipeline(trx, opts.pipeline);
    const stages = await stageRows(trx, p.id);
    const picked = refs.map((r) => resolveStage(stages, r, p.name));
    if (new Set(picked.map((st) => st.id)).size !== picked.length) throw new UsageError('A stage is named twice.');
    const slots = picked.map((st) => st.position).sort((a, b) => a - b);
    for (const [i, st] of picked.entries()) {
      if (st.position !== slots[i]) {
        await trx.updateTable('stages').set({ position: slots[i]! }).where('id', '=', st.id).execute();
        await recordAudit(trx, { entity: 'stage', entityId: st.id, action: 'update', changes: { position: [st.position, slots[i]] }, actor: s.actor, at });
      }
    }
  });
  return listStages(s, { pipeline: opts.pipeline });
}

export interface ArchiveStageResult {
  stage: StageRecord;
  moved: number[];
}

/** Archive a stage; its open deals move to `moveTo` (required when there are any), each move recorded. */
export async function archiveStage(s: Session, ref: string, opts: { moveTo?: string; pipeline?: string } = {}): Promise<ArchiveStageResult> {
  await authorize(s, 'pipeline.manage');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const { p, stages, stage } = await findStageForEdit(trx, ref, opts.pipeline);
    if (stage.kind !== 'open') {
      throw new UserError(`${stage.name} is the ${stage.kind} stage of ${p.name}; a pipeline needs it.`, `Rename it instead: crm stage edit ${stage.name.toLowerCase()} --name "…"`);
    }
    if (stages.filter((st) => st.kind === 'open').length === 1) throw new UserError(`${stage.name} is the only open stage of ${p.name}.`, `Add another first: crm stage add "…" --probability 20`);
    const deals = await trx.selectFrom('deals').select(['id', 'version']).where('stage_id', '=', stage.id).where('archived_at', 'is', null).orderBy('id').execute();
    let target: StageRow | undefined;
    if (opts.moveTo !== undefined) {
      target = resolveStage(stages, opts.moveTo, p.name);
      if (target.id === stage.id) throw new UsageError('--move-to names the stage being archived.');
      if (target.kind !== 'open') throw new UserError(`--move-to must be an open stage; ${target.name} is ${target.kind}.`, `Win or lose the deals one by one: crm deal win ID / crm deal lose ID --reason …`);
    } else if (deals.length) {
      const ids = deals.slice(0, 10).map((d) => `#${d.id}`).join(', ');
      throw new UserError(
        `${stage.name} holds ${deals.length} open deal${deals.length === 1 ? '' : 's'} (${ids}${deals.length > 10 ? ', …' : ''}).`,
        `Move them as you archive it: crm stage archive ${stage.name.toLowerCase()} --move-to ${stages.find((st) => st.kind === 'open' && st.id !== stage.id)!.name.toLowerCase()}`,
        'stage_has_deals',
      );
    }
    for (const d of deals) {
      await trx.updateTable('deals').set({ stage_id: target!.id, stage_entered_at: at, updated_at: at, version: bumpVersion }).where('id', '=', d.id).execute();
      await trx.insertInto('deal_stage_history').values({ deal_id: d.id, from_stage_id: stage.id, to_stage_id: target!.id, at, actor: s.actor }).execute();
      await recordAudit(trx, { entity: 'deal', entityId: d.id, action: 'move', changes: { stage: [stage.name, target!.name] }, actor: s.actor, at });
    }
    await trx.updateTable('stages').set({ archived_at: at }).where('id', '=', stage.id).execute();
    await recordAudit(trx, { entity: 'stage', entityId: stage.id, action: 'archive', changes: { archivedAt: [null, at], ...(target ? { movedTo: [null, target.name] } : {}) }, actor: s.actor, at });
    return { stage: await loadStageRecord(trx, stage.id), moved: deals.map((d) => d.id) };
  });
}
