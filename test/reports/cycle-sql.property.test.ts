/**
 * `report cycle` aggregates in SQL (issue #15, performance): on both engines, over random deals
 * and stage moves, the SQL result equals what the former JavaScript computation (kept here as the
 * oracle, fed every row in id order) gives: ties, owners and sources missing, a source literally
 * "(none)", odd and even counts (medians), moves after the as-of instant, moves at the same
 * instant, stages of the same name at different positions in two pipelines, instants with and
 * without milliseconds, scopes in several time zones.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyDb } from '../../src/db/engine.js';
import { openPostgres } from '../../src/db/postgres/connect.js';
import { openDatabase } from '../../src/db/sqlite.js';
import { buildCycle, type CycleStart } from '../../src/reports/cycle/build.js';
import { cycleStats, stageStats, type CycleGroup } from '../../src/reports/cycle/query.js';
import type { ReportScope } from '../../src/reports/scope.js';
import { crmOn, ENGINES, freshDatabase, type EngineDb } from '../helpers/engines.js';

const DAY = 86400000;

// ---- The former JavaScript computation of the cycle report (src/reports/cycle/build.ts before #15) ----
interface WonDealTimes {
  id: number;
  label: string | null;
  createdAt: string;
  firstStageAt: string | null;
  wonAt: string;
}
interface StageMove {
  dealId: number;
  stage: string;
  position: number;
  at: string;
}
const mean = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : null);
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const minOf = (v: number[]) => (v.length ? Math.min(...v) : null);
const maxOf = (v: number[]) => (v.length ? Math.max(...v) : null);
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
const daysBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / DAY;

function oldCycle(deals: WonDealTimes[], moves: StageMove[], start: CycleStart) {
  const groups = new Map<string, number[]>();
  const all: number[] = [];
  for (const d of deals) {
    const days = daysBetween(start === 'first-stage' ? (d.firstStageAt ?? d.createdAt) : d.createdAt, d.wonAt);
    const key = d.label ?? '(none)';
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(days);
    all.push(days);
  }
  const stat = (v: number[]) => ({ meanDays: round1(mean(v)), medianDays: round1(median(v)), minDays: round1(minOf(v)), maxDays: round1(maxOf(v)) });
  const rows = [...groups.entries()].map(([group, v]) => ({ group, won: v.length, ...stat(v) })).sort((a, b) => b.won - a.won || a.group.localeCompare(b.group));
  const total = { group: 'Total', won: all.length, ...stat(all) };
  const inStage = new Map<string, { position: number; days: number[] }>();
  for (let i = 0; i < moves.length; i++) {
    const m = moves[i]!;
    const next = moves[i + 1];
    if (!next || next.dealId !== m.dealId) continue;
    let s = inStage.get(m.stage);
    if (!s) inStage.set(m.stage, (s = { position: m.position, days: [] }));
    s.days.push(daysBetween(m.at, next.at));
  }
  const stages = [...inStage.entries()].sort((a, b) => a[1].position - b[1].position).map(([stage, s]) => ({ stage, deals: s.days.length, meanDays: round1(mean(s.days)), medianDays: round1(median(s.days)) }));
  // The exact means (sum of ms ÷ count), to tell a float-sum artefact of the old code from a difference.
  const exact = new Map<string, { sum: bigint; n: bigint }>();
  const add = (key: string, ms: number) => {
    const e = exact.get(key) ?? { sum: 0n, n: 0n };
    e.sum += BigInt(ms);
    e.n += 1n;
    exact.set(key, e);
  };
  for (const d of deals) {
    const ms = Date.parse(d.wonAt) - Date.parse(start === 'first-stage' ? (d.firstStageAt ?? d.createdAt) : d.createdAt);
    add(`g:${d.label ?? '(none)'}`, ms);
    add('total', ms);
  }
  for (let i = 0; i + 1 < moves.length; i++) if (moves[i + 1]!.dealId === moves[i]!.dealId) add(`s:${moves[i]!.stage}`, Date.parse(moves[i + 1]!.at) - Date.parse(moves[i]!.at));
  return { rows, total, stages, exact };
}

/** True when sum ÷ (n·DAY) × 10 lies exactly halfway between two integers: the one place a float sum may round the other way. */
function onRoundingEdge(e: { sum: bigint; n: bigint } | undefined): boolean {
  if (!e || e.n === 0n) return false;
  const den = e.n * BigInt(DAY);
  const r = (((20n * e.sum) % (2n * den)) + 2n * den) % (2n * den);
  return r === den;
}

// ---- Random data ----
let seed = 20261208;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

function instant(base: number, engineText: boolean): string {
  const iso = new Date(base).toISOString();
  return engineText && rand() < 0.2 ? iso.replace(/\.\d{3}Z$/, 'Z') : iso;
}

describe.each(ENGINES)('report cycle in SQL on %s', (engine) => {
  let handle: EngineDb;
  let db: AnyDb;
  let userIds: number[] = [];
  let stageRows: { id: number; name: string; position: number }[] = [];

  beforeAll(async () => {
    handle = await freshDatabase(engine, 'cyclesql');
    expect(crmOn(handle.url, ['db', 'migrate']).code).toBe(0);
    for (const h of ['rita', 'reza', 'sam']) expect(crmOn(handle.url, ['user', 'add', h, '--name', h, '--role', 'rep']).code).toBe(0);
    db = engine === 'postgres' ? await openPostgres(handle.url) : openDatabase(handle.url);
    userIds = (await db.kysely.selectFrom('users').select('id').orderBy('id').execute()).map((u) => Number(u.id));
    const at = '2026-01-01T00:00:00.000Z';
    const p1 = (await db.kysely.selectFrom('pipelines').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
    const p2 = (await db.kysely.insertInto('pipelines').values({ name: 'Second', created_at: at } as never).returning('id').executeTakeFirstOrThrow()).id;
    // Same names as the first pipeline's stages at other positions, and one name of its own.
    const firstStages = await db.kysely.selectFrom('stages').select(['name', 'position']).where('pipeline_id', '=', p1).execute();
    for (const [i, s] of firstStages.entries()) await db.kysely.insertInto('stages').values({ pipeline_id: p2, name: s.name, position: (i * 3) % 7, kind: 'open' } as never).execute();
    await db.kysely.insertInto('stages').values({ pipeline_id: p2, name: 'Triage', position: 1, kind: 'open' } as never).execute();
    stageRows = (await db.kysely.selectFrom('stages').select(['id', 'name', 'position']).execute()).map((s) => ({ id: Number(s.id), name: s.name, position: Number(s.position) }));
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    handle?.cleanup();
  });

  const period = { start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z', label: '2026', previous: () => period };
  const scopeOf = (over: Partial<ReportScope>): ReportScope => ({ period, asOf: '2026-11-20T17:55:00.000Z', historical: false, timeZone: 'UTC', ownerIds: null, owners: null, team: null, ...over });

  async function seedDeals(count: number): Promise<void> {
    await sql`DELETE FROM deal_stage_history`.execute(db.kysely);
    await sql`DELETE FROM deals`.execute(db.kysely);
    const pipelineOf = new Map(stageRows.map((s) => [s.id, s]));
    const stageIds = [...pipelineOf.keys()];
    const y2026 = Date.parse('2026-01-01T00:00:00Z');
    // Durations: whole quarter days (exact in binary: many ties, medians on x.x5), whole hours, or any millisecond.
    const duration = () => {
      const r = rand();
      if (r < 0.4) return Math.floor(rand() * 40) * (DAY / 4);
      if (r < 0.7) return Math.floor(rand() * 900) * 3600000;
      return Math.floor(rand() * 60 * DAY);
    };
    for (let i = 0; i < count; i++) {
      const created = y2026 - 40 * DAY + Math.floor(rand() * 400) * (rand() < 0.5 ? DAY / 2 : 1234567);
      const won = rand() < 0.8 ? created + duration() : null;
      const stageId = pick(stageIds);
      const deal = await db.kysely
        .insertInto('deals')
        .values({
          title: `Deal ${i}`, pipeline_id: (await db.kysely.selectFrom('stages').select('pipeline_id').where('id', '=', stageId).executeTakeFirstOrThrow()).pipeline_id, stage_id: stageId,
          owner_id: rand() < 0.2 ? null : pick(userIds), source: pick([null, 'web', 'ads', '(none)', 'Web', '']),
          won_at: won === null ? null : instant(won, engine === 'sqlite'), created_at: instant(created, engine === 'sqlite'), updated_at: instant(created, false), stage_entered_at: instant(created, false),
          archived_at: rand() < 0.05 ? '2026-06-01T00:00:00.000Z' : null,
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      let at = created + (rand() < 0.3 ? -DAY : 0);
      const moves = Math.floor(rand() * 5);
      for (let m = 0; m < moves; m++) {
        const to = pick(stageIds);
        await db.kysely.insertInto('deal_stage_history').values({ deal_id: deal.id, from_stage_id: null, to_stage_id: to, at: instant(at, engine === 'sqlite'), actor: 'test' } as never).execute();
        at += rand() < 0.25 ? 0 : duration() / 3; // sometimes two moves at the same instant
      }
    }
  }

  async function oldCycleRows(scope: ReportScope, by: CycleGroup, start: CycleStart) {
    const end = scope.period.end;
    const label = by === 'owner' ? sql`u.handle` : sql`d.source`;
    const archived = scope.historical ? sql`d.created_at <= ${scope.asOf} AND (d.archived_at IS NULL OR d.archived_at > ${scope.asOf})` : sql`d.archived_at IS NULL`;
    const owners = scope.ownerIds === null ? sql`` : sql` AND d.owner_id IN (${sql.join(scope.ownerIds)})`;
    const deals = await sql<WonDealTimes>`
      SELECT d.id AS "id", ${label} AS "label", d.created_at AS "createdAt", (SELECT MIN(h.at) FROM deal_stage_history h WHERE h.deal_id = d.id) AS "firstStageAt", d.won_at AS "wonAt"
      FROM deals d LEFT JOIN users u ON u.id = d.owner_id
      WHERE d.won_at >= ${scope.period.start} AND d.won_at < ${end} AND ${archived}${owners} ORDER BY d.id`.execute(db.kysely);
    const moves = await sql<StageMove>`
      SELECT h.deal_id AS "dealId", s.name AS "stage", s.position AS "position", h.at AS "at"
      FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id JOIN stages s ON s.id = h.to_stage_id
      WHERE d.won_at >= ${scope.period.start} AND d.won_at < ${end} AND ${archived}${owners} AND h.at <= ${scope.asOf}
      ORDER BY h.deal_id, h.at, h.id`.execute(db.kysely);
    const norm = <T extends object>(r: T) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as T;
    return oldCycle(deals.rows.map(norm), moves.rows.map(norm), start);
  }

  it('cycle: SQL aggregates equal the former JavaScript computation over random deals and moves', async () => {
    let compared = 0;
    let edges = 0;
    for (let round = 0; round < 8; round++) {
      await seedDeals(round === 0 ? 0 : 10 + Math.floor(rand() * 50));
      const variants: { scope: ReportScope; by: CycleGroup; start: CycleStart }[] = [
        { scope: scopeOf({}), by: 'owner', start: 'created' },
        { scope: scopeOf({}), by: 'source', start: 'first-stage' },
        { scope: scopeOf({ historical: true, asOf: '2026-05-01T12:00:00.000Z', timeZone: 'Asia/Tokyo' }), by: 'owner', start: 'first-stage' },
        { scope: scopeOf({ ownerIds: userIds.slice(0, 2), timeZone: 'America/New_York' }), by: 'source', start: 'created' },
      ];
      for (const v of variants) {
        const model = buildCycle(
          await cycleStats(db, v.scope, v.by, v.scope.period.start, v.scope.period.end, v.start === 'first-stage'),
          await stageStats(db, v.scope, v.scope.period.start, v.scope.period.end),
          { scope: v.scope, by: v.by, start: v.start },
        );
        const oracle = await oldCycleRows(v.scope, v.by, v.start);
        const got = model.data as { rows: typeof oracle.rows; total: typeof oracle.total; stages: typeof oracle.stages };
        // A mean exactly halfway between two tenths may come out either way from the old float
        // sum (it depended on row order); the SQL's exact sum rounds it up, as Math.round does.
        const fixMean = <T extends { meanDays: number | null }>(old: T, now: T | undefined, key: string): T => {
          if (!now || old.meanDays === now.meanDays || !onRoundingEdge(oracle.exact.get(key))) return old;
          edges++;
          const e = oracle.exact.get(key)!;
          expect(now.meanDays).toBe(Math.round(Number(e.sum) / (Number(e.n) * DAY) * 10) / 10);
          return { ...old, meanDays: now.meanDays };
        };
        expect(got.rows).toEqual(oracle.rows.map((r, i) => fixMean(r, got.rows[i], `g:${r.group}`)));
        expect(got.total).toEqual(fixMean(oracle.total, got.total, 'total'));
        expect(got.stages).toEqual(oracle.stages.map((s, i) => fixMean(s, got.stages[i], `s:${s.stage}`)));
        compared += oracle.rows.length + oracle.stages.length;
      }
    }
    expect(compared).toBeGreaterThan(50);
    expect(edges).toBeLessThan(compared);
  }, 300_000);
});
