/** Contacts screen: wires the reducer, the input hook, the domain calls and the view. */
import { useCallback, useEffect, useState } from 'react';
import { addTask, logActivity } from '../../../domain/activities.js';
import { listContacts, showContact, type ContactRecord } from '../../../domain/contacts.js';
import { timelineFor, type TimelineEntry } from '../../../domain/timeline.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import { useContactsInput } from './input.js';
import { contactsReducer, initialContactsState, type ContactPromptKind } from './state.js';
import { ContactsView, contactsListHeight } from './view.js';

/** How many matches the list holds; the count line says how many exist. */
export const CONTACTS_LIMIT = 500;
export const CONTACT_TIMELINE_LIMIT = 50;

export function ContactsScreen({ session, theme, width, height, active, dataVersion, now, setStatus, changed }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(contactsReducer, initialContactsState);
  const [detail, setDetail] = useState<{ contact: ContactRecord; timeline: TimelineEntry[] } | null>(null);

  const submit = useCallback(
    (kind: ContactPromptKind, values: Record<string, string>, contactId: number) => {
      const ref = `contact:${contactId}`;
      const done =
        kind === 'task'
          ? addTask(session, { title: values.title, due: values.due, links: { contact: String(contactId) } }).then((r) => `Added task #${r.task.id} "${r.task.subject}"${r.task.dueAt ? ` due ${r.due?.display ?? r.task.dueAt}` : ''}.`)
          : logActivity(session, { kind, ref, subject: values.subject!, next: kind === 'call' && values.next ? values.next : undefined }).then(
              (r) => `Logged ${kind} #${r.activity.id}${r.task ? `, follow-up task #${r.task.id}` : ''}.`,
            );
      done
        .then((msg) => {
          setStatus(msg);
          changed();
        })
        .catch((err) => setStatus(errorText(err), 'error'));
    },
    [session, setStatus, changed],
  );

  useContactsInput({ state: ref, dispatch, listHeight: contactsListHeight(height), submit }, { isActive: active });

  useEffect(() => {
    let current = true;
    const query = state.query;
    listContacts(session, { text: query.trim() || undefined, limit: CONTACTS_LIMIT })
      .then((r) => current && dispatch({ type: 'loaded', query, rows: r.rows, total: r.total }))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, state.query, dataVersion, dispatch, setStatus]);

  useEffect(() => {
    if (state.openId === null) {
      setDetail(null);
      return;
    }
    let current = true;
    const id = state.openId;
    Promise.all([showContact(session, String(id)), timelineFor(session, { contactId: id }, { limit: CONTACT_TIMELINE_LIMIT })])
      .then(([contact, timeline]) => current && setDetail({ contact, timeline }))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, state.openId, dataVersion, setStatus]);

  return <ContactsView state={state} detail={detail && detail.contact.id === state.openId ? detail : null} theme={theme} width={width} height={height} timeZone={session.timeZone} now={now} />;
}
