/** Dashboard keys → reducer events. */
import type { MutableRefObject } from 'react';
import { actionFor, DASHBOARD_KEYS, type KeyInfo } from '../../keymap.js';
import { useKeyHandler } from '../../key-router.js';
import type { DashboardEvent } from './state.js';

export function dashboardKeyToEvent(input: string, key: KeyInfo): DashboardEvent | undefined {
  switch (actionFor(DASHBOARD_KEYS, input, key)) {
    case 'period-next':
      return { type: 'period', by: 1 };
    case 'period-prev':
      return { type: 'period', by: -1 };
    case 'mine':
      return { type: 'toggle-mine' };
  }
  return undefined;
}

export function useDashboardInput(deps: { dispatch: (ev: DashboardEvent) => void; state?: MutableRefObject<unknown> }, opts: { isActive: boolean }): void {
  useKeyHandler((input, key) => {
    const ev = dashboardKeyToEvent(input, key);
    if (!ev) return false;
    deps.dispatch(ev);
    return true;
  }, opts);
}
