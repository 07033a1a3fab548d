/** Pipeline board state: a pure reducer, testable as a plain function. */
import { compareCards, compareTotals, type Board, type BoardCard, type BoardColumn } from '../../../domain/board.js';
import { Money } from '../../../domain/money.js';
import type { ListAction } from '../../keymap.js';
import { clampPosition, moveInList, type ListPosition } from '../../list.js';
import type { PromptState } from '../../prompt.js';

/**
 * A deal as the board showed it: board actions carry its version, and the domain refuses them
 * (a `stale` conflict, nothing changed) when someone else changed the deal since.
 */
export interface DealTarget {
  id: number;
  title: string;
  version: number;
  /** The stage it was shown in. */
  stage: string;
}

export interface BoardState {
  board: Board | null;
  /** Selected column. */
  col: number;
  /** Cursor and scroll of every column (by stage id): columns scroll independently. */
  positions: Record<number, ListPosition>;
  /** The filter in force (filter language), and the one being typed after `/`. */
  filter: string;
  editing: string | null;
  mine: boolean;
  /** The deal whose detail is open (as last shown: the card, then the loaded detail). */
  open: DealTarget | null;
  prompt: PromptState<'lose'> | null;
  /** The deal the lose prompt is for, as it was when the prompt opened. */
  losing: DealTarget | null;
  /** Cards loaded per column, grown as the user scrolls down a long column. */
  limits: Record<number, number>;
  /** After a move: select this deal wherever it lands. */
  focusDealId: number | null;
  /** The company opened from a deal (o): shown over the deal, esc goes back to it. */
  company: number | null;
}

export const initialBoardState: BoardState = { board: null, col: 0, positions: {}, filter: '', editing: null, mine: false, open: null, prompt: null, losing: null, limits: {}, focusDealId: null, company: null };

export type BoardEvent =
  | { type: 'loaded'; board: Board }
  | { type: 'column'; by: 1 | -1 }
  | { type: 'move'; action: ListAction; height: number }
  | { type: 'filter-start' }
  | { type: 'filter-edit'; text: string }
  | { type: 'filter-apply' }
  | { type: 'filter-cancel' }
  | { type: 'filter-clear' }
  | { type: 'toggle-mine' }
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'detail'; deal: DealTarget }
  | { type: 'prompt-open'; prompt: PromptState<'lose'>; deal: DealTarget }
  | { type: 'prompt-update'; prompt: PromptState<'lose'> }
  | { type: 'prompt-close' }
  | { type: 'focus'; dealId: number }
  | { type: 'load-more'; stageId: number; limit: number }
  | { type: 'company'; id: number | null }
  /** Our own move, win or loss was written (toStageId null: the deal left the open stages). */
  | { type: 'moved'; dealId: number; toStageId: number | null; version: number };

export function selectedColumn(s: BoardState): BoardColumn | undefined {
  return s.board?.columns[s.col];
}

export function positionOf(s: BoardState, stageId: number): ListPosition {
  return s.positions[stageId] ?? { cursor: 0, scroll: 0 };
}

export function selectedCard(s: BoardState): BoardCard | undefined {
  const column = selectedColumn(s);
  return column ? column.cards[positionOf(s, column.stage.id).cursor] : undefined;
}

/** The selected card as a target for an action: id, title, version and the stage shown. */
export function selectedTarget(s: BoardState): DealTarget | undefined {
  const column = selectedColumn(s);
  const card = selectedCard(s);
  return column && card ? { id: card.id, title: card.title, version: card.version, stage: column.stage.name } : undefined;
}

/** What the board's actions apply to: the open deal in its detail, else the selected card. */
export function actionTarget(s: BoardState): DealTarget | undefined {
  return s.open ?? selectedTarget(s);
}

/** The filter language tokens in force: what was typed after `/`, plus owner:me with `m`. */
export function filterTokens(s: Pick<BoardState, 'filter' | 'mine'>): string[] {
  const typed = (s.filter.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).map((t) => t.replace(/"/g, ''));
  return s.mine ? [...typed, 'owner:me'] : typed;
}

export function boardReducer(s: BoardState, ev: BoardEvent): BoardState {
  switch (ev.type) {
    case 'loaded': {
      const board = ev.board;
      // Keep the selected column by stage (stages can be added or reordered meanwhile).
      const stageId = selectedColumn(s)?.stage.id;
      let col = stageId !== undefined ? board.columns.findIndex((c) => c.stage.id === stageId) : s.col;
      if (col < 0) col = Math.min(s.col, board.columns.length - 1);
      const positions: Record<number, ListPosition> = {};
      for (const c of board.columns) {
        const old = s.positions[c.stage.id] ?? { cursor: 0, scroll: 0 };
        // Stay on the same deal when it is still in the column.
        const prevId = s.board?.columns.find((x) => x.stage.id === c.stage.id)?.cards[old.cursor]?.id;
        const idx = prevId !== undefined ? c.cards.findIndex((d) => d.id === prevId) : -1;
        positions[c.stage.id] = clampPosition({ cursor: idx >= 0 ? idx : old.cursor, scroll: old.scroll }, c.cards.length, Number.MAX_SAFE_INTEGER);
      }
      let next: BoardState = { ...s, board, col: Math.max(0, col), positions };
      if (s.focusDealId !== null) {
        const at = board.columns.findIndex((c) => c.cards.some((d) => d.id === s.focusDealId));
        if (at >= 0) {
          const column = board.columns[at]!;
          const cursor = column.cards.findIndex((d) => d.id === s.focusDealId);
          next = { ...next, col: at, positions: { ...positions, [column.stage.id]: { cursor, scroll: positions[column.stage.id]?.scroll ?? 0 } } };
        }
        next.focusDealId = null;
      }
      return next;
    }
    case 'column': {
      const n = s.board?.columns.length ?? 0;
      if (!n) return s;
      // Navigating before a moved deal's reload lands: the user's choice wins over following it.
      return { ...s, col: Math.min(n - 1, Math.max(0, s.col + ev.by)), focusDealId: null };
    }
    case 'move': {
      const column = selectedColumn(s);
      if (!column) return s;
      const pos = moveInList(positionOf(s, column.stage.id), ev.action, column.cards.length, ev.height);
      return { ...s, positions: { ...s.positions, [column.stage.id]: pos }, focusDealId: null };
    }
    case 'filter-start':
      return { ...s, editing: s.filter };
    case 'filter-edit':
      return s.editing === null ? s : { ...s, editing: ev.text };
    case 'filter-apply':
      return s.editing === null ? s : { ...s, filter: s.editing.trim(), editing: null, positions: {}, limits: {} };
    case 'filter-cancel':
      return { ...s, editing: null };
    case 'filter-clear':
      return { ...s, filter: '', mine: false, editing: null, positions: {}, limits: {} };
    case 'toggle-mine':
      return { ...s, mine: !s.mine, positions: {}, limits: {} };
    case 'open': {
      const target = selectedTarget(s);
      return target ? { ...s, open: target } : s;
    }
    case 'close':
      return { ...s, open: null, company: null };
    case 'company':
      return { ...s, company: ev.id };
    case 'detail':
      // The detail (re)loaded: what the user sees now is this version.
      return s.open?.id === ev.deal.id ? { ...s, open: ev.deal } : s;
    case 'prompt-open':
      return { ...s, prompt: ev.prompt, losing: ev.deal };
    case 'prompt-update':
      return { ...s, prompt: ev.prompt };
    case 'prompt-close':
      return { ...s, prompt: null, losing: null };
    case 'focus':
      return { ...s, focusDealId: ev.dealId };
    case 'load-more':
      return { ...s, limits: { ...s.limits, [ev.stageId]: ev.limit } };
    case 'moved':
      return applyOwnMove(s, ev.dealId, ev.toStageId, ev.version);
  }
}

function withTotal(totals: Money[], amount: Money, sign: 1n | -1n): Money[] {
  const out = totals.map((m) => (m.currency === amount.currency ? new Money(m.minor + sign * amount.minor, m.currency) : m));
  if (!totals.some((m) => m.currency === amount.currency)) out.push(new Money(sign * amount.minor, amount.currency));
  return out.filter((m) => m.minor !== 0n).sort(compareTotals);
}

/**
 * Show our own move at once, as the reload will: the card leaves its column (count and totals
 * with it) and lands in its new stage at the version just written, with the cursor on it. A
 * second key pressed before the reload lands then acts on the deal where it is now — it used to
 * be refused as "changed meanwhile (by you)".
 */
function applyOwnMove(s: BoardState, dealId: number, toStageId: number | null, version: number): BoardState {
  const board = s.board;
  const from = board?.columns.findIndex((c) => c.cards.some((d) => d.id === dealId)) ?? -1;
  if (!board || from < 0) return s;
  const card = { ...board.columns[from]!.cards.find((d) => d.id === dealId)!, version, daysInStage: 0 };
  const columns = board.columns.map((c, i) => {
    if (i === from && c.stage.id !== toStageId) return { ...c, count: c.count - 1, totals: withTotal(c.totals, card.amount, -1n), cards: c.cards.filter((d) => d.id !== dealId) };
    if (c.stage.id === toStageId && i !== from) return { ...c, count: c.count + 1, totals: withTotal(c.totals, card.amount, 1n), cards: [...c.cards, card].sort(compareCards) };
    if (c.stage.id === toStageId) return { ...c, cards: c.cards.map((d) => (d.id === dealId ? card : d)) };
    return c;
  });
  const positions = { ...s.positions };
  const source = columns[from]!;
  positions[source.stage.id] = clampPosition(positionOf(s, source.stage.id), source.cards.length, Number.MAX_SAFE_INTEGER);
  const to = columns.findIndex((c) => c.stage.id === toStageId);
  let col = s.col;
  if (to >= 0 && s.col === from) {
    // The cursor follows the card (as after a reload with focusDealId).
    col = to;
    positions[toStageId!] = { cursor: columns[to]!.cards.findIndex((d) => d.id === dealId), scroll: positionOf(s, toStageId!).scroll };
  }
  const open = s.open?.id === dealId ? { ...s.open, version, stage: to >= 0 ? columns[to]!.stage.name : s.open.stage } : s.open;
  return { ...s, board: { ...board, columns }, positions, col, open };
}

/** The neighbouring open stage a deal would move to, if any. */
export function neighbourStage(s: BoardState, by: 1 | -1): BoardColumn | undefined {
  return s.board?.columns[s.col + by];
}
