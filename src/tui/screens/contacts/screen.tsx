/** Contacts screen: wires the reducer, the input hook, the domain calls and the view. */
import { useCallback, useEffect, useState } from 'react';
import { addTask, logActivity } from '../../../domain/activities.js';
import { contactStanding, type ContactStanding } from '../../../domain/contact-standing.js';
import { listContacts, showContact, type ContactRecord } from '../../../domain/contacts.js';
import { timelineFor, type TimelineEntry } from '../../../domain/timeline.js';
import { addPsychNote, psychNotesOf, type PsychNoteRecord } from '../../../domain/psych-notes.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import { useContactsInput, type ContactsForm } from './input.js';
import { editContactForm, newContactForm } from '../../record-forms.js';
import { contactsReducer, contactTarget, initialContactsState, type ContactPromptKind, type ContactTarget } from './state.js';
import { ContactsView, contactsListHeight } from './view.js';

/** How many matches the list holds; the count line says how many exist. */
export const CONTACTS_LIMIT = 500;
export const CONTACT_TIMELINE_LIMIT = 50;

/**
 * The status line after logging on a contact that is archived, or was merged into another, since
 * the screen showed it. Logging went on that contact all the same, as `crm log` does (it resolves
 * a contact id whether archived or not); the line says so instead of leaving it unnoticed.
 */
export function archivedContactNotice(done: string, contact: ContactTarget, standing: ContactStanding | null): string | null {
  if (!standing || standing.state === 'active') return null;
  const merged = standing.state === 'merged' ? `: merged into ${standing.into ? `#${standing.into.id} ${standing.into.name}` : 'another contact'}` : '';
  return `${done.replace(/\.$/, '')} — ${contact.name} (#${contact.id}) is archived${merged} (logged there, as crm log does).`;
}

export function ContactsScreen({ session, theme, width, height, active, dataVersion, now, setStatus, changed, openForm, request }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(contactsReducer, initialContactsState);
  const [detail, setDetail] = useState<{ contact: ContactRecord; timeline: TimelineEntry[]; psychNotes: PsychNoteRecord[] } | null>(null);

  const submit = useCallback(
    (kind: ContactPromptKind, values: Record<string, string>, contact: ContactTarget) => {
      // Exactly the contact the form was opened for (by id), whatever the list shows by now.
      const contactId = contact.id;
      const ref = `contact:${contactId}`;
      const done =
        kind === 'psych'
          ? addPsychNote(session, String(contactId), values.body ?? '').then((n) => `Added psychological note #${n.id}.`)
          : kind === 'task'
          ? addTask(session, { title: values.title, due: values.due, links: { contact: String(contactId) } }).then((r) => `Added task #${r.task.id} "${r.task.subject}"${r.task.dueAt ? ` due ${r.due?.display ?? r.task.dueAt}` : ''}.`)
          : logActivity(session, { kind, ref, subject: values.subject!, next: kind === 'call' && values.next ? values.next : undefined }).then(
              (r) => `Logged ${kind} #${r.activity.id}${r.task ? `, follow-up task #${r.task.id}` : ''}.`,
            );
      done
        .then(async (msg) => {
          // Archived or merged away since the screen showed it: say so (the write stands, as with crm log).
          const notice = archivedContactNotice(msg, contact, await contactStanding(session, contactId).catch(() => null));
          if (notice) setStatus(notice, 'error');
          else setStatus(msg);
          changed();
        })
        .catch((err) => setStatus(errorText(err), 'error'));
    },
    [session, setStatus, changed],
  );

  const form = useCallback(
    (f: ContactsForm) => {
      if (f.type === 'new-contact') {
        openForm(newContactForm(session, (c) => dispatch({ type: 'open-contact', contact: contactTarget(c) })));
        return;
      }
      showContact(session, String(f.contact.id))
        .then((c) => openForm(editContactForm(session, c)))
        .catch((err) => setStatus(errorText(err), 'error'));
    },
    [session, openForm, setStatus, dispatch],
  );

  useContactsInput({ state: ref, dispatch, listHeight: contactsListHeight(height), submit, form }, { isActive: active });

  // Sent here to show a contact (a deal's contact, from the board).
  useEffect(() => {
    if (request?.screen === 'contacts') dispatch({ type: 'open-contact', contact: { id: request.contactId, name: `#${request.contactId}` } });
  }, [request, dispatch]);

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

  const openId = state.open?.id ?? null;
  useEffect(() => {
    if (openId === null) {
      setDetail(null);
      return;
    }
    let current = true;
    const id = openId;
    Promise.all([showContact(session, String(id)), timelineFor(session, { contactId: id }, { limit: CONTACT_TIMELINE_LIMIT }), psychNotesOf(session.db, id)])
      .then(([contact, timeline, psychNotes]) => {
        if (!current) return;
        setDetail({ contact, timeline, psychNotes });
        // Forms opened from the detail name the contact as the detail now shows it.
        dispatch({ type: 'detail', contact: contactTarget(contact) });
      })
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, openId, dataVersion, setStatus, dispatch]);

  return <ContactsView state={state} detail={detail && detail.contact.id === openId ? detail : null} theme={theme} width={width} height={height} timeZone={session.timeZone} now={now} />;
}
