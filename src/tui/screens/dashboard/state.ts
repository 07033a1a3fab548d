/**
 * Dashboard state: which period and whose figures, and the report models last loaded. The
 * figures are the report engine's models (src/reports: kpi, pipeline, sla) — the same ones
 * `crm report …` prints; this screen only lays them out.
 */
import type { ReportModel } from '../../../reports/model.js';

/** The periods `p` / `P` step through, as the report engine reads them (--period …). */
export const DASHBOARD_PERIODS = ['this-month', 'last-month', 'this-quarter', 'last-quarter', 'this-week', 'last-week', 'this-year'] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];

export interface DashboardModels {
  kpi: ReportModel;
  pipeline: ReportModel;
  sla: ReportModel;
}

export interface DashboardState {
  period: number;
  /** Only my figures (--owner me). */
  mine: boolean;
  models: DashboardModels | null;
  /** Why the models could not be built (a UserError's text), shown instead of them. */
  error: string | null;
}

export const initialDashboardState: DashboardState = { period: 0, mine: false, models: null, error: null };

export type DashboardEvent =
  | { type: 'loaded'; models: DashboardModels }
  | { type: 'failed'; error: string }
  | { type: 'period'; by: 1 | -1 }
  | { type: 'toggle-mine' };

export function dashboardReducer(s: DashboardState, ev: DashboardEvent): DashboardState {
  switch (ev.type) {
    case 'loaded':
      return { ...s, models: ev.models, error: null };
    case 'failed':
      return { ...s, error: ev.error };
    case 'period':
      return { ...s, period: (s.period + ev.by + DASHBOARD_PERIODS.length) % DASHBOARD_PERIODS.length };
    case 'toggle-mine':
      return { ...s, mine: !s.mine };
  }
}

/** The report flags for the state: what `crm report kpi --period this-month --owner me` is given. */
export function dashboardFlags(s: Pick<DashboardState, 'period' | 'mine'>): { period: DashboardPeriod; owner?: string[] } {
  return { period: DASHBOARD_PERIODS[s.period]!, ...(s.mine ? { owner: ['me'] } : {}) };
}
