/**
 * Dashboard screen: the KPIs, the open pipeline and SLA compliance, as the report engine builds
 * them for `crm report kpi`, `crm report pipeline` and `crm report sla` (runReport with the same
 * definitions and flags) — no figure is computed here.
 */
import { useEffect } from 'react';
import { runReport } from '../../../reports/engine.js';
import { reportCatalog } from '../../../reports/catalog.js';
import type { Session } from '../../../domain/session.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import { useDashboardInput } from './input.js';
import { dashboardFlags, dashboardReducer, initialDashboardState, type DashboardModels, type DashboardState } from './state.js';
import { DashboardView } from './view.js';

async function report(name: string) {
  const entry = reportCatalog.find((e) => e.name === name);
  if (!entry) throw new Error(`no report ${name} in the catalog`);
  return entry.load();
}

/** The three models for the state's period and owner, run as the report commands run them. */
export async function loadDashboard(session: Session, s: Pick<DashboardState, 'period' | 'mine'>, pipeline?: string): Promise<DashboardModels> {
  const flags = dashboardFlags(s);
  const [kpi, pipe, sla] = await Promise.all([report('kpi'), report('pipeline'), report('sla')]);
  const [kpiModel, pipelineModel, slaModel] = await Promise.all([
    runReport(kpi, session, flags),
    // The pipeline as it stands (open deals): no period, as `crm report pipeline` without one.
    runReport(pipe, session, { owner: flags.owner, pipeline }),
    runReport(sla, session, flags),
  ]);
  return { kpi: kpiModel, pipeline: pipelineModel, sla: slaModel };
}

export function DashboardScreen({ session, theme, width, height, active, dataVersion, pipeline }: ScreenProps) {
  const [state, dispatch] = useReducerRef(dashboardReducer, initialDashboardState);
  useDashboardInput({ dispatch }, { isActive: active });
  useEffect(() => {
    let current = true;
    loadDashboard(session, state, pipeline)
      .then((models) => current && dispatch({ type: 'loaded', models }))
      .catch((err) => current && dispatch({ type: 'failed', error: errorText(err) }));
    return () => {
      current = false;
    };
  }, [session, state.period, state.mine, pipeline, dataVersion, dispatch]); // eslint-disable-line react-hooks/exhaustive-deps
  return <DashboardView state={state} theme={theme} width={width} height={height} />;
}
