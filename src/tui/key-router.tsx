/**
 * One Ink input listener for the whole app, routing each key press in a fixed order: the help
 * overlay, then the active screen's handler, then the global keys. (Several useInput hooks
 * would each see every key, in an order that changes as handlers re-subscribe, so `q` typed
 * into a search box could quit the app.) Screens register through useKeyHandler, with
 * `isActive` as in Ink's useInput, so panes coexist.
 */
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { useInput, type Key } from 'ink';
import { splitChunk } from './keymap.js';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** Returns true when it consumed the key. */
export type KeyHandler = (input: string, key: Key) => boolean;

interface Router {
  handlers: Set<{ current: KeyHandler }>;
}

const RouterContext = createContext<Router | null>(null);

export function KeyRouter({ children, global, overlay }: { children: ReactNode; global: KeyHandler; overlay?: KeyHandler }) {
  const router = useRef<Router>({ handlers: new Set() });
  useInput((input, key) => {
    const route = (i: string, k: Key) => {
      if (overlay?.(i, k)) return;
      for (const h of router.current.handlers) if (h.current(i, k)) return;
      global(i, k);
    };
    // Several characters at once (a paste, keys sent by tmux, fast typing): route them one by
    // one, so "/rah" is "/" (open the search) then "r", "a", "h" typed into the field, and each
    // handler sees the state the previous key produced.
    const plain = !key.ctrl && !key.meta && !key.escape && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow;
    if (plain && input.length > 1) for (const p of splitChunk(input)) route(p.input, { ...NO_KEY, ...p.key });
    else route(input, key);
  });
  return <RouterContext.Provider value={router.current}>{children}</RouterContext.Provider>;
}

export function useKeyHandler(handler: KeyHandler, opts: { isActive?: boolean } = {}): void {
  const router = useContext(RouterContext);
  const ref = useRef(handler);
  ref.current = handler;
  const active = opts.isActive !== false;
  useEffect(() => {
    if (!router || !active) return;
    const entry = ref;
    router.handlers.add(entry);
    return () => {
      router.handlers.delete(entry);
    };
  }, [router, active]);
}
