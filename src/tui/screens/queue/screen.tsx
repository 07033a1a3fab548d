/** Support queue screen: wires the reducer, the input hook, the domain calls and the view. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { latestTicketState } from '../../../domain/ticket-latest.js';
import { assignTicket, listTickets, noteOnTicket, replyToTicket, setTicketStatus, showTicket, type TicketDetail } from '../../../domain/tickets.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import { isStaleConflict } from '../../../errors.js';
import { KEPT_NOTICE, ticketStaleMessage, type QueueVerb } from './conflict.js';
import { queuePrompt, useQueueInput, type QueueCommand, type QueueForm } from './input.js';
import { editTicketForm, newTicketForm } from '../../record-forms.js';
import { initialQueueState, queueFilterTokens, queueReducer, ticketTarget } from './state.js';
import { QueueView, queueListHeight } from './view.js';

export function QueueScreen({ session, theme, width, height, active, dataVersion, now, setStatus, changed, openForm }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(queueReducer, initialQueueState);
  const [detail, setDetail] = useState<TicketDetail | null>(null);

  const run = useCallback(
    (cmd: QueueCommand): Promise<void> => {
      // Every action goes to the ticket it was opened for and passes the version shown. Refused
      // because someone changed the ticket since (nothing was written): say what it is now and
      // who changed it, reload with the cursor on it, and give a typed reply or note back.
      const shown = cmd.ticket;
      const verb: QueueVerb = cmd.type === 'status' ? (cmd.to === 'solved' ? 'solve' : 'pending') : cmd.kind;
      const refused = async () => {
        const [latest, list] = await Promise.all([
          latestTicketState(session, shown.id).catch(() => null),
          listTickets(session, { filter: queueFilterTokens(ref.current), sort: 'deadline' }).catch(() => null),
        ]);
        dispatch({ type: 'focus', ticketId: shown.id });
        if (list) dispatch({ type: 'loaded', rows: list.rows });
        const reachable = ref.current.open?.id === shown.id || Boolean(list?.rows.some((r) => r.id === shown.id));
        let kept = false;
        if (cmd.type === 'submit' && cmd.kind !== 'assign' && latest && latest.ticket.status !== 'closed' && ref.current.prompt === null) {
          // The form again with the text, for the ticket as it is now: ⏎ sends it, esc drops it.
          const prompt = { ...queuePrompt(cmd.kind, shown.id, latest.ticket.subject, cmd.text), error: KEPT_NOTICE };
          dispatch({ type: 'prompt-open', prompt, ticket: ticketTarget(latest.ticket) });
          kept = true;
        }
        setStatus(ticketStaleMessage(shown, latest, verb, { reachable, kept }), 'error');
        changed();
      };
      const acted = (t: Parameters<typeof ticketTarget>[0], msg: string) => {
        dispatch({ type: 'acted', ticket: t });
        return msg;
      };
      let done: Promise<string>;
      if (cmd.type === 'status') {
        done = setTicketStatus(session, shown.id, cmd.to, { expectVersion: shown.version }).then((t) => acted(t, `Ticket #${t.id} is ${t.status}${cmd.to === 'pending' ? ' (SLA clock paused)' : ''}.`));
      } else if (cmd.kind === 'assign') {
        const who = cmd.text.trim() || session.actor;
        done = assignTicket(session, shown.id, who, shown.version).then((t) => acted(t, `Ticket #${t.id} assigned to ${t.assignee ?? who}.`));
      } else if (cmd.kind === 'reply') {
        done = replyToTicket(session, shown.id, cmd.text, shown.version).then((t) => acted(t, `Replied on ticket #${t.id}.`));
      } else {
        done = noteOnTicket(session, shown.id, cmd.text, shown.version).then((t) => acted(t, `Internal note added to ticket #${t.id}.`));
      }
      return done
        .then((msg) => {
          setStatus(msg);
          changed();
        })
        .catch((err) => (isStaleConflict(err) ? refused() : setStatus(errorText(err), 'error')))
        .catch((err) => setStatus(errorText(err), 'error'));
    },
    [session, setStatus, changed, dispatch, ref],
  );

  const form = useCallback(
    (f: QueueForm) => {
      if (f.type === 'new-ticket') {
        openForm(newTicketForm(session, (t) => dispatch({ type: 'focus', ticketId: t.id })));
        return;
      }
      showTicket(session, f.ticket.id)
        .then((t) => openForm(editTicketForm(session, t)))
        .catch((err) => setStatus(errorText(err), 'error'));
    },
    [session, openForm, setStatus, dispatch],
  );

  useQueueInput({ state: ref, dispatch, listHeight: queueListHeight(height), run, form }, { isActive: active });

  const tokens = useMemo(() => queueFilterTokens(state), [state.filter, state.mine]); // eslint-disable-line react-hooks/exhaustive-deps
  const tokenKey = tokens.join('\u0000');
  useEffect(() => {
    let current = true;
    listTickets(session, { filter: tokens, sort: 'deadline' })
      .then((r) => current && dispatch({ type: 'loaded', rows: r.rows }))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, tokenKey, dataVersion, dispatch, setStatus]); // eslint-disable-line react-hooks/exhaustive-deps

  const openId = state.open?.id ?? null;
  useEffect(() => {
    if (openId === null) {
      setDetail(null);
      return;
    }
    let current = true;
    showTicket(session, openId)
      .then((t) => {
        if (!current) return;
        setDetail(t);
        // Actions from the detail act on the ticket as the detail now shows it.
        dispatch({ type: 'detail', ticket: ticketTarget(t) });
      })
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, openId, dataVersion, setStatus, dispatch]);

  return <QueueView state={state} detail={detail && detail.id === openId ? detail : null} theme={theme} width={width} height={height} now={now} timeZone={session.timeZone} />;
}
