/**
 * The app shell: tab bar, the four screens, status line, help overlay, global keys, live
 * reload. Screens stay mounted once visited (hidden with display none) so switching back keeps
 * their cursor and filter; only the visible one takes keys and follows database changes.
 */
import { Box, Text, useApp, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import type { Session } from '../domain/session.js';
import { FormScreen, HelpOverlay } from './components.js';
import { formKey, formRefused, type FormState } from './form.js';
import { allows } from '../domain/permissions.js';
import { actionFor, setKeyPermits, AGENDA_KEYS, BOARD_KEYS, CONTACTS_KEYS, DASHBOARD_KEYS, INBOX_KEYS, QUEUE_KEYS, GLOBAL_KEYS, keyName, type GlobalAction, type Keymap } from './keymap.js';
import { KeyRouter } from './key-router.js';
import { useDataVersion, useNow, POLL_MS } from './live.js';
import { AgendaScreen } from './screens/agenda/screen.js';
import { BoardScreen } from './screens/board/screen.js';
import type { Board } from '../domain/board.js';
import { QueueScreen } from './screens/queue/screen.js';
import { ContactsScreen } from './screens/contacts/screen.js';
import { DashboardScreen } from './screens/dashboard/screen.js';
import { InboxScreen } from './screens/inbox/screen.js';
import { errorText, type FormSpec, type Navigation, type ScreenProps, type StatusKind } from './screens/types.js';
import { truncate } from './text.js';
import { makeTheme } from './theme.js';
import { useReducerRef } from './use-reducer-ref.js';
import { openForm as openFormState } from './form.js';

import { SCREENS, type ScreenName } from './screen-names.js';

export { SCREENS, isScreenName, type ScreenName } from './screen-names.js';

interface ScreenDef {
  title: string;
  keymap: Keymap;
  component: (p: ScreenProps) => ReactElement;
}

export const SCREEN_DEFS: Record<ScreenName, ScreenDef> = {
  board: { title: 'Board', keymap: BOARD_KEYS, component: (p) => <BoardScreen {...p} /> },
  queue: { title: 'Queue', keymap: QUEUE_KEYS, component: (p) => <QueueScreen {...p} /> },
  contacts: { title: 'Contacts', keymap: CONTACTS_KEYS, component: (p) => <ContactsScreen {...p} /> },
  agenda: { title: 'Agenda', keymap: AGENDA_KEYS, component: (p) => <AgendaScreen {...p} /> },
  dashboard: { title: 'Dashboard', keymap: DASHBOARD_KEYS, component: (p) => <DashboardScreen {...p} /> },
  inbox: { title: 'Inbox', keymap: INBOX_KEYS, component: (p) => <InboxScreen {...p} /> },
};

// ---- app state: a pure reducer -------------------------------------------------------------

export interface AppState {
  screen: ScreenName;
  visited: ScreenName[];
  help: boolean;
}

export type AppEvent = { type: 'go'; screen: ScreenName } | { type: 'cycle'; by: 1 | -1 } | { type: 'help'; open: boolean };

export function appReducer(state: AppState, ev: AppEvent): AppState {
  switch (ev.type) {
    case 'go':
      return { ...state, screen: ev.screen, visited: state.visited.includes(ev.screen) ? state.visited : [...state.visited, ev.screen] };
    case 'cycle': {
      const i = SCREENS.indexOf(state.screen);
      return appReducer(state, { type: 'go', screen: SCREENS[(i + ev.by + SCREENS.length) % SCREENS.length]! });
    }
    case 'help':
      return { ...state, help: ev.open };
  }
}


// ---- terminal size --------------------------------------------------------------------------

export interface Size {
  columns: number;
  rows: number;
}

function useTerminalSize(fixed?: Size): Size {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: (stdout as { rows?: number }).rows || 24 });
  const [size, setSize] = useState<Size>(fixed ?? read());
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout, fixed]);
  return fixed ?? size;
}

/** Unread notifications of the acting user, reloaded with the data (0 when it cannot be read). */
function useUnread(session: Session, dataVersion: number): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    let current = true;
    import('../automation/inbox.js')
      .then(({ unreadCount }) => unreadCount(session))
      .then((c) => current && setN(c))
      .catch(() => current && setN(0));
    return () => {
      current = false;
    };
  }, [session, dataVersion]);
  return n;
}

// ---- the component --------------------------------------------------------------------------

export interface AppProps {
  session: Session;
  color: boolean;
  initialScreen?: ScreenName;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: Size;
  /** data_version poll interval; 0 turns live reload off (tests drive it by hand). */
  pollMs?: number;
  /** Ticking interval for countdowns; 0 freezes. */
  tickMs?: number;
  /** Where the database lives, for the title bar. */
  label?: string;
  /** The board's pipeline (default: the default one). */
  pipeline?: string;
  /** The board, read before Ink loaded (crm tui --screen board): the first frame shows it. */
  initialBoard?: Board;
}

export function App({ session, color, initialScreen = 'board', size: fixedSize, pollMs = POLL_MS, tickMs = 1000, label, pipeline, initialBoard }: AppProps) {
  const { exit } = useApp();
  // Keys for changes the acting user may not make are hidden and inert (the domain's own table).
  const principal = session.principal;
  setKeyPermits(principal ? (action) => allows(principal, action) : null);
  const size = useTerminalSize(fixedSize);
  const theme = makeTheme(color);
  const [state, dispatch, ref] = useReducerRef(appReducer, { screen: initialScreen, visited: [initialScreen], help: false });
  const [status, setStatusState] = useState<{ text: string; kind: StatusKind } | null>(null);
  const dbVersion = useDataVersion(session, pollMs);
  // One number that changes when the screens should reload: another process committed (SQLite's
  // data_version), or one of our screens wrote (our own commits do not change data_version).
  const [ownWrites, setOwnWrites] = useState(0);
  const dataVersion = dbVersion * 1_000_000 + ownWrites;
  const changed = useCallback(() => setOwnWrites((n) => n + 1), []);
  const now = useNow(session, tickMs);
  const unread = useUnread(session, dataVersion);
  const seen = useRef<Partial<Record<ScreenName, number>>>({});
  seen.current[state.screen] = dataVersion;

  const setStatus = useCallback((text: string, kind: StatusKind = 'info') => setStatusState({ text, kind }), []);

  // The open record form (one at a time, over the screen that opened it). The ref is what key
  // handlers read: a burst of keys must see the state the previous key left.
  const [form, setFormState] = useState<{ spec: FormSpec; state: FormState } | null>(null);
  const formRef = useRef(form);
  const setForm = useCallback((f: { spec: FormSpec; state: FormState } | null) => {
    formRef.current = f;
    setFormState(f);
  }, []);
  const openForm = useCallback((spec: FormSpec) => setForm({ spec, state: openFormState(spec.title, spec.fields) }), [setForm]);
  const onForm = useCallback(
    (input: string, key: Parameters<typeof keyName>[1]): boolean => {
      const f = formRef.current;
      if (!f) return false;
      const out = formKey(f.state, input, key);
      if (!out) return false;
      if (out.type === 'cancel') setForm(null);
      else if (out.type === 'editing') setForm({ spec: f.spec, state: out.form });
      else {
        const saving = { spec: f.spec, state: { ...out.form, busy: true, error: null } };
        setForm(saving);
        f.spec
          .save(out.form)
          .then((msg) => {
            if (formRef.current === saving) setForm(null);
            setStatus(msg);
            changed();
          })
          .catch((err) => {
            if (formRef.current === saving) setForm({ spec: f.spec, state: formRefused(out.form, errorText(err), String((err as { message?: unknown })?.message ?? err)) });
          });
      }
      return true;
    },
    [setForm, setStatus, changed],
  );

  // Navigation between screens carrying a record (a deal's contact → the contacts screen).
  const [requests, setRequests] = useState<Partial<Record<ScreenName, Navigation>>>({});
  const navigate = useCallback(
    (to: Navigation) => {
      setRequests((r) => ({ ...r, [to.screen]: { ...to } }));
      dispatch({ type: 'go', screen: to.screen });
    },
    [dispatch],
  );

  const onGlobal = useCallback(
    (input: string, key: Parameters<typeof keyName>[1]) => {
      const action: GlobalAction | undefined = actionFor(GLOBAL_KEYS, input, key);
      switch (action) {
        case 'quit':
          exit();
          return true;
        case 'help':
          dispatch({ type: 'help', open: true });
          return true;
        case 'next-screen':
          dispatch({ type: 'cycle', by: 1 });
          return true;
        case 'prev-screen':
          dispatch({ type: 'cycle', by: -1 });
          return true;
        case 'board':
        case 'queue':
        case 'contacts':
        case 'agenda':
        case 'dashboard':
        case 'inbox':
          dispatch({ type: 'go', screen: action });
          return true;
      }
      return false;
    },
    [exit, dispatch],
  );

  const onOverlay = useCallback(
    (input: string, key: Parameters<typeof keyName>[1]) => {
      const name = keyName(input, key);
      if (name === 'ctrl+c') {
        exit();
        return true;
      }
      if (onForm(input, key)) return true;
      if (!ref.current.help) return false;
      if (name === '?' || name === 'escape' || name === 'q' || name === 'enter') dispatch({ type: 'help', open: false });
      return true;
    },
    [exit, dispatch, ref, onForm],
  );

  // Rows: the title bar, the screen, the status line. One row is left free so Ink never takes its
  // "taller than the terminal" path, which clears the whole screen on every frame (flicker).
  const rows = Math.max(6, size.rows - 1);
  const screenHeight = rows - 2;
  const width = Math.max(20, size.columns);

  // The inbox tab carries the unread count: the badge that says a rule wants you.
  const tabs = SCREENS.map((s, i) => ({ s, text: ` ${i + 1} ${SCREEN_DEFS[s].title}${s === 'inbox' && unread > 0 ? ` (${unread})` : ''} ` }));
  // Who you are: the acting user and role (crm whoami), then the database.
  const who = session.principal ? `${session.actor} (${session.principal.role})` : session.actor;
  const title = label ? ` ${who} · ${label}` : ` ${who}`;
  const def = SCREEN_DEFS[state.screen];

  return (
    <KeyRouter global={onGlobal} overlay={onOverlay}>
      <Box flexDirection="column" width={width} height={rows}>
        <Box width={width} height={1}>
          <Text wrap="truncate">
            <Text {...theme.accent} bold>
              crm{' '}
            </Text>
            {tabs.map(({ s, text }) => (
              <Text key={s} {...(s === state.screen ? theme.tabActive : theme.tabInactive)}>
                {text}
              </Text>
            ))}
            <Text {...theme.muted}>{truncate(title, Math.max(0, width - 4 - tabs.reduce((n, t) => n + t.text.length, 0)))}</Text>
          </Text>
        </Box>
        {state.help ? (
          <Box height={screenHeight} width={width}>
            <HelpOverlay
              theme={theme}
              width={width}
              height={screenHeight}
              sections={[
                { title: `${def.title} keys`, keymap: def.keymap },
                { title: 'Everywhere', keymap: GLOBAL_KEYS },
              ]}
            />
          </Box>
        ) : null}
        {form && !state.help ? (
          <Box height={screenHeight} width={width}>
            <FormScreen form={form.state} theme={theme} width={width} height={screenHeight} />
          </Box>
        ) : null}
        {state.visited.map((s) => {
          const Screen = SCREEN_DEFS[s].component;
          const visible = s === state.screen && !state.help && !form;
          return (
            <Box key={s} display={visible ? 'flex' : 'none'} height={screenHeight} width={width}>
              <Screen session={session} theme={theme} width={width} height={screenHeight} active={visible} dataVersion={seen.current[s] ?? dataVersion} now={now} setStatus={setStatus} changed={changed} pipeline={pipeline} openForm={openForm} navigate={navigate} request={requests[s] ?? null} initialBoard={s === 'board' ? initialBoard : undefined} />
            </Box>
          );
        })}
        <Text wrap="truncate" {...(status?.kind === 'error' ? theme.danger : theme.muted)}>
          {status ? truncate(status.text, width) : ' '}
        </Text>
      </Box>
    </KeyRouter>
  );
}
