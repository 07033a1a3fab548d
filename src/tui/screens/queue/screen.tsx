/** Support queue screen: wires the reducer, the input hook, the domain calls and the view. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { assignTicket, listTickets, noteOnTicket, replyToTicket, setTicketStatus, showTicket, type TicketDetail } from '../../../domain/tickets.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import { useQueueInput, type QueueCommand } from './input.js';
import { initialQueueState, queueFilterTokens, queueReducer } from './state.js';
import { QueueView, queueListHeight } from './view.js';

export function QueueScreen({ session, theme, width, height, active, dataVersion, now, setStatus, changed }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(queueReducer, initialQueueState);
  const [detail, setDetail] = useState<TicketDetail | null>(null);

  const run = useCallback(
    (cmd: QueueCommand) => {
      let done: Promise<string>;
      if (cmd.type === 'status') {
        done = setTicketStatus(session, cmd.ticketId, cmd.to).then((t) => `Ticket #${t.id} is ${t.status}${cmd.to === 'pending' ? ' (SLA clock paused)' : ''}.`);
      } else if (cmd.kind === 'assign') {
        const who = cmd.text.trim() || session.actor;
        done = assignTicket(session, cmd.ticketId, who).then((t) => `Ticket #${t.id} assigned to ${t.assignee ?? who}.`);
      } else if (cmd.kind === 'reply') {
        done = replyToTicket(session, cmd.ticketId, cmd.text).then((t) => `Replied on ticket #${t.id}.`);
      } else {
        done = noteOnTicket(session, cmd.ticketId, cmd.text).then((t) => `Internal note added to ticket #${t.id}.`);
      }
      done
        .then((msg) => {
          setStatus(msg);
          changed();
        })
        .catch((err) => setStatus(errorText(err), 'error'));
    },
    [session, setStatus, changed],
  );

  useQueueInput({ state: ref, dispatch, listHeight: queueListHeight(height), run }, { isActive: active });

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

  useEffect(() => {
    if (state.openId === null) {
      setDetail(null);
      return;
    }
    let current = true;
    showTicket(session, state.openId)
      .then((t) => current && setDetail(t))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, state.openId, dataVersion, setStatus]);

  return <QueueView state={state} detail={detail && detail.id === state.openId ? detail : null} theme={theme} width={width} height={height} now={now} timeZone={session.timeZone} />;
}
