/** Pipeline board screen: wires the reducer, the input hook, the domain calls and the view. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { loadBoard } from '../../../domain/board.js';
import { assertLosable, latestDealState, listLostReasons, loseDeal, moveDeal, showDeal, winDeal, type DealDetail } from '../../../domain/deals.js';
import { timelineFor, type TimelineEntry } from '../../../domain/timeline.js';
import type { BoardAction } from '../../keymap.js';
import { openPrompt } from '../../prompt.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import { isStaleConflict } from '../../../errors.js';
import { staleMessage, type BoardVerb } from './conflict.js';
import { useBoardInput, type BoardCommand } from './input.js';
import { boardReducer, filterTokens, initialBoardState, positionOf, selectedColumn, type DealTarget } from './state.js';
import { BoardView, boardCardsHeight } from './view.js';

const LOAD_MORE = 200;

export function BoardScreen({ session, theme, width, height, active, dataVersion, setStatus, changed, pipeline }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(boardReducer, initialBoardState);
  const [detail, setDetail] = useState<{ deal: DealDetail; timeline: TimelineEntry[] } | null>(null);
  const cardsHeight = boardCardsHeight(height);

  const run = useCallback(
    (cmd: BoardCommand): Promise<void> | undefined => {
      // Every action passes the version the board showed. Refused because someone changed the
      // deal since (nothing was written): say what it is now and who changed it, reload, and
      // keep the cursor on the deal so the same key acts on what is then on screen.
      const failed = (deal: DealTarget, verb: BoardVerb, action: BoardAction) => (err: unknown): Promise<void> | undefined => {
        if (!isStaleConflict(err)) {
          setStatus(errorText(err), 'error');
          return undefined;
        }
        return latestDealState(session, deal.id)
          .then((now) => staleMessage(deal, now, verb, action))
          .catch(() => staleMessage(deal, null, verb, action))
          .then((msg) => {
            setStatus(msg, 'error');
            dispatch({ type: 'focus', dealId: deal.id });
            changed();
          });
      };
      const after = (p: Promise<string>, deal: DealTarget, verb: BoardVerb, action: BoardAction) =>
        p
          .then((msg) => {
            setStatus(msg);
            changed();
          })
          .catch(failed(deal, verb, action));
      switch (cmd.type) {
        case 'say':
          setStatus(cmd.text);
          return undefined;
        case 'move-deal':
          return after(
            moveDeal(session, String(cmd.deal.id), cmd.toStage, cmd.deal.version).then((d) => {
              // Show it in its new column at once, and follow it there once the board reloads.
              dispatch({ type: 'moved', dealId: d.id, toStageId: d.stage.id, version: d.version });
              dispatch({ type: 'focus', dealId: d.id });
              return `Moved #${d.id} ${d.title} to ${d.stage.name}.`;
            }),
            cmd.deal,
            'move',
            cmd.direction,
          );
        case 'win':
          return after(
            winDeal(session, String(cmd.deal.id), cmd.deal.version).then((d) => {
              dispatch({ type: 'moved', dealId: d.id, toStageId: null, version: d.version });
              return `Won #${d.id} ${d.title} (${d.amount.format()}).`;
            }),
            cmd.deal,
            'win',
            'win',
          );
        case 'ask-lose':
          // Check first (changed meanwhile, already closed) so nobody types a reason in vain.
          return assertLosable(session, String(cmd.deal.id), cmd.deal.version)
            .then(() => listLostReasons(session))
            .then((reasons) =>
              dispatch({
                type: 'prompt-open',
                deal: cmd.deal,
                prompt: openPrompt('lose', `Lose deal #${cmd.deal.id} ${cmd.deal.title}`, [
                  { name: 'reason', label: 'Reason (type to narrow, ↑↓ to pick)', choices: reasons.map((r) => r.name) },
                  { name: 'note', label: 'Note (optional)', optional: true },
                ]),
              }),
            )
            .catch(failed(cmd.deal, 'lose', 'lose'));
        case 'lose':
          return after(
            loseDeal(session, String(cmd.deal.id), cmd.reason, cmd.note || undefined, cmd.deal.version).then((d) => {
              dispatch({ type: 'moved', dealId: d.id, toStageId: null, version: d.version });
              return `Lost #${d.id} ${d.title}: ${d.lostReason}.`;
            }),
            cmd.deal,
            'lose',
            'lose',
          );
      }
    },
    [session, setStatus, changed, dispatch],
  );

  useBoardInput({ state: ref, dispatch, cardsHeight, run }, { isActive: active });

  const tokens = useMemo(() => filterTokens(state), [state.filter, state.mine]); // eslint-disable-line react-hooks/exhaustive-deps
  const tokenKey = tokens.join('\u0000');
  const limitsKey = JSON.stringify(state.limits);
  useEffect(() => {
    let current = true;
    loadBoard(session, { pipeline, filter: tokens, cardsByStage: state.limits })
      .then((board) => current && dispatch({ type: 'loaded', board }))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, pipeline, tokenKey, limitsKey, dataVersion, dispatch, setStatus]); // eslint-disable-line react-hooks/exhaustive-deps

  // A long column loads more cards as the cursor nears the end of what is loaded.
  const column = selectedColumn(state);
  const cursor = column ? positionOf(state, column.stage.id).cursor : 0;
  useEffect(() => {
    if (!column) return;
    if (column.count > column.cards.length && cursor >= column.cards.length - cardsHeight * 2) {
      dispatch({ type: 'load-more', stageId: column.stage.id, limit: column.cards.length + LOAD_MORE });
    }
  }, [column, cursor, cardsHeight, dispatch]);

  const openId = state.open?.id ?? null;
  useEffect(() => {
    if (openId === null) {
      setDetail(null);
      return;
    }
    let current = true;
    Promise.all([showDeal(session, String(openId)), timelineFor(session, { dealId: openId }, { limit: 50 })])
      .then(([deal, timeline]) => {
        if (!current) return;
        setDetail({ deal, timeline });
        // Win and lose from the detail act on the deal as the detail now shows it.
        dispatch({ type: 'detail', deal: { id: deal.id, title: deal.title, version: deal.version, stage: deal.stage.name } });
      })
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, openId, dataVersion, setStatus, dispatch]);

  return <BoardView state={state} detail={detail && detail.deal.id === openId ? detail : null} theme={theme} width={width} height={height} timeZone={session.timeZone} />;
}
