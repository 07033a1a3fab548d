/**
 * The status line after a board action was refused because the deal changed since the board
 * showed it (the domain's `stale` conflict): what it is now, who changed it, what to do.
 */
import type { DealRecord } from '../../../domain/deals.js';
import { BOARD_KEYS, type BoardAction } from '../../keymap.js';
import { truncate } from '../../text.js';
import type { DealTarget } from './state.js';

export type BoardVerb = 'move' | 'win' | 'lose';

function keyOf(action: BoardAction): string {
  return BOARD_KEYS.find((b) => b.action === action)!.keys[0]!;
}

/**
 * "Deal 'Acme renewal' changed meanwhile (now in Negotiation, by sara) — reloaded; press L again
 * to move it". `now` is the deal as it is now (null: it no longer exists), `changedBy` who
 * changed it last; `action` is the board key's action, for the "press … again" hint.
 */
export function staleMessage(shown: DealTarget, now: { deal: DealRecord; changedBy: string | null } | null, verb: BoardVerb, action: BoardAction): string {
  const name = `Deal '${truncate(shown.title, 30)}'`;
  if (!now) return `${name} no longer exists — reloaded.`;
  const { deal, changedBy } = now;
  let state: string;
  if (deal.archivedAt) state = `archived${changedBy ? ` by ${changedBy}` : ''}`;
  else if (deal.status === 'won') state = `now won${changedBy ? `, by ${changedBy}` : ''}`;
  else if (deal.status === 'lost') state = `now lost${deal.lostReason ? ` (${deal.lostReason})` : ''}${changedBy ? `, by ${changedBy}` : ''}`;
  else if (deal.stage.name !== shown.stage) state = `now in ${deal.stage.name}${changedBy ? `, by ${changedBy}` : ''}`;
  else state = `edited${changedBy ? ` by ${changedBy}` : ''}, still in ${deal.stage.name}`;
  const onBoard = !deal.archivedAt && deal.status === 'open';
  const next = onBoard ? `press ${keyOf(action)} again to ${verb} it` : 'it is no longer on the board';
  return `${name} changed meanwhile (${state}) — reloaded; ${next}.`;
}
