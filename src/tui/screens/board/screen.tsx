/** Pipeline board screen: wires the reducer, the input hook, the domain calls and the view. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { loadBoard } from '../../../domain/board.js';
import { listLostReasons, loseDeal, moveDeal, showDeal, winDeal, type DealDetail } from '../../../domain/deals.js';
import { timelineFor, type TimelineEntry } from '../../../domain/timeline.js';
import { openPrompt } from '../../prompt.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import { useBoardInput, type BoardCommand } from './input.js';
import { boardReducer, filterTokens, initialBoardState, positionOf, selectedColumn } from './state.js';
import { BoardView, boardCardsHeight } from './view.js';

const LOAD_MORE = 200;

export function BoardScreen({ session, theme, width, height, active, dataVersion, setStatus, changed, pipeline }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(boardReducer, initialBoardState);
  const [detail, setDetail] = useState<{ deal: DealDetail; timeline: TimelineEntry[] } | null>(null);
  const cardsHeight = boardCardsHeight(height);

  const run = useCallback(
    (cmd: BoardCommand) => {
      const after = (p: Promise<string>) =>
        p
          .then((msg) => {
            setStatus(msg);
            changed();
          })
          .catch((err) => setStatus(errorText(err), 'error'));
      switch (cmd.type) {
        case 'say':
          setStatus(cmd.text);
          return;
        case 'move-deal':
          after(
            moveDeal(session, String(cmd.dealId), cmd.toStage).then((d) => {
              // Follow the card into its new column once the board reloads.
              dispatch({ type: 'focus', dealId: d.id });
              return `Moved #${d.id} ${d.title} to ${d.stage.name}.`;
            }),
          );
          return;
        case 'win':
          after(winDeal(session, String(cmd.dealId)).then((d) => `Won #${d.id} ${d.title} (${d.amount.format()}).`));
          return;
        case 'ask-lose':
          listLostReasons(session)
            .then((reasons) =>
              dispatch({
                type: 'prompt-open',
                prompt: openPrompt('lose', `Lose deal #${cmd.dealId} ${cmd.title}`, [
                  { name: 'reason', label: 'Reason (type to narrow, ↑↓ to pick)', choices: reasons.map((r) => r.name) },
                  { name: 'note', label: 'Note (optional)', optional: true },
                ]),
              }),
            )
            .catch((err) => setStatus(errorText(err), 'error'));
          return;
        case 'lose':
          after(loseDeal(session, String(cmd.dealId), cmd.reason, cmd.note || undefined).then((d) => `Lost #${d.id} ${d.title}: ${d.lostReason}.`));
          return;
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

  useEffect(() => {
    if (state.openId === null) {
      setDetail(null);
      return;
    }
    let current = true;
    const id = state.openId;
    Promise.all([showDeal(session, String(id)), timelineFor(session, { dealId: id }, { limit: 50 })])
      .then(([deal, timeline]) => current && setDetail({ deal, timeline }))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, state.openId, dataVersion, setStatus]);

  return <BoardView state={state} detail={detail && detail.deal.id === state.openId ? detail : null} theme={theme} width={width} height={height} timeZone={session.timeZone} />;
}
