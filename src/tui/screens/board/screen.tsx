/** Pipeline board screen: wires the reducer, the input hook, the domain calls and the view. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
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
import { BoardView, boardCardsHeight, type CompanyDetail } from './view.js';
import { editDealForm, newDealForm } from '../../record-forms.js';
import { showCompany } from '../../../domain/companies.js';
import { listContacts } from '../../../domain/contacts.js';
import { listDeals } from '../../../domain/deals.js';
import type { Session } from '../../../domain/session.js';

/** The company opened from a deal: its record, people, open deals and timeline. */
function useCompanyDetail(session: Session, id: number | null, dataVersion: number, setStatus: ScreenProps['setStatus']): CompanyDetail | null {
  const [detail, setDetail] = useState<CompanyDetail | null>(null);
  useEffect(() => {
    if (id === null) {
      setDetail(null);
      return;
    }
    let current = true;
    Promise.all([
      showCompany(session, String(id)),
      listContacts(session, { companyId: id, limit: 50 }),
      listDeals(session, { companyId: id, limit: 50 }),
      timelineFor(session, { companyId: id }, { limit: 50 }),
    ])
      .then(([company, people, deals, timeline]) => current && setDetail({ company, people: people.rows, deals: deals.rows, timeline }))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, id, dataVersion, setStatus]);
  return detail && detail.company.id === id ? detail : null;
}

const LOAD_MORE = 200;

export function BoardScreen({ session, theme, width, height, active, dataVersion, setStatus, changed, pipeline, openForm, navigate, initialBoard }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(boardReducer, () => (initialBoard ? boardReducer(initialBoardState, { type: 'loaded', board: initialBoard }) : initialBoardState));
  // The board read before Ink loaded stands for the first load (same filter, limits and data).
  const preloaded = useRef(Boolean(initialBoard));
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
        case 'new-deal':
          openForm(newDealForm(session, { stage: cmd.stage, pipeline }, (d) => dispatch({ type: 'focus', dealId: d.id })));
          return undefined;
        case 'edit-deal':
          return showDeal(session, String(cmd.deal.id))
            .then((d) => openForm(editDealForm(session, d)))
            .catch((err) => setStatus(errorText(err), 'error'));
        case 'open-contact':
          return showDeal(session, String(cmd.deal.id))
            .then((d) => {
              const contact = d.contact ?? d.contacts.find((c) => c.primary) ?? d.contacts[0];
              if (!contact) return setStatus(`Deal #${d.id} ${d.title} has no contact — e edits the deal.`);
              if (d.contacts.length > 1) setStatus(`Deal #${d.id} has ${d.contacts.length} contacts: ${d.contacts.map((c) => c.name).join(', ')}.`);
              navigate({ screen: 'contacts', contactId: contact.id });
            })
            .catch((err) => setStatus(errorText(err), 'error'));
        case 'open-company':
          return showDeal(session, String(cmd.deal.id))
            .then((d) => {
              if (!d.company) return setStatus(`Deal #${d.id} ${d.title} has no company — e edits the deal.`);
              // Over the deal's detail, so esc comes back to the deal.
              if (ref.current.open?.id !== d.id) dispatch({ type: 'open' });
              dispatch({ type: 'company', id: d.company.id });
            })
            .catch((err) => setStatus(errorText(err), 'error'));
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
    [session, setStatus, changed, dispatch, openForm, navigate, pipeline, ref],
  );

  useBoardInput({ state: ref, dispatch, cardsHeight, run }, { isActive: active });

  const tokens = useMemo(() => filterTokens(state), [state.filter, state.mine]); // eslint-disable-line react-hooks/exhaustive-deps
  const tokenKey = tokens.join('\u0000');
  const limitsKey = JSON.stringify(state.limits);
  useEffect(() => {
    if (preloaded.current) {
      preloaded.current = false;
      return;
    }
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

  const company = useCompanyDetail(session, state.company, dataVersion, setStatus);

  return <BoardView state={state} detail={detail && detail.deal.id === openId ? detail : null} company={company} theme={theme} width={width} height={height} timeZone={session.timeZone} />;
}
