/**
 * The pipeline report: per stage and currency, the number of deals, their total and their
 * weighted total. A pure builder: the database has already summed (exactly, in integer minor
 * units); this only arranges the rows and rounds the weighted sums once.
 */
import { Money } from '../../domain/money.js';
import type { ReportModel } from '../model.js';
import { scopeInfo, type ReportScope } from '../scope.js';
import { compareText } from '../collate.js';

export interface PipelineStageInput {
  id: number;
  name: string;
  position: number;
  probability: number;
  kind: 'open' | 'won' | 'lost';
}

export interface PipelineAggregateInput {
  stageId: number;
  currency: string;
  count: number;
  totalMinor: string | bigint;
  /** Σ amount_minor × probability (percent): weighted × 100, exact. */
  weightedX100: string | bigint;
}

export interface CurrencyTotals {
  currency: string;
  count: number;
  total: Money;
  weighted: Money;
}

export interface PipelineStageLine {
  id: number;
  name: string;
  kind: 'open' | 'won' | 'lost';
  probability: number;
  count: number;
  byCurrency: CurrencyTotals[];
}

export interface PipelineReport {
  report: 'pipeline';
  pipeline: { id: number; name: string };
  asOf: string;
  filter: string[];
  /** Won/lost deals limited to those closed in this period (open deals always count). */
  period: { label: string; start: string; end: string } | null;
  currencies: string[];
  stages: PipelineStageLine[];
  /** Open stages only: the pipeline still to close, per currency. */
  open: CurrencyTotals[];
  won: CurrencyTotals[];
  lost: CurrencyTotals[];
  rounding: string;
}

export const WEIGHTED_ROUNDING =
  'weighted = Σ amount × probability / 100, summed exactly in hundredths of a minor unit by the database, then rounded half-up to the minor unit once per stage and currency (and once per total, from the exact sum)';

export const PIPELINE_EXPLAIN = `Pipeline report

  count     deals in the stage (not archived), per currency
  total     Σ amount, summed by the database in integer minor units (cents, yen…) — exact
  weighted  Σ amount × probability / 100, where probability is the deal's override when it
            has one, else the stage's; won deals count at 100%, lost at 0%
  open      the open stages together: the pipeline still to close

Rounding: ${WEIGHTED_ROUNDING}.
Currencies are never converted or mixed: every total is per currency.
With --period, won and lost deals count only if they closed in that period; open deals always.
With --as-of, each deal sits in the stage its history (deal_stage_history) shows at that
instant; deals created later or archived by then are left out. Amounts, probability overrides
and filter terms use the deals' current values.
Filter terms (owner:me, +renewal, close:this-quarter…) narrow the deals first.
`;

function roundX100(x: bigint): bigint {
  return x >= 0n ? (x + 50n) / 100n : -((-x + 50n) / 100n);
}

interface Acc {
  count: number;
  total: bigint;
  x100: bigint;
}

function toTotals(map: Map<string, Acc>): CurrencyTotals[] {
  return [...map.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([currency, a]) => ({ currency, count: a.count, total: new Money(a.total, currency), weighted: new Money(roundX100(a.x100), currency) }));
}

function add(map: Map<string, Acc>, currency: string, count: number, total: bigint, x100: bigint): void {
  const a = map.get(currency) ?? { count: 0, total: 0n, x100: 0n };
  a.count += count;
  a.total += total;
  a.x100 += x100;
  map.set(currency, a);
}

export function buildPipelineReport(
  stages: PipelineStageInput[],
  rows: PipelineAggregateInput[],
  params: { now: Date; pipeline: { id: number; name: string }; filter?: string[]; period?: { label: string; start: string; end: string } | null },
): PipelineReport {
  const kinds = { open: new Map<string, Acc>(), won: new Map<string, Acc>(), lost: new Map<string, Acc>() };
  const currencies = new Set<string>();
  const lines: PipelineStageLine[] = [...stages]
    .sort((a, b) => a.position - b.position || a.id - b.id)
    .map((st) => {
      const per = new Map<string, Acc>();
      for (const r of rows.filter((x) => x.stageId === st.id)) {
        const total = BigInt(r.totalMinor);
        const x100 = BigInt(r.weightedX100);
        add(per, r.currency, r.count, total, x100);
        add(kinds[st.kind], r.currency, r.count, total, x100);
        currencies.add(r.currency);
      }
      const byCurrency = toTotals(per);
      return { id: st.id, name: st.name, kind: st.kind, probability: st.probability, count: byCurrency.reduce((n, c) => n + c.count, 0), byCurrency };
    });
  return {
    report: 'pipeline',
    pipeline: params.pipeline,
    asOf: params.now.toISOString(),
    filter: params.filter ?? [],
    period: params.period ?? null,
    currencies: [...currencies].sort(),
    stages: lines,
    open: toTotals(kinds.open),
    won: toTotals(kinds.won),
    lost: toTotals(kinds.lost),
    rounding: WEIGHTED_ROUNDING,
  };
}

/** Flat rows (stage × currency) for --format tsv/csv. */
export function pipelineReportRows(r: PipelineReport): { stage: string; kind: string; probability: number; currency: string; count: number; total: string; weighted: string }[] {
  const out: { stage: string; kind: string; probability: number; currency: string; count: number; total: string; weighted: string }[] = [];
  for (const st of r.stages) {
    if (st.byCurrency.length === 0) out.push({ stage: st.name, kind: st.kind, probability: st.probability, currency: '', count: 0, total: '0', weighted: '0' });
    for (const c of st.byCurrency) out.push({ stage: st.name, kind: st.kind, probability: st.probability, currency: c.currency, count: c.count, total: c.total.amount, weighted: c.weighted.amount });
  }
  return out;
}

/** The pipeline report as the model every report renders (JSON: its fields under the envelope). */
export function pipelineModel(r: PipelineReport, p: { scope: ReportScope }): ReportModel {
  const bag = (list: CurrencyTotals[], k: 'total' | 'weighted') => list.map((c) => c[k]);
  const rows = r.stages.map((st) => ({
    stage: st.name,
    probability: st.kind === 'open' ? `${st.probability}%` : st.kind,
    count: st.count,
    total: bag(st.byCurrency, 'total'),
    weighted: bag(st.byCurrency, 'weighted'),
  }));
  const open = { stage: 'Open pipeline', probability: '', count: r.open.reduce((n, c) => n + c.count, 0), total: bag(r.open, 'total'), weighted: bag(r.open, 'weighted') };
  const flatRows = pipelineReportRows(r);
  return {
    report: 'pipeline',
    title: `${r.pipeline.name} pipeline${r.filter.length ? ` · ${r.filter.join(' ')}` : ''}`,
    scope: scopeInfo(p.scope, p.scope.periodGiven === true),
    summary: [],
    tables: [
      {
        name: 'stages',
        columns: [
          { key: 'stage', label: 'Stage' },
          { key: 'probability', label: 'Prob' },
          { key: 'count', label: 'Deals', format: 'int' },
          { key: 'total', label: 'Total', format: 'money' },
          { key: 'weighted', label: 'Weighted', format: 'money' },
        ],
        rows,
        total: open,
        chart: 'total',
      },
    ],
    flat: {
      name: 'stages',
      columns: [
        { key: 'stage', label: 'Stage' },
        { key: 'kind', label: 'Kind' },
        { key: 'probability', label: 'Prob', format: 'int' },
        { key: 'currency', label: 'Currency' },
        { key: 'count', label: 'Deals', format: 'int' },
        { key: 'total', label: 'Total' },
        { key: 'weighted', label: 'Weighted' },
      ],
      rows: flatRows,
    },
    notes: [...(p.scope.periodGiven ? [`Won and lost deals: only those closed in ${p.scope.period.label}; open deals always count.`] : []), ...(r.currencies.length > 1 ? ['Totals are per currency; nothing is converted.'] : [])],
    explain: PIPELINE_EXPLAIN.trimEnd(),
    data: { pipeline: r.pipeline, filter: r.filter, currencies: r.currencies, stages: r.stages, open: r.open, won: r.won, lost: r.lost, rounding: r.rounding },
  };
}
