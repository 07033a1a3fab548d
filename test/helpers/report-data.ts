/**
 * Rows for report tests, inserted directly with Kysely (the domain commands for deals, tickets
 * and activities are built by other modules). Stage ids are those migration 0001 seeds:
 * 1 Prospecting 10%, 2 Qualification 25%, 3 Quote 50%, 4 Negotiation 75%, 5 Won, 6 Lost.
 */
import { openDatabase } from '../../src/db/sqlite.js';
import type { AnyDb } from '../../src/db/engine.js';

/** An open database of either engine. */
export type TestDb = AnyDb;

export const STAGE = { prospecting: 1, qualification: 2, quote: 3, negotiation: 4, won: 5, lost: 6 } as const;

/** The database at `path` (a SQLite file, created and migrated if missing, or a postgres:// URL, migrated). */
export async function openTestDb(path: string): Promise<AnyDb> {
  if (/^postgres(ql)?:\/\//.test(path)) return (await import('../../src/db/postgres/connect.js')).openPostgres(path, { migrate: true });
  return openDatabase(path, { create: true });
}

const T0 = '2026-01-01T00:00:00.000Z';

export async function addUser(db: TestDb, handle: string, opts: { name?: string; team?: string | null; role?: 'rep' | 'manager' | 'agent' | 'admin'; active?: boolean } = {}): Promise<number> {
  const row = await db.kysely
    .insertInto('users')
    .values({ handle, name: opts.name ?? handle, team: opts.team ?? null, role: opts.role ?? 'rep', active: opts.active === false ? 0 : 1, email: null, timezone: null, created_at: T0, updated_at: T0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface DealSpec {
  title?: string;
  ownerId?: number | null;
  amount?: number; // minor units
  currency?: string;
  createdAt: string;
  /** Stage moves after creation, in order: [stageId, at]. The first entry of `path` is the creation stage. */
  path?: [number, string][];
  stage?: number;
  probability?: number | null;
  expectedClose?: string | null;
  source?: string | null;
  campaignId?: number | null;
  lostReason?: string | null;
  companyId?: number | null;
  externalId?: string | null;
}

/** A deal with its deal_stage_history: creation in the first stage, then each move of `path`. */
export async function addDeal(db: TestDb, d: DealSpec): Promise<number> {
  const path: [number, string][] = d.path ?? [[d.stage ?? STAGE.prospecting, d.createdAt]];
  const [lastStage, lastAt] = path[path.length - 1]!;
  const wonAt = lastStage === STAGE.won ? lastAt : null;
  const lostAt = lastStage === STAGE.lost ? lastAt : null;
  const row = await db.kysely
    .insertInto('deals')
    .values({
      title: d.title ?? 'Deal',
      pipeline_id: 1,
      stage_id: lastStage,
      company_id: d.companyId ?? null,
      contact_id: null,
      amount_minor: d.amount ?? 0,
      currency: d.currency ?? 'USD',
      probability: d.probability ?? null,
      expected_close: d.expectedClose ?? null,
      owner_id: d.ownerId ?? null,
      source: d.source ?? null,
      campaign_id: d.campaignId ?? null,
      lost_reason: d.lostReason ?? (lostAt ? 'other' : null),
      lost_note: null,
      won_at: wonAt,
      lost_at: lostAt,
      stage_entered_at: lastAt,
      external_id: d.externalId ?? null,
      custom_fields: null,
      created_at: d.createdAt,
      updated_at: lastAt,
      archived_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let from: number | null = null;
  for (const [stage, at] of path) {
    await db.kysely.insertInto('deal_stage_history').values({ deal_id: row.id, from_stage_id: from, to_stage_id: stage, at, actor: 'test' }).execute();
    from = stage;
  }
  return row.id;
}

export async function addActivity(
  db: TestDb,
  a: { kind: string; ownerId: number | null; occurredAt?: string | null; dueAt?: string | null; doneAt?: string | null; createdAt?: string; dealId?: number | null; contactId?: number | null },
): Promise<number> {
  const created = a.createdAt ?? a.occurredAt ?? T0;
  const row = await db.kysely
    .insertInto('activities')
    .values({
      kind: a.kind,
      subject: a.kind,
      body: null,
      contact_id: a.contactId ?? null,
      company_id: null,
      deal_id: a.dealId ?? null,
      ticket_id: null,
      occurred_at: a.occurredAt ?? null,
      duration_minutes: null,
      due_at: a.dueAt ?? null,
      done_at: a.doneAt ?? null,
      owner_id: a.ownerId,
      created_by: 'test',
      follow_up_of_id: null,
      external_id: null,
      custom_fields: null,
      created_at: created,
      updated_at: created,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addContact(
  db: TestDb,
  c: { first: string; last?: string; email?: string | null; phone?: string | null; ownerId?: number | null; companyId?: number | null; source?: string | null; lifecycle?: 'lead' | 'prospect' | 'customer' | 'inactive'; createdAt?: string; lastTouchedAt?: string | null },
): Promise<number> {
  const at = c.createdAt ?? T0;
  const row = await db.kysely
    .insertInto('contacts')
    .values({
      first_name: c.first,
      last_name: c.last ?? '',
      email: c.email ?? null,
      email_norm: c.email ? c.email.toLowerCase() : null,
      phone: c.phone ?? null,
      mobile: null,
      prefix: null,
      title: null,
      company_id: c.companyId ?? null,
      company_role: null,
      lifecycle: c.lifecycle ?? 'lead',
      source: c.source ?? null,
      referred_by_id: null,
      owner_id: c.ownerId ?? null,
      notes: null,
      search_text: `${c.first} ${c.last ?? ''}`.toLowerCase(),
      last_touched_at: c.lastTouchedAt ?? null,
      external_id: null,
      custom_fields: null,
      created_at: at,
      updated_at: at,
      archived_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addCompany(db: TestDb, name: string): Promise<number> {
  const row = await db.kysely
    .insertInto('companies')
    .values({ name, name_fold: name.toLowerCase(), domain: null, industry: null, phone: null, website: null, address: null, city: null, region: null, country: null, postal_code: null, tier: null, source: null, owner_id: null, notes: null, external_id: null, custom_fields: null, created_at: T0, updated_at: T0, archived_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addQuota(db: TestDb, ownerId: number, period: string, amountMinor: number, currency = 'USD'): Promise<void> {
  await db.kysely.insertInto('quotas').values({ owner_id: ownerId, period, amount_minor: amountMinor, currency }).execute();
}
