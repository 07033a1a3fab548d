/**
 * The pipeline board's read model (the TUI's Board screen): one column per open stage with its
 * count and totals per currency — summed by the database — and the first cards of each column.
 * Read-only; moves, wins and losses go through deals.ts like the CLI's.
 */
import { sql } from 'kysely';
import { compileDealFilter, pipelineAggregate } from './deals.js';
import { Money } from './money.js';
import type { Session } from './session.js';

export interface BoardCard {
  id: number;
  title: string;
  company: string | null;
  amount: Money;
  owner: string | null;
  daysInStage: number;
  expectedClose: string | null;
  /** Expected close date before today (in the user's zone). */
  overdue: boolean;
  /** The deal's version as loaded: moves from the board refuse if it changed since. */
  version: number;
}

export interface BoardColumn {
  stage: { id: number; name: string; probability: number };
  count: number;
  /** One per currency, largest first; exact (SQL SUM over integer minor units). */
  totals: Money[];
  /** The first cards (soonest expected close first); `count` says how many there are. */
  cards: BoardCard[];
}

export interface Board {
  pipeline: { id: number; name: string };
  /** Today in the user's zone, YYYY-MM-DD. */
  today: string;
  columns: BoardColumn[];
}

/** A column's totals: largest first, then by currency. */
export function compareTotals(a: Money, b: Money): number {
  return a.minor === b.minor ? a.currency.localeCompare(b.currency) : a.minor > b.minor ? -1 : 1;
}

/** Cards in the order loadBoard reads them: soonest expected close first, no date last, then by id. */
export function compareCards(a: BoardCard, b: BoardCard): number {
  if ((a.expectedClose === null) !== (b.expectedClose === null)) return a.expectedClose === null ? 1 : -1;
  if (a.expectedClose !== b.expectedClose) return a.expectedClose! < b.expectedClose! ? -1 : 1;
  return a.id - b.id;
}

export interface BoardOptions {
  pipeline?: string;
  /** The filter language, as tokens: ["owner:sara", "amount:>5000"]. */
  filter?: string[];
  /** Cards to load per column: a default, and more for columns scrolled far down. */
  cardsPerColumn?: number;
  cardsByStage?: Record<number, number>;
}

export const DEFAULT_CARDS_PER_COLUMN = 100;

import { todayIn } from './period.js';
export { todayIn };

export async function loadBoard(s: Session, opts: BoardOptions = {}): Promise<Board> {
  const filter = opts.filter ?? [];
  const agg = await pipelineAggregate(s, { pipeline: opts.pipeline, filter });
  const where = await compileDealFilter(s, filter);
  const now = s.now();
  const today = todayIn(now, s.timeZone);
  const columns: BoardColumn[] = [];
  for (const st of agg.stages.filter((x) => x.kind === 'open')) {
    const rows = agg.rows.filter((r) => r.stageId === st.id);
    const count = rows.reduce((n, r) => n + r.count, 0);
    const totals = rows.map((r) => new Money(BigInt(r.totalMinor), r.currency)).sort(compareTotals);
    const limit = opts.cardsByStage?.[st.id] ?? opts.cardsPerColumn ?? DEFAULT_CARDS_PER_COLUMN;
    let cards: BoardCard[] = [];
    if (count > 0 && limit > 0) {
      let q = s.db.kysely
        .selectFrom('deals as d')
        .innerJoin('stages as st', 'st.id', 'd.stage_id')
        .leftJoin('companies as co', 'co.id', 'd.company_id')
        .leftJoin('users as u', 'u.id', 'd.owner_id')
        .select(['d.id', 'd.title', 'co.name as company', 'd.amount_minor', 'd.currency', 'u.handle as owner', 'd.stage_entered_at', 'd.expected_close', 'd.version'])
        .where('d.stage_id', '=', st.id)
        .where('d.archived_at', 'is', null);
      if (where) q = q.where(where);
      // The order compareCards gives (the board places a deal it has just moved with it).
      const found = await q.orderBy(sql`d.expected_close IS NULL`).orderBy('d.expected_close').orderBy('d.id').limit(limit).execute();
      cards = found.map((r) => ({
        id: r.id,
        title: r.title,
        company: r.company,
        amount: new Money(r.amount_minor, r.currency),
        owner: r.owner,
        daysInStage: Math.max(0, Math.floor((now.getTime() - Date.parse(r.stage_entered_at)) / 86400000)),
        expectedClose: r.expected_close,
        overdue: r.expected_close !== null && r.expected_close < today,
        version: r.version,
      }));
    }
    columns.push({ stage: { id: st.id, name: st.name, probability: st.probability }, count, totals, cards });
  }
  return { pipeline: agg.pipeline, today, columns };
}
