/** Agenda screen: overdue and today's tasks (and the week's), mark done. */
import { useCallback, useEffect } from 'react';
import { agenda, setTaskDone, snoozeTask } from '../../../domain/activities.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import { useAgendaInput } from './input.js';
import { agendaReducer, initialAgendaState, type TaskTarget } from './state.js';
import { AgendaView, agendaListHeight } from './view.js';

export function AgendaScreen({ session, theme, width, height, active, dataVersion, now, setStatus, changed }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(agendaReducer, initialAgendaState);

  const markDone = useCallback(
    (taskId: number) => {
      setTaskDone(session, taskId, true)
        .then((t) => {
          setStatus(`Done: task #${t.id} ${t.subject}`);
          changed();
        })
        .catch((err) => setStatus(errorText(err), 'error'));
    },
    [session, setStatus, changed],
  );
  const snooze = useCallback(
    (task: TaskTarget, when: string) => {
      snoozeTask(session, task.id, when)
        .then((r) => {
          setStatus(`Snoozed task #${r.task.id} ${r.task.subject} until ${r.due?.display ?? r.task.dueAt}.`);
          changed();
        })
        .catch((err) => setStatus(errorText(err), 'error'));
    },
    [session, setStatus, changed],
  );
  useAgendaInput({ state: ref, dispatch, listHeight: agendaListHeight(height), markDone, snooze }, { isActive: active });

  useEffect(() => {
    let current = true;
    agenda(session, { owner: state.everyone ? 'all' : undefined, days: 7 })
      .then((a) => current && dispatch({ type: 'loaded', agenda: a }))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, state.everyone, dataVersion, dispatch, setStatus]);

  return <AgendaView state={state} theme={theme} width={width} height={height} now={now} timeZone={session.timeZone} />;
}
