/** Contacts screen: wires the reducer, the input hook, the domain calls and the view. */
import { useEffect, useState } from 'react';
import { listContacts, showContact, type ContactRecord } from '../../../domain/contacts.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import { useContactsInput } from './input.js';
import { contactsReducer, initialContactsState } from './state.js';
import { ContactsView, contactsListHeight } from './view.js';

/** How many matches the list holds; the count line says how many exist. */
export const CONTACTS_LIMIT = 500;

export function ContactsScreen({ session, theme, width, height, active, dataVersion, setStatus }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(contactsReducer, initialContactsState);
  const [detail, setDetail] = useState<ContactRecord | null>(null);
  useContactsInput({ state: ref, dispatch, listHeight: contactsListHeight(height) }, { isActive: active });

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
    showContact(session, String(state.openId))
      .then((c) => current && setDetail(c))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, state.openId, dataVersion, setStatus]);

  return <ContactsView state={state} detail={detail} theme={theme} width={width} height={height} />;
}
