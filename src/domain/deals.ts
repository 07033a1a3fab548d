/**
 * Deals: the sales half. Every stage change appends deal_stage_history (from, to, at, actor) —
 * creation too, with from = null — so cycle length and time in stage can be computed later.
 * Winning sets won_at; losing requires a reason from the lost_reasons list. Amounts are integer
 * minor units plus an ISO currency; nothing here goes through floating point.
 */
import { sql } from 'kysely';
import { diff, lastAuditEntry, recordAudit } from '../db/audit.js';
import { filterSpecFor } from './field-filters.js';
import { assertRequiredFields, fieldValuesFromSets, mergeFieldValues } from './custom-fields.js';
import { compileFilter, compileFilterWith, dateRange, parseFilter, zonedDay, type AnyEB, type Cond, type FilterEnv, type FilterSpec, type FilterTerm } from '../db/filter.js';
import { fold } from '../db/fold.js';
import type { StageKind } from '../db/schema.js';
import { normalizeTag, setTags, tagsFor } from '../db/tags.js';
import { changedColumns, nextTags, noChangeError } from './no-change.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { ConflictError, NotFoundError, UsageError, UserError, versionConflict } from '../errors.js';
import { formatDuration } from '../output/format.js';
import { findOrCreateCompany, type CompanyRecord } from './companies.js';
import { getContact } from './contacts.js';
import { currencyExponent, isCurrencyCode, Money, parseMoney, storableMinor } from './money.js';
import { getPipeline, parseProbability, pickByName, resolveStage, stagesOf, type StageRow } from './pipelines.js';
import { filterEnv, nowIso, type Session } from './session.js';
import { currentUser, resolveOwnerId } from './users.js';
import { cleanText, fullName, requireDate } from './validate.js';
import { bumpVersion, updateIfVersion } from '../db/versioned.js';
import { authorize } from './permissions.js';
import { dealHasLines } from './deal-lines.js';
import { orderForWonDeal } from './orders.js';
import { homeCurrency } from './settings.js';

export type DealStatus = 'open' | 'won' | 'lost';
export const DEAL_STATUSES: DealStatus[] = ['open', 'won', 'lost'];
export const CONTACT_ROLES = ['decision maker', 'champion', 'influencer', 'technical buyer', 'user'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

export interface DealRecord {
  id: number;
  title: string;
  pipeline: { id: number; name: string };
  stage: { id: number; name: string; kind: StageKind; probability: number };
  status: DealStatus;
  company: { id: number; name: string } | null;
  contact: { id: number; name: string; email: string | null } | null;
  amount: Money;
  /** The probability used for weighting: the deal's override, else the stage's (open deals). */
  probability: number;
  probabilityOverride: number | null;
  /** amount × probability, in minor units rounded half-up. */
  weighted: Money;
  expectedClose: string | null;
  owner: string | null;
  source: string | null;
  campaign: { id: number; name: string } | null;
  lostReason: string | null;
  lostNote: string | null;
  wonAt: string | null;
  lostAt: string | null;
  stageEnteredAt: string;
  daysInStage: number;
  tags: string[];
  externalId: string | null;
  customFields: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  version: number;
}

export interface DealHistoryEntry {
  from: { id: number; name: string } | null;
  to: { id: number; name: string; kind: StageKind };
  at: string;
  actor: string;
  /** Time spent in `to` until the next move (or until now for an open deal's current stage); null once closed. */
  seconds: number | null;
  duration: string | null;
}

export interface StageTime {
  stage: string;
  seconds: number;
  duration: string;
  visits: number;
}

export interface DealContactEntry {
  id: number;
  name: string;
  email: string | null;
  role: string | null;
  primary: boolean;
}

export interface MilestoneRecord {
  id: number;
  dealId: number;
  due: string | null;
  title: string;
  done: boolean;
  doneAt: string | null;
}

export interface DealDetail extends DealRecord {
  contacts: DealContactEntry[];
  milestones: MilestoneRecord[];
  history: DealHistoryEntry[];
  timeInStage: StageTime[];
}

/**
 * Deals first (CROSS JOIN keeps them the outer loop), their stage joined; linked
 * names by scalar subqueries on the primary key, not joins: see contactQuery (domain/contacts.ts).
 */
function dealQuery(db: Trx) {
  return db
    .selectFrom('deals as d')
    .crossJoin('stages as st')
    .whereRef('st.id', '=', 'd.stage_id')
    .selectAll('d')
    .select(['st.name as stage_name', 'st.kind as stage_kind', 'st.probability as stage_probability'])
    .select((eb) => [
      eb.selectFrom('pipelines as p').select('p.name').whereRef('p.id', '=', 'd.pipeline_id').as('pipeline_name'),
      eb.selectFrom('companies as co').select('co.name').whereRef('co.id', '=', 'd.company_id').as('company_name'),
      eb.selectFrom('contacts as c').select('c.first_name').whereRef('c.id', '=', 'd.contact_id').as('contact_first'),
      eb.selectFrom('contacts as c').select('c.last_name').whereRef('c.id', '=', 'd.contact_id').as('contact_last'),
      eb.selectFrom('contacts as c').select('c.email').whereRef('c.id', '=', 'd.contact_id').as('contact_email'),
      eb.selectFrom('users as u').select('u.handle').whereRef('u.id', '=', 'd.owner_id').as('owner_handle'),
      eb.selectFrom('campaigns as ca').select('ca.name').whereRef('ca.id', '=', 'd.campaign_id').as('campaign_name'),
    ]);
}

type DealRow = Awaited<ReturnType<ReturnType<typeof dealQuery>['executeTakeFirstOrThrow']>>;

/** Half-up rounding of amount × percent / 100 on non-negative integers. */
export function weightedMinor(amountMinor: bigint, percent: number): bigint {
  return (amountMinor * BigInt(percent) + 50n) / 100n;
}

function toDealRecord(r: DealRow, tags: string[], now: Date): DealRecord {
  const status: DealStatus = r.stage_kind === 'won' ? 'won' : r.stage_kind === 'lost' ? 'lost' : 'open';
  const probability = status === 'open' ? (r.probability ?? r.stage_probability) : r.stage_probability;
  const amount = new Money(r.amount_minor, r.currency);
  return {
    id: r.id,
    title: r.title,
    pipeline: { id: r.pipeline_id, name: r.pipeline_name ?? '' },
    stage: { id: r.stage_id, name: r.stage_name, kind: r.stage_kind, probability: r.stage_probability },
    status,
    company: r.company_id !== null ? { id: r.company_id, name: r.company_name ?? '' } : null,
    contact: r.contact_id !== null ? { id: r.contact_id, name: fullName(r.contact_first, r.contact_last), email: r.contact_email } : null,
    amount,
    probability,
    probabilityOverride: r.probability,
    weighted: new Money(weightedMinor(amount.minor, probability), r.currency),
    expectedClose: r.expected_close,
    owner: r.owner_handle,
    source: r.source,
    campaign: r.campaign_id !== null ? { id: r.campaign_id, name: r.campaign_name ?? '' } : null,
    lostReason: r.lost_reason,
    lostNote: r.lost_note,
    wonAt: r.won_at,
    lostAt: r.lost_at,
    stageEnteredAt: r.stage_entered_at,
    daysInStage: Math.max(0, Math.floor((now.getTime() - Date.parse(r.stage_entered_at)) / 86400000)),
    tags,
    externalId: r.external_id,
    customFields: r.custom_fields ? (JSON.parse(r.custom_fields) as Record<string, unknown>) : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    archivedAt: r.archived_at,
    version: r.version,
  };
}

export async function loadDealRecord(db: Trx, id: number, now: Date): Promise<DealRecord> {
  const row = await dealQuery(db).where('d.id', '=', id).executeTakeFirstOrThrow();
  return toDealRecord(row, (await tagsFor(db, 'deal', [id])).get(id) ?? [], now);
}

/** What the audit log keeps of a deal (readable values, not ids). */
function auditView(r: DealRecord): Record<string, unknown> {
  return {
    title: r.title,
    pipeline: r.pipeline.name,
    stage: r.stage.name,
    company: r.company?.name ?? null,
    contact: r.contact?.name ?? null,
    amount: `${r.amount.amount} ${r.amount.currency}`,
    probability: r.probabilityOverride,
    expectedClose: r.expectedClose,
    owner: r.owner,
    source: r.source,
    campaign: r.campaign?.name ?? null,
    lostReason: r.lostReason,
    lostNote: r.lostNote,
    wonAt: r.wonAt,
    lostAt: r.lostAt,
    tags: r.tags,
    externalId: r.externalId,
    customFields: r.customFields,
    archivedAt: r.archivedAt,
  };
}

export async function getDealRow(db: Trx, ref: string | number) {
  const text = String(ref).trim();
  const m = /^#?(\d+)$/.exec(text);
  if (!m) throw new UsageError(`Deal id must be a number, not "${ref}".`, 'Find it with: crm deal list ' + JSON.stringify(text));
  const row = await db.selectFrom('deals').selectAll().where('id', '=', Number(m[1])).executeTakeFirst();
  if (!row) throw new NotFoundError(`No deal #${m[1]}.`, 'List deals with: crm deal list');
  return row;
}

export interface DealInput {
  title?: string;
  company?: string;
  contact?: string;
  amount?: string;
  currency?: string;
  locale?: string;
  probability?: string;
  close?: string;
  owner?: string;
  source?: string;
  campaign?: string;
  stage?: string;
  pipeline?: string;
  externalId?: string;
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
  /** Custom field values as typed (`--set name=value`), checked against the field definitions. */
  setFields?: Record<string, string>;
}

export interface DealSideEffects {
  companyCreated?: (c: CompanyRecord) => void;
}

export function parseAmount(text: string, currency: string | undefined, locale: string | undefined): Money {
  if (currency !== undefined && !isCurrencyCode(currency)) {
    throw new UserError(`Unknown currency "${currency}".`, 'Use an ISO 4217 code such as EUR, USD, JPY, AED, BRL or CNY.', 'invalid_currency');
  }
  const m = parseMoney(text, { defaultCurrency: currency, locale });
  if (m.minor < 0n) throw new UserError(`A deal amount cannot be negative: "${text}".`, undefined, 'invalid_amount');
  storableMinor(m.minor, m.currency, `The amount "${text}"`);
  return m;
}

async function resolveCampaignId(db: Trx, ref: string): Promise<number | null> {
  const r = ref.trim();
  if (r === '' || r.toLowerCase() === 'none') return null;
  const all = await db.selectFrom('campaigns').select(['id', 'name']).where('archived_at', 'is', null).execute();
  if (/^#?\d+$/.test(r)) {
    const byId = all.find((c) => c.id === Number(r.replace('#', '')));
    if (byId) return byId.id;
  }
  const picked = pickByName(all, r, (c) => c.name);
  if (picked.length === 1) return picked[0]!.id;
  if (picked.length > 1) throw new UserError(`"${ref}" matches several campaigns: ${picked.map((c) => c.name).join(', ')}.`, 'Give more of the name.', 'ambiguous');
  throw new NotFoundError(`No campaign "${ref}".`, all.length ? `Campaigns: ${all.slice(0, 12).map((c) => c.name).join(', ')}` : 'There are no campaigns yet.');
}

/** A deal's probability override: a whole percentage, or empty / none / stage for the stage's own. */
export function parseOverride(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === '' || text.toLowerCase() === 'none' || text.toLowerCase() === 'stage') return null;
  return parseProbability(text);
}

function parseClose(text: string | undefined): string | null | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === '' || text.toLowerCase() === 'none') return null;
  return requireDate(text, 'Close date');
}

async function promoteContact(trx: Trx, s: Session, contactId: number, from: string[], to: 'prospect' | 'customer', dealId: number, at: string): Promise<void> {
  const c = await trx.selectFrom('contacts').select(['id', 'lifecycle', 'version']).where('id', '=', contactId).executeTakeFirst();
  if (!c || !from.includes(c.lifecycle)) return;
  await trx.updateTable('contacts').set({ lifecycle: to, updated_at: at, version: bumpVersion }).where('id', '=', c.id).execute();
  await recordAudit(trx, { entity: 'contact', entityId: c.id, action: 'lifecycle', changes: { lifecycle: [c.lifecycle, to], deal: [null, dealId] }, actor: s.actor, at });
}

export async function addDeal(s: Session, input: DealInput, fx: DealSideEffects = {}): Promise<DealRecord> {
  await authorize(s, 'deal.write');
  const db = s.db.kysely;
  const title = cleanText(input.title);
  if (!title) throw new UserError('A deal needs a title.', 'crm deal add "Acme renewal" --company "Acme Ltd" --amount "12500 EUR"');
  // Validate everything before any write (a new company is the only side effect, made last).
  const amount = input.amount !== undefined ? parseAmount(input.amount, input.currency, input.locale) : new Money(0, (input.currency ?? (await homeCurrency(s))).toUpperCase());
  if (input.amount === undefined && input.currency !== undefined && !isCurrencyCode(input.currency)) throw new UserError(`Unknown currency "${input.currency}".`);
  const probability = parseOverride(input.probability) ?? null;
  const close = parseClose(input.close) ?? null;
  const ownerId = await resolveOwnerId(s, input.owner);
  const pipeline = await getPipeline(db, input.pipeline);
  const stages = await stagesOf(db, pipeline.id);
  const stage = input.stage ? resolveStage(stages, input.stage, pipeline.name) : stages.find((st) => st.kind === 'open');
  if (!stage) throw new UserError(`Pipeline ${pipeline.name} has no open stage.`, 'Add one: crm stage add Prospecting --probability 10');
  if (stage.kind !== 'open') throw new UserError(`A new deal starts in an open stage, not ${stage.name}.`, `Add it, then: crm deal ${stage.kind === 'won' ? 'win' : 'lose'} ID`);
  const contact = input.contact !== undefined && cleanText(input.contact) ? await getContact(s, input.contact) : undefined;
  if (contact?.archived_at) throw new UserError(`Contact #${contact.id} is archived.`, `Restore it first: crm contact restore ${contact.id}`);
  const campaignId = input.campaign !== undefined ? await resolveCampaignId(db, input.campaign) : null;
  const tags = (input.tags ?? []).map(normalizeTag);
  const fieldValues = await fieldValuesFromSets(s, 'deal', input.setFields);
  const customFields = fieldValues ? mergeFieldValues(null, fieldValues) : null;
  await assertRequiredFields(s, 'deal', customFields);
  let companyId: number | null = contact?.company_id ?? null;
  if (input.company !== undefined && cleanText(input.company) && input.company.toLowerCase() !== 'none') {
    companyId = await findOrCreateCompany(s, input.company, (c) => fx.companyCreated?.(c));
  }
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const row = await trx
      .insertInto('deals')
      .values({
        title,
        pipeline_id: pipeline.id,
        stage_id: stage.id,
        company_id: companyId,
        contact_id: contact?.id ?? null,
        amount_minor: Number(amount.minor),
        currency: amount.currency,
        probability,
        expected_close: close,
        owner_id: ownerId,
        source: cleanText(input.source),
        campaign_id: campaignId,
        stage_entered_at: at,
        external_id: cleanText(input.externalId),
        custom_fields: customFields,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('deal_stage_history').values({ deal_id: row.id, from_stage_id: null, to_stage_id: stage.id, at, actor: s.actor }).execute();
    if (tags.length) await setTags(trx, 'deal', row.id, tags);
    const record = await loadDealRecord(trx, row.id, s.now());
    await recordAudit(trx, { entity: 'deal', entityId: row.id, action: 'create', changes: diff({}, auditView(record)), actor: s.actor, at });
    if (contact) await promoteContact(trx, s, contact.id, ['lead'], 'prospect', row.id, at);
    return record;
  });
}

function staleError(id: number): ConflictError {
  return new ConflictError(`Deal #${id} was changed by someone else since you read it.`, `Look again: crm deal show ${id} — then repeat the change.`, 'stale');
}

function dealVersionConflict(id: number, current: number, expected: number) {
  return versionConflict(`Deal #${id}`, `crm deal show ${id}`, current, expected);
}

/** Refuse early (before any other check) when the deal is no longer at the expected version. */
function checkVersion(deal: { id: number; version: number }, expectVersion: number | undefined): void {
  if (expectVersion !== undefined && deal.version !== expectVersion) throw dealVersionConflict(deal.id, deal.version, expectVersion);
}

/**
 * The deal as it is under the write lock (first thing inside the BEGIN IMMEDIATE transaction).
 * Without expectVersion there is nothing to conflict with: the change is planned from this row
 * and waits its turn behind other writers. With expectVersion (`--if-version`, the TUI) the deal
 * must still be at it, so of two writers holding the same version exactly one succeeds and the
 * other is told what the deal is at now.
 */
async function lockedDeal(trx: Trx, ref: string | number, expectVersion?: number): Promise<Deal> {
  const deal = await getDealRow(trx, ref);
  checkVersion(deal, expectVersion);
  return deal;
}

/** Inside the transaction, for changes that do not rewrite the deal row: only `--if-version` can conflict. */
async function assertUnchanged(trx: Trx, deal: { id: number; version: number }, expectVersion?: number): Promise<void> {
  const row = await trx.selectFrom('deals').select('version').where('id', '=', deal.id).executeTakeFirst();
  if (row && row.version === deal.version) return;
  if (row && expectVersion !== undefined) throw dealVersionConflict(deal.id, row.version, expectVersion);
  throw staleError(deal.id);
}

/**
 * Refuse early, before any write transaction (a refusal is written to the audit log, which a
 * rolled-back transaction would lose), when the acting user may not change this deal.
 */
async function authorizeDeal(s: Session, ref: string | number): Promise<void> {
  if (!s.principal) return;
  const deal = await getDealRow(s.db.kysely, ref);
  await authorize(s, 'deal.write', { label: `deal #${deal.id}`, ownerId: deal.owner_id });
}

function archivedError(id: number): UserError {
  return new UserError(`Deal #${id} is archived.`, `Restore it first: crm deal restore ${id}`, 'archived');
}

export async function editDeal(s: Session, ref: string, input: DealInput, fx: DealSideEffects = {}, expectVersion?: number): Promise<DealRecord> {
  const db = s.db.kysely;
  // Read first only to refuse early (a stale --if-version, an archived deal, a bad value) and to
  // resolve other records; the change itself is planned from the row read under the write lock.
  const first = await getDealRow(db, ref);
  await authorize(s, 'deal.write', { label: `deal #${first.id}`, ownerId: first.owner_id });
  checkVersion(first, expectVersion);
  if (first.archived_at) throw archivedError(first.id);
  const cols: Record<string, unknown> = {};
  if (input.title !== undefined) {
    const title = cleanText(input.title);
    if (!title) throw new UserError('A deal needs a title.');
    cols.title = title;
  }
  if (input.amount === undefined && input.currency !== undefined) {
    throw new UsageError('--currency changes the unit of --amount; give both.', `e.g. crm deal edit ${first.id} --amount "12500 EUR"`);
  }
  const amountIn = (currency: string) => {
    if (input.amount === undefined) return;
    const m = parseAmount(input.amount, input.currency ?? currency, input.locale);
    cols.amount_minor = Number(m.minor);
    cols.currency = m.currency;
  };
  amountIn(first.currency);
  if (input.amount !== undefined && (await dealHasLines(db, first.id))) {
    throw new UserError(`Deal #${first.id} takes its amount from its product lines.`, `Change the lines instead: crm deal line list ${first.id}`, 'amount_from_lines');
  }
  if (input.probability !== undefined) cols.probability = parseOverride(input.probability);
  if (input.close !== undefined) cols.expected_close = parseClose(input.close);
  if (input.owner !== undefined) cols.owner_id = await resolveOwnerId(s, input.owner);
  if (input.source !== undefined) cols.source = cleanText(input.source);
  if (input.externalId !== undefined) cols.external_id = cleanText(input.externalId);
  if (input.campaign !== undefined) cols.campaign_id = await resolveCampaignId(db, input.campaign);
  if (input.contact !== undefined) {
    if (!cleanText(input.contact) || input.contact.toLowerCase() === 'none') cols.contact_id = null;
    else {
      const c = await getContact(s, input.contact);
      if (c.archived_at) throw new UserError(`Contact #${c.id} is archived.`, `Restore it first: crm contact restore ${c.id}`);
      cols.contact_id = c.id;
    }
  }
  if (input.stage !== undefined || input.pipeline !== undefined) {
    throw new UsageError('Stages change with crm deal move, win, lose or reopen.', `e.g. crm deal move ${first.id} quote`);
  }
  if (input.company !== undefined) {
    cols.company_id = !cleanText(input.company) || input.company.toLowerCase() === 'none' ? null : await findOrCreateCompany(s, input.company, (c) => fx.companyCreated?.(c));
  }
  const fieldValues = await fieldValuesFromSets(s, 'deal', input.setFields);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    // The row as it is under the write lock: only values that differ from it are written.
    const row = await lockedDeal(trx, first.id, expectVersion);
    if (row.archived_at) throw archivedError(row.id);
    amountIn(row.currency);
    if (fieldValues) cols.custom_fields = mergeFieldValues(row.custom_fields, fieldValues);
    const before = await loadDealRecord(trx, row.id, s.now());
    const changed = changedColumns(row as unknown as Record<string, unknown>, cols);
    const tags = nextTags(before.tags, input);
    const noChange = () => noChangeError('deal', `#${row.id}`, cols, input, `crm deal show ${row.id}`);
    if (!Object.keys(changed).length && !tags) throw noChange();
    if (!(await updateIfVersion(trx, 'deals', row.id, row.version, changed, at))) throw staleError(row.id);
    if (tags) await setTags(trx, 'deal', row.id, tags);
    const after = await loadDealRecord(trx, row.id, s.now());
    const changes = diff(auditView(before), auditView(after));
    // A value that differs only in form: still nothing to change (rolled back).
    if (!Object.keys(changes).length) throw noChange();
    await recordAudit(trx, { entity: 'deal', entityId: row.id, action: 'update', changes, actor: s.actor, at });
    return after;
  });
}

type Deal = Awaited<ReturnType<typeof getDealRow>>;

/** Inside the transaction, on the deal read there (moveContext): change the stage, append the history row, audit it. */
async function applyMove(trx: Trx, s: Session, deal: Deal, from: StageRow, to: StageRow, at: string, action: string, extra: Record<string, unknown> = {}): Promise<void> {
  if (!(await updateIfVersion(trx, 'deals', deal.id, deal.version, { stage_id: to.id, stage_entered_at: at, ...extra }, at))) throw staleError(deal.id);
  await trx.insertInto('deal_stage_history').values({ deal_id: deal.id, from_stage_id: from.id, to_stage_id: to.id, at, actor: s.actor }).execute();
  const changes: Record<string, [unknown, unknown]> = { stage: [from.name, to.name] };
  for (const [k, v] of Object.entries(extra)) {
    const key = k.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase());
    const old = (deal as Record<string, unknown>)[k] ?? null;
    if (old !== v) changes[key] = [old, v];
  }
  await recordAudit(trx, { entity: 'deal', entityId: deal.id, action, changes, actor: s.actor, at });
}

/**
 * The deal and its stages for a move, read inside the move's write transaction (lockedDeal):
 * a stale expectVersion is refused before any other check, so a deal moved, won or archived
 * meanwhile reports that rather than a state the caller never saw.
 */
async function moveContext(db: Trx, ref: string | number, expectVersion?: number) {
  const deal = await lockedDeal(db, ref, expectVersion);
  if (deal.archived_at) throw archivedError(deal.id);
  const pipeline = await getPipeline(db, String(deal.pipeline_id));
  const stages = await stagesOf(db, pipeline.id, true);
  const current = stages.find((st) => st.id === deal.stage_id)!;
  const live = stages.filter((st) => !st.archived_at);
  return { deal, pipeline, stages: live, current };
}

type MoveContext = Awaited<ReturnType<typeof moveContext>>;

/** expectVersion: refuse (code `stale`, nothing changed) unless the deal is still at this version. */
export async function moveDeal(s: Session, ref: string, stageRef: string, expectVersion?: number): Promise<DealRecord> {
  await authorizeDeal(s, ref);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const ctx = await moveContext(trx, ref, expectVersion);
    const { deal, pipeline, stages, current } = ctx;
    const to = resolveStage(stages, stageRef, pipeline.name);
    if (to.kind === 'won') return applyWin(trx, s, ctx, at);
    if (to.kind === 'lost') throw new UserError(`Losing a deal needs a reason.`, `crm deal lose ${deal.id} --reason price   (reasons: crm deal reasons)`, 'reason_required');
    if (current.kind !== 'open') throw new UserError(`Deal #${deal.id} is ${current.kind}.`, `Reopen it into that stage: crm deal reopen ${deal.id} --stage ${to.name.toLowerCase()}`, 'closed');
    if (to.id === current.id) throw new UserError(`Deal #${deal.id} is already in ${to.name}.`, undefined, 'no_change');
    await applyMove(trx, s, deal, current, to, at, 'move');
    return loadDealRecord(trx, deal.id, s.now());
  });
}

async function applyWin(trx: Trx, s: Session, { deal, pipeline, stages, current }: MoveContext, at: string): Promise<DealRecord> {
  if (current.kind === 'won') throw new UserError(`Deal #${deal.id} is already won (${deal.won_at?.slice(0, 10)}).`, undefined, 'no_change');
  if (current.kind === 'lost') throw new UserError(`Deal #${deal.id} is lost.`, `Reopen it first: crm deal reopen ${deal.id} — then crm deal win ${deal.id}`, 'closed');
  const won = stages.find((st) => st.kind === 'won');
  if (!won) throw new UserError(`Pipeline ${pipeline.name} has no won stage.`, 'Add one: crm stage add Won --kind won');
  await applyMove(trx, s, deal, current, won, at, 'win', { won_at: at });
  if (deal.contact_id !== null) await promoteContact(trx, s, deal.contact_id, ['lead', 'prospect'], 'customer', deal.id, at);
  // A deal won with product lines and no order yet (no accepted quote made one) gets its order.
  await orderForWonDeal(trx, s, deal.id, at);
  return loadDealRecord(trx, deal.id, s.now());
}

export async function winDeal(s: Session, ref: string, expectVersion?: number): Promise<DealRecord> {
  await authorizeDeal(s, ref);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => applyWin(trx, s, await moveContext(trx, ref, expectVersion), at));
}

export interface LostReasonRecord {
  id: number;
  name: string;
  active: boolean;
  deals: number;
}

export async function listLostReasons(s: Session, opts: { all?: boolean } = {}): Promise<LostReasonRecord[]> {
  const db = s.db.kysely;
  let q = db.selectFrom('lost_reasons').selectAll().orderBy('id');
  if (!opts.all) q = q.where('active', '=', 1);
  const rows = await q.execute();
  const counts = await db.selectFrom('deals').select(['lost_reason', (eb) => eb.fn.countAll<number>().as('n')]).where('lost_reason', 'is not', null).groupBy('lost_reason').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, active: r.active === 1, deals: Number(counts.find((c) => c.lost_reason === r.name)?.n ?? 0) }));
}

/** A reason from the active list: exact (case-insensitive) or a unique prefix. */
export async function resolveLostReason(s: Session, ref: string): Promise<string> {
  const reasons = await listLostReasons(s);
  const picked = pickByName(reasons, ref, (r) => r.name);
  if (picked.length === 1) return picked[0]!.name;
  const names = reasons.map((r) => r.name).join(', ');
  if (picked.length > 1) throw new UserError(`"${ref}" matches several reasons: ${picked.map((r) => r.name).join(', ')}.`, `Reasons: ${names}.`, 'ambiguous');
  throw new UserError(`Unknown lost reason "${ref}".`, `Reasons: ${names} — or add one: crm deal reasons add ${JSON.stringify(ref)}`, 'unknown_reason');
}

export async function addLostReason(s: Session, name: string): Promise<LostReasonRecord> {
  await authorize(s, 'pipeline.manage');
  const n = cleanText(name)?.toLowerCase();
  if (!n) throw new UserError('A reason needs a name.', 'crm deal reasons add "slow delivery"');
  const at = nowIso(s);
  const id = await writeTransaction(s.db, async (trx) => {
    const existing = await trx.selectFrom('lost_reasons').selectAll().where(sql`crm_fold(name)`, '=', fold(n)).executeTakeFirst();
    if (existing?.active === 1) throw new ConflictError(`The reason "${existing.name}" already exists.`, 'See them: crm deal reasons', 'duplicate');
    let rid: number;
    if (existing) {
      await trx.updateTable('lost_reasons').set({ active: 1 }).where('id', '=', existing.id).execute();
      rid = existing.id;
    } else {
      rid = (await trx.insertInto('lost_reasons').values({ name: n }).returning('id').executeTakeFirstOrThrow()).id;
    }
    await recordAudit(trx, { entity: 'lost_reason', entityId: rid, action: existing ? 'restore' : 'create', changes: { name: [null, n] }, actor: s.actor, at });
    return rid;
  });
  return (await listLostReasons(s)).find((r) => r.id === id)!;
}

/** Retire a reason: deals keep it; it is no longer offered. */
export async function removeLostReason(s: Session, ref: string): Promise<LostReasonRecord> {
  await authorize(s, 'pipeline.manage');
  const name = await resolveLostReason(s, ref);
  const at = nowIso(s);
  const id = await writeTransaction(s.db, async (trx) => {
    const r = await trx.selectFrom('lost_reasons').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    await trx.updateTable('lost_reasons').set({ active: 0 }).where('id', '=', r.id).execute();
    await recordAudit(trx, { entity: 'lost_reason', entityId: r.id, action: 'archive', changes: { active: [true, false] }, actor: s.actor, at });
    return r.id;
  });
  return (await listLostReasons(s, { all: true })).find((r) => r.id === id)!;
}

function checkLosable({ deal, pipeline, stages, current }: MoveContext): StageRow {
  if (current.kind === 'lost') throw new UserError(`Deal #${deal.id} is already lost (${deal.lost_reason}).`, undefined, 'no_change');
  if (current.kind === 'won') throw new UserError(`Deal #${deal.id} is won.`, `Reopen it first: crm deal reopen ${deal.id}`, 'closed');
  const lost = stages.find((st) => st.kind === 'lost');
  if (!lost) throw new UserError(`Pipeline ${pipeline.name} has no lost stage.`, 'Add one: crm stage add Lost --kind lost');
  return lost;
}

/** Check a deal can be lost (before prompting for a reason; loseDeal checks again under the write lock). */
export async function assertLosable(s: Session, ref: string, expectVersion?: number): Promise<void> {
  checkLosable(await moveContext(s.db.kysely, ref, expectVersion));
}

export async function loseDeal(s: Session, ref: string, reasonRef: string | undefined, note?: string, expectVersion?: number): Promise<DealRecord> {
  await assertLosable(s, ref, expectVersion);
  if (!reasonRef || !cleanText(reasonRef)) {
    const names = (await listLostReasons(s)).map((r) => r.name).join(', ');
    throw new UserError('Losing a deal needs a reason.', `crm deal lose ${ref} --reason price [--note "…"]   (reasons: ${names})`, 'reason_required');
  }
  const reason = await resolveLostReason(s, reasonRef);
  await authorizeDeal(s, ref);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const ctx = await moveContext(trx, ref, expectVersion);
    const lost = checkLosable(ctx);
    await applyMove(trx, s, ctx.deal, ctx.current, lost, at, 'lose', { lost_at: at, lost_reason: reason, lost_note: cleanText(note) });
    return loadDealRecord(trx, ctx.deal.id, s.now());
  });
}

/**
 * Back to an open stage: the one named, else the last open stage the deal was in. Clears won/lost.
 * expectVersion as in moveDeal.
 */
export async function reopenDeal(s: Session, ref: string, stageRef?: string, expectVersion?: number): Promise<DealRecord> {
  await authorizeDeal(s, ref);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const { deal, pipeline, stages, current } = await moveContext(trx, ref, expectVersion);
    if (current.kind === 'open') throw new UserError(`Deal #${deal.id} is open (in ${current.name}).`, `Move it instead: crm deal move ${deal.id} STAGE`, 'no_change');
    const open = stages.filter((st) => st.kind === 'open');
    let to: StageRow | undefined;
    if (stageRef) {
      to = resolveStage(stages, stageRef, pipeline.name);
      if (to.kind !== 'open') throw new UserError(`Reopen into an open stage; ${to.name} is ${to.kind}.`, `Open stages: ${open.map((st) => st.name).join(', ')}`);
    } else {
      const history = await trx.selectFrom('deal_stage_history').select(['to_stage_id']).where('deal_id', '=', deal.id).orderBy('at', 'desc').orderBy('id', 'desc').execute();
      to = history.map((h) => open.find((st) => st.id === h.to_stage_id)).find(Boolean) ?? open[0];
    }
    if (!to) throw new UserError(`Pipeline ${pipeline.name} has no open stage.`);
    await applyMove(trx, s, deal, current, to, at, 'reopen', { won_at: null, lost_at: null, lost_reason: null, lost_note: null });
    return loadDealRecord(trx, deal.id, s.now());
  });
}

/** Archive or restore. expectVersion as in moveDeal (checked before "already archived"). */
export async function setDealArchived(s: Session, ref: string, archived: boolean, expectVersion?: number): Promise<DealRecord> {
  await authorizeDeal(s, ref);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const deal = await lockedDeal(trx, ref, expectVersion);
    if (Boolean(deal.archived_at) === archived) throw new UserError(`Deal #${deal.id} is ${archived ? 'already archived' : 'not archived'}.`, undefined, 'no_change');
    if (!(await updateIfVersion(trx, 'deals', deal.id, deal.version, { archived_at: archived ? at : null }, at))) throw staleError(deal.id);
    await recordAudit(trx, { entity: 'deal', entityId: deal.id, action: archived ? 'archive' : 'restore', changes: { archivedAt: [deal.archived_at, archived ? at : null] }, actor: s.actor, at });
    return loadDealRecord(trx, deal.id, s.now());
  });
}

/**
 * A deal as it is now and who changed it last (the actor of its latest audit entry), for a
 * "changed meanwhile" message after a `stale` conflict. null when there is no such deal.
 */
export async function latestDealState(s: Session, id: number): Promise<{ deal: DealRecord; changedBy: string | null } | null> {
  const db = s.db.kysely;
  const exists = await db.selectFrom('deals').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) return null;
  const deal = await loadDealRecord(db, id, s.now());
  const last = await lastAuditEntry(db, 'deal', id);
  return { deal, changedBy: last?.actor ?? null };
}

// ---- contacts with roles and milestones -------------------------------------------------------

export function parseContactRole(text: string | undefined): ContactRole | null {
  if (text === undefined || text.trim() === '' || text.toLowerCase() === 'none') return null;
  const t = text.trim().toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ');
  const picked = CONTACT_ROLES.filter((r) => r === t || r.startsWith(t));
  if (picked.length === 1) return picked[0]!;
  throw new UserError(`Unknown contact role "${text}".`, `Use one of: ${CONTACT_ROLES.map((r) => r.replace(' ', '-')).join(', ')}.`, 'invalid_role');
}

/** A change beside the deal row (its people, its milestones) still raises the deal's version. */
async function touchDeal(trx: Trx, dealId: number, at: string): Promise<void> {
  await trx.updateTable('deals').set((eb) => ({ updated_at: at, version: eb('version', '+', 1) })).where('id', '=', dealId).execute();
}

/** expectVersion as in moveDeal. */
export async function addDealContact(s: Session, dealRef: string, contactRef: string, roleText?: string, expectVersion?: number): Promise<DealDetail> {
  const deal = await getDealRow(s.db.kysely, dealRef);
  await authorize(s, 'deal.write', { label: `deal #${deal.id}`, ownerId: deal.owner_id });
  checkVersion(deal, expectVersion);
  if (deal.archived_at) throw archivedError(deal.id);
  const contact = await getContact(s, contactRef);
  const role = parseContactRole(roleText);
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    if (expectVersion !== undefined) await assertUnchanged(trx, deal, expectVersion);
    const existing = await trx.selectFrom('deal_contacts').selectAll().where('deal_id', '=', deal.id).where('contact_id', '=', contact.id).executeTakeFirst();
    if (existing) await trx.updateTable('deal_contacts').set({ role }).where('deal_id', '=', deal.id).where('contact_id', '=', contact.id).execute();
    else await trx.insertInto('deal_contacts').values({ deal_id: deal.id, contact_id: contact.id, role }).execute();
    await touchDeal(trx, deal.id, at);
    const name = fullName(contact.first_name, contact.last_name);
    await recordAudit(trx, { entity: 'deal', entityId: deal.id, action: 'contact', changes: { [`contact ${name}`]: [existing ? (existing.role ?? 'contact') : null, role ?? 'contact'] }, actor: s.actor, at });
  });
  return showDeal(s, String(deal.id));
}

/** expectVersion as in moveDeal. */
export async function removeDealContact(s: Session, dealRef: string, contactRef: string, expectVersion?: number): Promise<DealDetail> {
  const deal = await getDealRow(s.db.kysely, dealRef);
  await authorize(s, 'deal.write', { label: `deal #${deal.id}`, ownerId: deal.owner_id });
  checkVersion(deal, expectVersion);
  const contact = await getContact(s, contactRef);
  const at = nowIso(s);
  await writeTransaction(s.db, async (trx) => {
    if (expectVersion !== undefined) await assertUnchanged(trx, deal, expectVersion);
    const res = await trx.deleteFrom('deal_contacts').where('deal_id', '=', deal.id).where('contact_id', '=', contact.id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new UserError(`Contact #${contact.id} is not on deal #${deal.id}.`, `See the deal: crm deal show ${deal.id}`);
    await touchDeal(trx, deal.id, at);
    await recordAudit(trx, { entity: 'deal', entityId: deal.id, action: 'contact', changes: { [`contact ${fullName(contact.first_name, contact.last_name)}`]: ['contact', null] }, actor: s.actor, at });
  });
  return showDeal(s, String(deal.id));
}

function toMilestone(m: { id: number; deal_id: number; due_date: string | null; title: string; done_at: string | null }): MilestoneRecord {
  return { id: m.id, dealId: m.deal_id, due: m.due_date, title: m.title, done: m.done_at !== null, doneAt: m.done_at };
}

/** expectVersion as in moveDeal. */
export async function addMilestone(s: Session, dealRef: string, due: string | undefined, title: string, expectVersion?: number): Promise<MilestoneRecord> {
  const deal = await getDealRow(s.db.kysely, dealRef);
  await authorize(s, 'deal.write', { label: `deal #${deal.id}`, ownerId: deal.owner_id });
  checkVersion(deal, expectVersion);
  if (deal.archived_at) throw archivedError(deal.id);
  const t = cleanText(title);
  if (!t) throw new UserError('A milestone needs a title.', `crm deal milestone add ${deal.id} 2026-12-01 "Pilot done"`);
  const date = due === undefined || due.toLowerCase() === 'none' ? null : requireDate(due, 'Milestone date');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    if (expectVersion !== undefined) await assertUnchanged(trx, deal, expectVersion);
    const row = await trx.insertInto('deal_milestones').values({ deal_id: deal.id, due_date: date, title: t }).returningAll().executeTakeFirstOrThrow();
    await touchDeal(trx, deal.id, at);
    await recordAudit(trx, { entity: 'deal', entityId: deal.id, action: 'milestone', changes: { [`milestone #${row.id}`]: [null, `${date ?? ''} ${t}`.trim()] }, actor: s.actor, at });
    return toMilestone(row);
  });
}

/** expectVersion: the version of the milestone's deal, as in moveDeal. */
export async function setMilestoneDone(s: Session, milestoneId: number, done: boolean, expectVersion?: number): Promise<MilestoneRecord> {
  const m = await s.db.kysely.selectFrom('deal_milestones').selectAll().where('id', '=', milestoneId).executeTakeFirst();
  if (!m) throw new NotFoundError(`No milestone #${milestoneId}.`, 'See a deal\'s milestones: crm deal show ID');
  const deal = await getDealRow(s.db.kysely, m.deal_id);
  await authorize(s, 'deal.write', { label: `deal #${deal.id}`, ownerId: deal.owner_id });
  if (expectVersion !== undefined) checkVersion(await getDealRow(s.db.kysely, m.deal_id), expectVersion);
  if ((m.done_at !== null) === done) throw new UserError(`Milestone #${m.id} is ${done ? 'already done' : 'not done'}.`, undefined, 'no_change');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    if (expectVersion !== undefined) await assertUnchanged(trx, { id: m.deal_id, version: expectVersion }, expectVersion);
    const row = await trx.updateTable('deal_milestones').set({ done_at: done ? at : null }).where('id', '=', m.id).returningAll().executeTakeFirstOrThrow();
    await touchDeal(trx, m.deal_id, at);
    await recordAudit(trx, { entity: 'deal', entityId: m.deal_id, action: 'milestone', changes: { [`milestone #${m.id} done`]: [m.done_at !== null, done] }, actor: s.actor, at });
    return toMilestone(row);
  });
}

// ---- show: contacts, milestones, history, time in stage ---------------------------------------

export async function showDeal(s: Session, ref: string): Promise<DealDetail> {
  const db = s.db.kysely;
  const row = await getDealRow(db, ref);
  const now = s.now();
  const record = await loadDealRecord(db, row.id, now);
  const roleRows = await db
    .selectFrom('deal_contacts as dc')
    .innerJoin('contacts as c', 'c.id', 'dc.contact_id')
    .select(['c.id', 'c.first_name', 'c.last_name', 'c.email', 'dc.role'])
    .where('dc.deal_id', '=', row.id)
    .orderBy('c.id')
    .execute();
  const contacts: DealContactEntry[] = [];
  if (record.contact) {
    const own = roleRows.find((r) => r.id === record.contact!.id);
    contacts.push({ id: record.contact.id, name: record.contact.name, email: record.contact.email, role: own?.role ?? null, primary: true });
  }
  for (const r of roleRows) if (r.id !== record.contact?.id) contacts.push({ id: r.id, name: fullName(r.first_name, r.last_name), email: r.email, role: r.role, primary: false });
  const milestones = (await db.selectFrom('deal_milestones').selectAll().where('deal_id', '=', row.id).orderBy('due_date').orderBy('id').execute()).map(toMilestone);
  const hist = await db
    .selectFrom('deal_stage_history as h')
    .leftJoin('stages as f', 'f.id', 'h.from_stage_id')
    .innerJoin('stages as t', 't.id', 'h.to_stage_id')
    .select(['h.from_stage_id', 'f.name as from_name', 'h.to_stage_id', 't.name as to_name', 't.kind as to_kind', 'h.at', 'h.actor'])
    .where('h.deal_id', '=', row.id)
    .orderBy('h.at')
    .orderBy('h.id')
    .execute();
  const history: DealHistoryEntry[] = hist.map((h, i) => {
    const next = hist[i + 1];
    // Time counts while the deal is open: a closed stage (won/lost) that is current has none.
    const end = next ? Date.parse(next.at) : h.to_kind === 'open' ? now.getTime() : null;
    const seconds = end === null ? null : Math.max(0, Math.round((end - Date.parse(h.at)) / 1000));
    return {
      from: h.from_stage_id !== null ? { id: h.from_stage_id, name: h.from_name ?? '' } : null,
      to: { id: h.to_stage_id, name: h.to_name, kind: h.to_kind },
      at: h.at,
      actor: h.actor,
      seconds,
      duration: seconds === null ? null : formatDuration(seconds),
    };
  });
  const byStage = new Map<string, StageTime>();
  for (const h of history) {
    if (h.seconds === null) continue;
    const t = byStage.get(h.to.name) ?? { stage: h.to.name, seconds: 0, duration: '', visits: 0 };
    t.seconds += h.seconds;
    t.visits += 1;
    t.duration = formatDuration(t.seconds);
    byStage.set(h.to.name, t);
  }
  return { ...record, contacts, milestones, history, timeInStage: [...byStage.values()] };
}

// ---- list and the filter language -------------------------------------------------------------

let exponentGroups: { zero: string[]; three: string[] } | undefined;

/** Currencies by number of decimals (0: JPY…, 3: KWD…); everything else has 2. */
function currencyExponentGroups(): { zero: string[]; three: string[] } {
  if (!exponentGroups) {
    const codes = Intl.supportedValuesOf('currency');
    exponentGroups = { zero: codes.filter((c) => currencyExponent(c) === 0), three: codes.filter((c) => currencyExponent(c) === 3) };
  }
  return exponentGroups;
}

/** "5000", "5000.50", "5_000" as thousandths of a major unit (exact). */
function thousandths(text: string, token: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,3}))?$/.exec(text.replace(/[_,]/g, ''));
  if (!m) throw new UsageError(`Bad filter term "${token}".`, 'amount is compared in major units: amount:>5000, amount:1000..5000, amount:<99.50. See: crm help filters', 'bad_filter');
  return BigInt(m[1]! + (m[2] ?? '').padEnd(3, '0'));
}

function badTerm(token: string, hint: string): UsageError {
  return new UsageError(`Bad filter term "${token}".`, `${hint}. See: crm help filters`, 'bad_filter');
}

/** Days-in-stage term: stale:>30d, stale:>=14, stale:7d..30d. */
/**
 * next-step:any / next-step:none — whether an open task (not done) is linked to the deal or to
 * its company: the "next step" a lost deal's review looks for (crm help automation).
 */
function nextStepCond(eb: AnyEB, term: Extract<FilterTerm, { kind: 'field' }>): Cond {
  const v = term.values[0]?.toLowerCase();
  if (term.op !== '=' || term.values.length !== 1 || (v !== 'none' && v !== 'any')) throw badTerm(term.token, 'next-step is any (an open task on the deal or its company) or none');
  const open = eb
    .selectFrom('activities as ns')
    .select('ns.id')
    .where('ns.kind', '=', 'task')
    .where('ns.done_at', 'is', null)
    .where((w) => w.or([w('ns.deal_id', '=', w.ref('d.id')), w.and([w('d.company_id', 'is not', null), w('ns.company_id', '=', w.ref('d.company_id'))])]));
  return v === 'any' ? eb.exists(open) : eb.not(eb.exists(open));
}

function staleCond(eb: AnyEB, term: Extract<FilterTerm, { kind: 'field' }>, env: FilterEnv): Cond {
  const days = term.values.map((v) => {
    const m = /^(\d+)d?$/i.exec(v.trim());
    if (!m) throw badTerm(term.token, 'stale counts days in the current stage: stale:>30d, stale:7d..30d');
    return Number(m[1]);
  });
  const cutoff = (n: number) => new Date(env.now.getTime() - n * 86400000).toISOString();
  const col = eb.ref('d.stage_entered_at');
  let cond: Cond;
  switch (term.op) {
    case '>':
      cond = eb(col, '<=', cutoff(days[0]! + 1));
      break;
    case '>=':
      cond = eb(col, '<=', cutoff(days[0]!));
      break;
    case '<':
      cond = eb(col, '>', cutoff(days[0]!));
      break;
    case '<=':
      cond = eb(col, '>', cutoff(days[0]! + 1));
      break;
    case 'range':
      cond = eb.and([eb(col, '<=', cutoff(days[0]!)), eb(col, '>', cutoff(days[1]! + 1))]);
      break;
    default:
      cond = eb.or(days.map((n) => eb.and([eb(col, '<=', cutoff(n)), eb(col, '>', cutoff(n + 1))])));
  }
  return eb.and([eb('st.kind', '=', 'open'), cond]);
}

/** amount in major units, per currency: amount_minor scaled to thousandths of a major unit. */
function amountCond(eb: AnyEB, term: Extract<FilterTerm, { kind: 'field' }>): Cond {
  const values = term.values.map((v) => thousandths(v, term.token).toString());
  const { zero, three } = currencyExponentGroups();
  const scaled = sql`(d.amount_minor * CASE WHEN d.currency IN (${sql.join(zero)}) THEN 1000 WHEN d.currency IN (${sql.join(three)}) THEN 1 ELSE 10 END)`;
  const lit = (v: string) => sql`${sql.raw(v)}`;
  switch (term.op) {
    case 'range':
      return eb.and([eb(scaled, '>=', lit(values[0]!)), eb(scaled, '<=', lit(values[1]!))]);
    case '=':
      return eb.or(values.map((v) => eb(scaled, '=', lit(v))));
    default:
      return eb(scaled, term.op, lit(values[0]!));
  }
}

/** A date term on a date column (expected_close), compared as calendar days in the user's zone. */
function dayCond(eb: AnyEB, col: string, term: Extract<FilterTerm, { kind: 'field' }>, env: FilterEnv): Cond {
  const [first] = term.values;
  if (term.op === '=' && term.values.length === 1 && (first === 'none' || first === 'any')) return first === 'none' ? eb(col, 'is', null) : eb(col, 'is not', null);
  const ranges = term.values.map((v) => dateRange(v, env, term.token)).map((r) => ({ start: zonedDay(r.start, env.timeZone), end: zonedDay(r.end, env.timeZone) }));
  const r = ranges[0]!;
  switch (term.op) {
    case 'range':
      return eb.and([eb(col, '>=', r.start), eb(col, '<', ranges[1]!.end)]);
    case '>':
      return eb(col, '>=', r.end);
    case '>=':
      return eb(col, '>=', r.start);
    case '<':
      return eb(col, '<', r.start);
    case '<=':
      return eb(col, '<', r.end);
    default:
      return eb.or(ranges.map((x) => eb.and([eb(col, '>=', x.start), eb(col, '<', x.end)])));
  }
}

function nameIn(eb: AnyEB, table: 'companies' | 'campaigns' | 'pipelines', column: string, values: string[], foldedColumn?: string): Cond {
  return eb.or(
    values.map((v) =>
      v === 'none'
        ? eb(column, 'is', null)
        : eb(column, 'in', eb.selectFrom(table).select('id').where(sql<boolean>`instr(${foldedColumn ? sql.ref(foldedColumn) : sql`crm_fold(name)`}, ${fold(v)}) > 0`)),
    ),
  );
}

/**
 * The deal fields of the filter language. `stages` resolves stage names (case-insensitive,
 * unique prefix) across pipelines, so `stage:qual` is Qualification wherever it is.
 */
export function dealFilterSpec(stages: { id: number; name: string; kind: string }[]): FilterSpec {
  return {
    entity: 'deal',
    idColumn: 'd.id',
    tagEntity: 'deal',
    fields: [
      {
        name: 'stage',
        type: 'custom',
        compile: (eb, t) => {
          if (t.op !== '=') throw badTerm(t.token, 'stage does not support comparisons');
          const ids = t.values.flatMap((v) => {
            const picked = pickByName(stages, v, (st) => st.name);
            const names = [...new Set(picked.map((st) => fold(st.name)))];
            if (names.length === 1) return picked.map((st) => st.id);
            const all = [...new Set(stages.map((st) => st.name))].join(', ');
            throw badTerm(t.token, names.length ? `"${v}" matches several stages: ${[...new Set(picked.map((st) => st.name))].join(', ')}` : `Unknown stage "${v}"; stages: ${all}`);
          });
          return eb('d.stage_id', 'in', ids);
        },
      },
      { name: 'status', type: 'enum', column: 'st.kind', values: DEAL_STATUSES },
      { name: 'owner', type: 'user', column: 'd.owner_id' },
      {
        name: 'team',
        type: 'custom',
        compile: (eb, t) => eb.or(t.values.map((v) => eb('d.owner_id', 'in', eb.selectFrom('users').select('users.id').where(sql<boolean>`instr(crm_fold(users.team), ${fold(v)}) > 0`)))),
      },
      { name: 'amount', aliases: ['value'], type: 'custom', compile: (eb, t) => amountCond(eb, t) },
      { name: 'currency', type: 'custom', compile: (eb, t) => eb('d.currency', 'in', t.values.map((v) => v.toUpperCase())) },
      { name: 'close', aliases: ['expected-close', 'closes'], type: 'custom', compile: (eb, t, env) => dayCond(eb, 'd.expected_close', t, env) },
      { name: 'closing', type: 'custom', compile: (eb, t, env) => eb.and([eb('st.kind', '=', 'open'), dayCond(eb, 'd.expected_close', t, env)]) },
      { name: 'stale', type: 'custom', compile: (eb, t, env) => staleCond(eb, t, env) },
      { name: 'next-step', aliases: ['nextstep'], type: 'custom', compile: (eb, t) => nextStepCond(eb, t) },
      { name: 'created', type: 'datetime', column: 'd.created_at' },
      { name: 'updated', type: 'datetime', column: 'd.updated_at' },
      { name: 'won', type: 'datetime', column: 'd.won_at' },
      { name: 'lost', type: 'datetime', column: 'd.lost_at' },
      { name: 'reason', aliases: ['lost-reason'], type: 'text', column: 'd.lost_reason' },
      { name: 'company', type: 'custom', compile: (eb, t) => nameIn(eb, 'companies', 'd.company_id', t.values, 'name_fold') },
      {
        name: 'contact',
        type: 'custom',
        compile: (eb, t) =>
          eb.or(
            t.values.map((v) => {
              if (v === 'none') return eb('d.contact_id', 'is', null);
              const people = eb.selectFrom('contacts').select('id').where((w) => w.or([w('email_norm', '=', v.toLowerCase()), w(sql`instr(search_text, ${fold(v)})`, '>', 0)]));
              return eb.or([eb('d.contact_id', 'in', people), eb('d.id', 'in', eb.selectFrom('deal_contacts').select('deal_id').where('contact_id', 'in', people))]);
            }),
          ),
      },
      { name: 'source', type: 'text', column: 'd.source' },
      { name: 'campaign', type: 'custom', compile: (eb, t) => nameIn(eb, 'campaigns', 'd.campaign_id', t.values) },
      { name: 'pipeline', type: 'custom', compile: (eb, t) => nameIn(eb, 'pipelines', 'd.pipeline_id', t.values) },
      { name: 'probability', aliases: ['prob'], type: 'custom', compile: (eb, t) => numberCond(eb, sql`COALESCE(d.probability, st.probability)`, t) },
      { name: 'title', type: 'text', column: 'd.title' },
      { name: 'id', type: 'number', column: 'd.id' },
    ],
    text: (eb, folded) =>
      eb.or([
        eb(sql`instr(crm_fold(d.title), ${folded})`, '>', 0),
        eb('d.company_id', 'in', eb.selectFrom('companies').select('id').where(sql<boolean>`instr(name_fold, ${folded}) > 0`)),
      ]),
  };
}

function numberCond(eb: AnyEB, expr: ReturnType<typeof sql>, term: Extract<FilterTerm, { kind: 'field' }>): Cond {
  const nums = term.values.map((v) => {
    if (!/^\d+%?$/.test(v)) throw badTerm(term.token, `${term.field} needs a whole number`);
    return Number(v.replace('%', ''));
  });
  switch (term.op) {
    case 'range':
      return eb.and([eb(expr, '>=', nums[0]), eb(expr, '<=', nums[1])]);
    case '=':
      return eb(expr, 'in', nums);
    default:
      return eb(expr, term.op, nums[0]);
  }
}

/** The compiled deal filter, for lists and the pipeline summary (which share it). */
/** The deal filter with the current stages and the team's custom fields and segments. */
export async function dealFilterSpecFor(s: Session): Promise<FilterSpec> {
  const stages = await s.db.kysely.selectFrom('stages').select(['id', 'name', 'kind']).where('archived_at', 'is', null).execute();
  return filterSpecFor(s, dealFilterSpec(stages), { entity: 'deal', column: 'd.custom_fields' });
}

export async function compileDealFilter(s: Session, filter: string[]) {
  const tree = parseFilter(filter);
  // No filter, no condition: the user ("me") is not looked up (a round trip for every pipeline).
  if (!tree.terms.length) return undefined;
  const me = await currentUser(s);
  return compileFilterWith(tree, () => dealFilterSpecFor(s), filterEnv(s, me));
}

export const DEAL_SORTS = ['id', 'close', 'amount', 'stage', 'created', 'updated', 'stale'] as const;

export interface DealListOptions {
  filter?: string[];
  limit?: number;
  archived?: boolean;
  companyId?: number;
  contactId?: number;
  sort?: string;
}

export async function listDeals(s: Session, opts: DealListOptions = {}): Promise<{ rows: DealRecord[]; total: number }> {
  const where = await compileDealFilter(s, opts.filter ?? []);
  // CROSS JOIN: deals stay the outer loop whatever the statistics say (see dealQuery).
  let base = s.db.kysely.selectFrom('deals as d').crossJoin('stages as st').whereRef('st.id', '=', 'd.stage_id');
  base = opts.archived ? base.where('d.archived_at', 'is not', null) : base.where('d.archived_at', 'is', null);
  if (opts.companyId !== undefined) base = base.where('d.company_id', '=', opts.companyId);
  if (opts.contactId !== undefined) {
    const cid = opts.contactId;
    base = base.where((eb) => eb.or([eb('d.contact_id', '=', cid), eb('d.id', 'in', eb.selectFrom('deal_contacts').select('deal_id').where('contact_id', '=', cid))]));
  }
  if (where) base = base.where(where);
  const total = opts.limit ? Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) : -1;
  const sort = (opts.sort ?? 'id').toLowerCase();
  if (!(DEAL_SORTS as readonly string[]).includes(sort)) throw new UsageError(`Unknown sort "${opts.sort}".`, `Sort by one of: ${DEAL_SORTS.join(', ')}.`);
  let ids = base.select('d.id');
  switch (sort) {
    case 'close':
      ids = ids.orderBy(sql`d.expected_close IS NULL`).orderBy('d.expected_close');
      break;
    case 'amount':
      ids = ids.orderBy('d.currency').orderBy('d.amount_minor', 'desc');
      break;
    case 'stage':
      ids = ids.orderBy('d.pipeline_id').orderBy('st.position');
      break;
    case 'created':
      ids = ids.orderBy('d.created_at', 'desc');
      break;
    case 'updated':
      ids = ids.orderBy('d.updated_at', 'desc');
      break;
    case 'stale':
      ids = ids.orderBy('d.stage_entered_at');
      break;
  }
  ids = ids.orderBy('d.id');
  if (opts.limit) ids = ids.limit(opts.limit);
  const idRows = await ids.execute();
  const order = idRows.map((r) => r.id);
  const rows: DealRow[] = [];
  for (let i = 0; i < order.length; i += 500) rows.push(...(await dealQuery(s.db.kysely).where('d.id', 'in', order.slice(i, i + 500)).execute()));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const tags = await tagsFor(s.db.kysely, 'deal', order);
  const now = s.now();
  const records = order.map((id) => toDealRecord(byId.get(id)!, tags.get(id) ?? [], now));
  return { rows: records, total: total < 0 ? records.length : total };
}

// ---- the pipeline summary: aggregated by the database ------------------------------------------

export interface StageAggregateRow {
  stageId: number;
  currency: string;
  count: number;
  /** SUM(amount_minor), exact, as a decimal string. */
  totalMinor: string;
  /** SUM(amount_minor × probability), i.e. weighted × 100, exact, as a decimal string. */
  weightedX100: string;
  /** With perDealAmount: the one amount and the close dates of the row's deals (to convert currencies). */
  fxMinor?: string;
  fxWonAt?: string | null;
  fxLostAt?: string | null;
  fxClose?: string | null;
}

/**
 * Per stage and currency: count, total and weighted total, summed by SQL over integer minor
 * units (CAST to text so values beyond 2^53 arrive exact). Won/lost deals count at their
 * stage's probability (100 / 0); open deals use their override, else the stage's.
 * `closedIn` limits won/lost deals to those closed in the period (open deals always count).
 */
/**
 * perDealAmount: also group by each deal's amount and close dates (fxMinor, fxWonAt, fxLostAt,
 * fxClose), so a report can convert every amount at its own date (src/reports/fx.ts).
 */
export async function pipelineAggregate(s: Session, opts: { pipeline?: string; filter?: string[]; closedIn?: { start: string; end: string }; asOf?: string; perDealAmount?: boolean } = {}) {
  const db = s.db.kysely;
  const pipeline = await getPipeline(db, opts.pipeline);
  const stages = await stagesOf(db, pipeline.id, opts.asOf !== undefined);
  const where = await compileDealFilter(s, opts.filter ?? []);
  const asOf = opts.asOf;
  // --as-of: the stage of each deal is the target of its last recorded move at or before then.
  let q = (
    asOf === undefined
      ? db.selectFrom('deals as d').innerJoin('stages as st', 'st.id', 'd.stage_id').where('d.archived_at', 'is', null)
      : db
          .selectFrom('deals as d')
          .innerJoin('stages as st', (j) =>
            j.onRef(
              'st.id',
              '=',
              sql<number>`(SELECT h.to_stage_id FROM deal_stage_history h WHERE h.deal_id = d.id AND h.at <= ${asOf} ORDER BY h.at DESC, h.id DESC LIMIT 1)`,
            ),
          )
          .where('d.created_at', '<=', asOf)
          .where((eb) => eb.or([eb('d.archived_at', 'is', null), eb('d.archived_at', '>', asOf)]))
  ).where('d.pipeline_id', '=', pipeline.id);
  if (where) q = q.where(where);
  if (opts.closedIn) {
    const { start, end } = opts.closedIn;
    q = q.where((eb) =>
      eb.or([
        eb('st.kind', '=', 'open'),
        eb.and([eb('st.kind', '=', 'won'), eb('d.won_at', '>=', start), eb('d.won_at', '<', end)]),
        eb.and([eb('st.kind', '=', 'lost'), eb('d.lost_at', '>=', start), eb('d.lost_at', '<', end)]),
      ]),
    );
  }
  const rows = await q
    .select([
      'st.id as stage_id',
      'd.currency',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<string>`CAST(SUM(d.amount_minor) AS TEXT)`.as('total'),
      sql<string>`CAST(SUM(d.amount_minor * CASE WHEN st.kind = 'open' THEN COALESCE(d.probability, st.probability) ELSE st.probability END) AS TEXT)`.as('weighted'),
    ])
    .$if(Boolean(opts.perDealAmount), (qb) =>
      qb.select([sql<string>`CAST(d.amount_minor AS TEXT)`.as('fxMinor'), 'd.won_at as fxWonAt', 'd.lost_at as fxLostAt', 'd.expected_close as fxClose']).groupBy(['d.amount_minor', 'd.won_at', 'd.lost_at', 'd.expected_close']),
    )
    .groupBy(['st.id', 'd.currency'])
    .orderBy('st.id')
    .orderBy('d.currency')
    .execute();
  const aggregate: StageAggregateRow[] = rows.map((r) => {
    const row: StageAggregateRow = { stageId: r.stage_id, currency: r.currency, count: Number(r.n), totalMinor: String(r.total), weightedX100: String(r.weighted) };
    if (opts.perDealAmount) {
      const x = r as unknown as { fxMinor: string; fxWonAt: string | null; fxLostAt: string | null; fxClose: string | null };
      Object.assign(row, { fxMinor: x.fxMinor, fxWonAt: x.fxWonAt, fxLostAt: x.fxLostAt, fxClose: x.fxClose });
    }
    return row;
  });
  // Stages archived since the as-of instant still show, if deals were in them then.
  const shown = stages.filter((st) => !st.archived_at || aggregate.some((r) => r.stageId === st.id));
  return { pipeline: { id: pipeline.id, name: pipeline.name }, stages: shown.map((st) => ({ id: st.id, name: st.name, position: st.position, probability: st.probability, kind: st.kind })), rows: aggregate };
}
