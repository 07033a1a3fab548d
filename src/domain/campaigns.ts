/**
 * Campaigns: name, channel, budget, cost, dates, goal. A contact belongs to a campaign when its
 * source names the campaign (case-insensitively): `crm contact add … --source "Spring webinar"`.
 * A deal belongs to one through its campaign (`crm deal add … --campaign "Spring webinar"`).
 */
import { diff, recordAudit } from '../db/audit.js';
import type { Selectable } from 'kysely';
import type { CampaignsTable } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { fold } from '../db/fold.js';
import { ConflictError, NotFoundError, UserError } from '../errors.js';
import { Money, parseMoney } from './money.js';
import { nowIso, type Session } from './session.js';
import { cleanText, requireDate } from './validate.js';
import { authorize } from './permissions.js';

type Campaign = Selectable<CampaignsTable>;

export const GOAL_KINDS = ['leads', 'customers', 'deals', 'revenue'] as const;
export type GoalKind = (typeof GOAL_KINDS)[number];

export interface CampaignGoal {
  kind: GoalKind;
  /** A count, or money for a revenue goal. */
  target: number | Money;
}

export interface CampaignRecord {
  id: number;
  name: string;
  channel: string | null;
  currency: string | null;
  budget: Money | null;
  cost: Money | null;
  startDate: string | null;
  endDate: string | null;
  goal: CampaignGoal | null;
  /** The contact filter it targets, e.g. "segment:tehran-retail" (crm campaign audience NAME lists them). */
  audience: string | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export function toCampaignRecord(c: Campaign): CampaignRecord {
  const currency = c.currency ?? 'USD';
  let goal: CampaignGoal | null = null;
  if (c.goal && c.goal_amount !== null && (GOAL_KINDS as readonly string[]).includes(c.goal)) {
    goal = { kind: c.goal as GoalKind, target: c.goal === 'revenue' ? new Money(c.goal_amount, currency) : c.goal_amount };
  }
  return {
    id: c.id,
    name: c.name,
    channel: c.channel,
    currency: c.currency,
    budget: c.budget_minor !== null ? new Money(c.budget_minor, currency) : null,
    cost: c.cost_minor !== null ? new Money(c.cost_minor, currency) : null,
    startDate: c.start_date,
    endDate: c.end_date,
    goal,
    audience: c.audience ?? null,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    archivedAt: c.archived_at,
  };
}

export interface CampaignInput {
  name?: string;
  channel?: string;
  budget?: string;
  cost?: string;
  currency?: string;
  start?: string;
  end?: string;
  goal?: string;
  /** A contact filter (segment:NAME, +vip city:Tehran…); "" or "none" clears it. */
  audience?: string;
}

const GOAL_HINT = 'Write the goal as "200 leads", "40 customers", "25 deals" or "50000 EUR" (won value).';

/** "200 leads" | "40 customers" | "25 deals" | "50000 EUR" / "50000 revenue". */
export function parseGoal(text: string, currency: string): { goal: GoalKind; amount: number } {
  const t = text.trim();
  const m = /^(\d+)\s*(leads?|customers?|deals?)$/i.exec(t);
  if (m) {
    const word = m[2]!.toLowerCase();
    const kind: GoalKind = word.startsWith('lead') ? 'leads' : word.startsWith('customer') ? 'customers' : 'deals';
    return { goal: kind, amount: Number(m[1]) };
  }
  const r = /^(.+?)\s*revenue$/i.exec(t);
  try {
    const money = parseMoney(r ? r[1]! : t, { defaultCurrency: currency });
    if (money.currency !== currency) throw new UserError(`The goal is in ${money.currency} but the campaign is in ${currency}.`, 'Give --currency to match, or the goal in the campaign currency.');
    if (money.minor <= 0n) throw new UserError('A goal must be more than zero.', GOAL_HINT);
    return { goal: 'revenue', amount: Number(money.minor) };
  } catch (err) {
    if (err instanceof UserError && /currency|zero/.test(err.message)) throw err;
    throw new UserError(`Cannot read the goal "${text}".`, GOAL_HINT, 'invalid_goal');
  }
}

function moneyIn(text: string, currency: string, what: string): number {
  const m = parseMoney(text, { defaultCurrency: currency });
  if (m.currency !== currency) throw new UserError(`The ${what} is in ${m.currency} but the campaign is in ${currency}.`, `Give --currency ${m.currency}, or the ${what} in ${currency}.`);
  if (m.minor < 0n) throw new UserError(`The ${what} cannot be negative.`);
  return Number(m.minor);
}

function columnsOf(input: CampaignInput, currency: string): Record<string, unknown> {
  const cols: Record<string, unknown> = {};
  if (input.name !== undefined) {
    const name = cleanText(input.name);
    if (!name) throw new UserError('A campaign needs a name.', 'crm campaign add "Spring webinar" --channel webinar --cost "1200 EUR"');
    cols.name = name;
  }
  if (input.channel !== undefined) cols.channel = cleanText(input.channel);
  if (input.budget !== undefined) cols.budget_minor = input.budget.trim() === '' || input.budget === 'none' ? null : moneyIn(input.budget, currency, 'budget');
  if (input.cost !== undefined) cols.cost_minor = input.cost.trim() === '' || input.cost === 'none' ? null : moneyIn(input.cost, currency, 'cost');
  if (input.start !== undefined) cols.start_date = input.start === 'none' || input.start === '' ? null : requireDate(input.start, 'Start date');
  if (input.end !== undefined) cols.end_date = input.end === 'none' || input.end === '' ? null : requireDate(input.end, 'End date');
  if (input.goal !== undefined) {
    if (input.goal === 'none' || input.goal === '') {
      cols.goal = null;
      cols.goal_amount = null;
    } else {
      const g = parseGoal(input.goal, currency);
      cols.goal = g.goal;
      cols.goal_amount = g.amount;
    }
  }
  return cols;
}

/** The currency of a new campaign: --currency, else the one written in --cost/--budget/--goal, else USD. */
function currencyFor(input: CampaignInput, existing?: string | null): string {
  if (input.currency !== undefined) {
    const c = input.currency.trim().toUpperCase();
    try {
      new Intl.NumberFormat('en', { style: 'currency', currency: c });
    } catch {
      throw new UserError(`Unknown currency "${input.currency}".`, 'Use an ISO code such as EUR or USD.', 'invalid_currency');
    }
    return c;
  }
  if (existing) return existing;
  for (const text of [input.cost, input.budget, input.goal]) {
    if (!text) continue;
    try {
      const m = parseMoney(text.replace(/\s*revenue$/i, ''), {});
      if (m.currency) return m.currency;
    } catch {
      // not money (a count goal, or no currency written): keep looking
    }
  }
  return 'USD';
}

/** The audience as stored: a contact filter whose every term is checked now (a wrong field or segment is a usage error). */
async function audienceColumn(s: Session, text: string | undefined, cols: Record<string, unknown>): Promise<void> {
  if (text === undefined) return;
  const filter = text.trim();
  if (filter === '' || filter === 'none') {
    cols.audience = null;
    return;
  }
  const { filterTokens } = await import('./field-filters.js');
  const { countMatching } = await import('./segments.js');
  await countMatching(s, 'contact', filterTokens(filter));
  cols.audience = filter;
}

/** The contacts a campaign targets, through the one contact list (and its filter language). */
export async function campaignAudience(s: Session, ref: string, opts: { limit?: number } = {}) {
  const c = await getCampaign(s, ref);
  if (!c.audience) throw new UserError(`Campaign "${c.name}" has no audience.`, `Give it one: crm campaign edit ${c.id} --audience segment:NAME (crm segment list)`, 'no_audience');
  const { filterTokens } = await import('./field-filters.js');
  const { listContacts } = await import('./contacts.js');
  return { campaign: toCampaignRecord(c), result: await listContacts(s, { filter: filterTokens(c.audience), limit: opts.limit }) };
}

export async function addCampaign(s: Session, input: CampaignInput & { name: string }): Promise<CampaignRecord> {
  await authorize(s, 'campaign.write');
  const currency = currencyFor(input);
  const cols = columnsOf(input, currency);
  await audienceColumn(s, input.audience, cols);
  if (cols.start_date && cols.end_date && String(cols.end_date) < String(cols.start_date)) throw new UserError('The campaign ends before it starts.');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const clash = await trx.selectFrom('campaigns').select(['id', 'name']).where('name', '=', cols.name as string).executeTakeFirst();
    if (clash) throw new ConflictError(`Campaign "${clash.name}" already exists (#${clash.id}).`, `See it with: crm campaign show ${clash.id}`, 'duplicate');
    const row = await trx
      .insertInto('campaigns')
      .values({ name: cols.name as string, channel: null, currency, budget_minor: null, cost_minor: null, start_date: null, end_date: null, goal: null, goal_amount: null, archived_at: null, ...cols, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { entity: 'campaign', entityId: row.id, action: 'create', changes: diff({}, { ...cols, currency }), actor: s.actor, at });
    return toCampaignRecord(row);
  });
}

/** The campaign a contact's source names (case-insensitively, as membership is defined above); null when none does. */
export async function campaignOfSource(db: Trx | Session['db']['kysely'], source: string | null): Promise<{ id: number; name: string } | null> {
  if (!source?.trim()) return null;
  const campaigns = await db.selectFrom('campaigns').select(['id', 'name']).where('archived_at', 'is', null).execute();
  return campaigns.find((c) => fold(c.name.trim()) === fold(source.trim())) ?? null;
}

export async function getCampaign(s: Session, ref: string): Promise<Campaign> {
  const r = ref.trim();
  const db = s.db.kysely;
  if (/^#?\d+$/.test(r)) {
    const byId = await db.selectFrom('campaigns').selectAll().where('id', '=', Number(r.replace('#', ''))).executeTakeFirst();
    if (byId) return byId;
  }
  const all = await db.selectFrom('campaigns').selectAll().execute();
  const exact = all.filter((c) => c.name.toLowerCase() === r.toLowerCase());
  const partial = exact.length ? exact : all.filter((c) => c.name.toLowerCase().includes(r.toLowerCase()));
  if (partial.length === 1) return partial[0]!;
  if (partial.length > 1) throw new UserError(`"${ref}" matches several campaigns: ${partial.map((c) => c.name).join(', ')}.`, 'Give the id or more of the name.', 'ambiguous');
  throw new NotFoundError(`No campaign "${ref}".`, 'List campaigns with: crm campaign list — or add one: crm campaign add "NAME"');
}

export async function listCampaigns(s: Session, opts: { all?: boolean } = {}): Promise<CampaignRecord[]> {
  let q = s.db.kysely.selectFrom('campaigns').selectAll().orderBy('start_date', 'desc').orderBy('name');
  if (!opts.all) q = q.where('archived_at', 'is', null);
  return (await q.execute()).map(toCampaignRecord);
}

export async function editCampaign(s: Session, ref: string, input: CampaignInput & { archive?: boolean; restore?: boolean }): Promise<CampaignRecord> {
  await authorize(s, 'campaign.write');
  const c = await getCampaign(s, ref);
  if (input.currency !== undefined && input.currency.toUpperCase() !== (c.currency ?? 'USD') && (c.cost_minor !== null || c.budget_minor !== null || c.goal === 'revenue') && input.cost === undefined && input.budget === undefined) {
    throw new UserError(`Changing the currency would re-read the existing cost and budget as ${input.currency.toUpperCase()}.`, `Give the amounts again: crm campaign edit ${c.id} --currency ${input.currency.toUpperCase()} --cost "…" --budget "…"`);
  }
  const currency = currencyFor(input, input.currency === undefined ? c.currency : undefined);
  const cols = columnsOf(input, currency);
  await audienceColumn(s, input.audience, cols);
  if (input.currency !== undefined) cols.currency = currency;
  if (input.archive) cols.archived_at = nowIso(s);
  if (input.restore) cols.archived_at = null;
  const start = (cols.start_date ?? c.start_date) as string | null;
  const end = (cols.end_date ?? c.end_date) as string | null;
  if (start && end && end < start) throw new UserError('The campaign ends before it starts.');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    if (cols.name && cols.name !== c.name) {
      const clash = await trx.selectFrom('campaigns').select('id').where('name', '=', cols.name as string).executeTakeFirst();
      if (clash) throw new ConflictError(`Campaign "${String(cols.name)}" already exists (#${clash.id}).`);
    }
    // The row as it is under the write lock: the edit waits its turn and never conflicts.
    const current = await trx.selectFrom('campaigns').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    const changes = diff(current as unknown as Record<string, unknown>, cols);
    if (Object.keys(changes).length === 0) return toCampaignRecord(current);
    const row = await trx.updateTable('campaigns').set({ ...(cols as object), updated_at: at }).where('id', '=', c.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, { entity: 'campaign', entityId: c.id, action: input.archive ? 'archive' : input.restore ? 'restore' : 'update', changes, actor: s.actor, at });
    return toCampaignRecord(row);
  });
}
