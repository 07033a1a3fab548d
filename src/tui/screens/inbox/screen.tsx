/**
 * Inbox screen: the acting user's notifications from automation rules, unread first (bold).
 * Enter marks one read and opens its record — a contact on the contacts screen; a deal or ticket
 * shows the command that opens it — and `a` marks them all read.
 */
import { Box, Text } from 'ink';
import { useCallback, useEffect } from 'react';
import type { NotificationRecord } from '../../../automation/inbox.js';
import { relativeTime } from '../../../output/format.js';
import { Footer } from '../../components.js';
import { actionFor, INBOX_KEYS } from '../../keymap.js';
import { useKeyHandler } from '../../key-router.js';
import { clampPosition, isListAction, moveInList } from '../../list.js';
import { fit } from '../../text.js';
import { useReducerRef } from '../../use-reducer-ref.js';
import { errorText, type ScreenProps } from '../types.js';
import type { ListAction } from '../../keymap.js';

export interface InboxState {
  rows: NotificationRecord[];
  loaded: boolean;
  cursor: number;
  scroll: number;
}

export type InboxEvent = { type: 'loaded'; rows: NotificationRecord[] } | { type: 'move'; action: ListAction; height: number };

export function inboxReducer(state: InboxState, ev: InboxEvent): InboxState {
  switch (ev.type) {
    case 'loaded':
      return { ...state, rows: ev.rows, loaded: true, ...clampPosition(state, ev.rows.length, 1000) };
    case 'move':
      return { ...state, ...moveInList(state, ev.action, state.rows.length, ev.height) };
  }
}

export const initialInboxState: InboxState = { rows: [], loaded: false, cursor: 0, scroll: 0 };

export function inboxLine(n: NotificationRecord, width: number, now: Date): string {
  const when = 9;
  const record = Math.min(28, Math.max(10, Math.floor(width * 0.3)));
  return `${n.unread ? '●' : ' '} ${fit(relativeTime(n.createdAt, now), when)} ${fit(n.title, Math.max(10, width - when - record - 5))} ${fit(n.record ?? '', record)}`;
}

export function InboxScreen({ session, theme, width, height, active, dataVersion, now, setStatus, changed, navigate }: ScreenProps) {
  const [state, dispatch, ref] = useReducerRef(inboxReducer, initialInboxState);
  const listHeight = Math.max(1, height - 4);

  useEffect(() => {
    let current = true;
    import('../../../automation/inbox.js')
      .then(({ listInbox }) => listInbox(session, { all: true, limit: 500 }))
      .then((rows) => current && dispatch({ type: 'loaded', rows }))
      .catch((err) => current && setStatus(errorText(err), 'error'));
    return () => {
      current = false;
    };
  }, [session, dataVersion, dispatch, setStatus]);

  const open = useCallback(
    (n: NotificationRecord) => {
      import('../../../automation/inbox.js')
        .then(async ({ markRead }) => {
          if (n.unread) await markRead(session, n.id);
          changed();
          const contact = /^contact #(\d+)$/.exec(n.record ?? '');
          if (contact) navigate({ screen: 'contacts', contactId: Number(contact[1]) });
          else setStatus(n.open ? `${n.record}: ${n.open}` : n.title);
        })
        .catch((err) => setStatus(errorText(err), 'error'));
    },
    [session, changed, navigate, setStatus],
  );
  const readAll = useCallback(() => {
    import('../../../automation/inbox.js')
      .then(({ markRead }) => markRead(session, 'all'))
      .then((n) => {
        setStatus(`Marked ${n} notification${n === 1 ? '' : 's'} read`);
        changed();
      })
      .catch((err) => setStatus(errorText(err), 'error'));
  }, [session, changed, setStatus]);

  useKeyHandler(
    (input, key) => {
      const action = actionFor(INBOX_KEYS, input, key);
      if (isListAction(action)) dispatch({ type: 'move', action, height: listHeight });
      else if (action === 'open') {
        const n = ref.current.rows[ref.current.cursor];
        if (n) open(n);
      } else if (action === 'read-all') readAll();
      else return false;
      return true;
    },
    { isActive: active },
  );

  const { scroll } = clampPosition(state, state.rows.length, listHeight);
  const visible = state.rows.slice(scroll, scroll + listHeight);
  const selected = state.rows[state.cursor];
  const unread = state.rows.filter((r) => r.unread).length;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text {...theme.muted} wrap="truncate">{`Inbox · ${unread} unread · ${state.rows.length} in all`}</Text>
      <Box flexDirection="column" height={listHeight}>
        {state.loaded && state.rows.length === 0 ? <Text {...theme.muted} wrap="truncate">No notifications. Rules send them: crm help automation</Text> : null}
        {visible.map((n, i) => (
          <Text key={n.id} wrap="truncate" {...(scroll + i === state.cursor ? theme.selected : n.unread ? theme.heading : {})}>
            {inboxLine(n, width, now)}
          </Text>
        ))}
      </Box>
      <Text wrap="truncate" {...theme.muted}>
        {selected ? fit(`${selected.body ?? selected.title}${selected.open ? `  → ${selected.open}` : ''}`, width) : ' '}
      </Text>
      <Footer keymaps={[INBOX_KEYS]} theme={theme} width={width} />
    </Box>
  );
}
