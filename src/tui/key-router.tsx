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
  // Whether it takes keys is read when a key comes, not when an effect has re-registered it: a
  // key typed just after a form closes reaches the screen under it (an effect runs only after
  // the frame is drawn, and that key used to fall through to the global keys in between).
  const active = opts.isActive !== false;
  ref.current = active ? handler : () => false;
  useEffect(() => {
    if (!router) return;
    const entry = ref;
    router.handlers.add(entry);
    return () => {
      router.handlers.delete(entry);
    };
  }, [router]);
}

/**
 * useKeyHandler for a screen whose keys write: `handler` returns false (not its key), true
 * (handled), or a promise (handled, and a write is under way). A key the screen `claims` that
 * comes while a write is under way waits for it and is then read against the state it left:
 * `L L` typed at once moves a deal two stages, and `p s` parks then solves a ticket, where the
 * second key used to carry the version from before the first write and be refused as "changed
 * meanwhile (by you)". Keys the screen does not claim pass on at once.
 */
export function useOrderedKeyHandler(handler: (input: string, key: Key) => boolean | Promise<unknown>, claims: KeyHandler, opts: { isActive?: boolean } = {}): void {
  const waiting = useRef<[string, Key][] | null>(null);
  const handle = (input: string, key: Key): boolean => {
    if (waiting.current) {
      if (!claims(input, key)) return false;
      waiting.current.push([input, key]);
      return true;
    }
    const out = handler(input, key);
    if (typeof out === 'boolean') return out;
    const keys: [string, Key][] = (waiting.current = []);
    void out.finally(() => {
      waiting.current = null;
      // Each key may start a write of its own; the rest then wait for that one.
      while (keys.length) {
        const [i, k] = keys.shift()!;
        handle(i, k);
      }
    });
    return true;
  };
  useKeyHandler(handle, opts);
}
