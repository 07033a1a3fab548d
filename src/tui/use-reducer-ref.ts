/**
 * useReducer whose latest state is also readable synchronously through a ref. Ink delivers a
 * burst of keys (typed fast, or sent by tmux) one after another inside one batch, before React
 * re-renders; key handlers must see the state the previous key produced, not the last render's.
 */
import { useCallback, useRef, useState, type MutableRefObject } from 'react';

export function useReducerRef<S, A>(reducer: (state: S, action: A) => S, initial: S | (() => S)): [S, (action: A) => void, MutableRefObject<S>] {
  const [state, setState] = useState<S>(initial);
  const ref = useRef<S>(state);
  const dispatch = useCallback(
    (action: A) => {
      ref.current = reducer(ref.current, action);
      setState(ref.current);
    },
    [reducer],
  );
  return [state, dispatch, ref];
}
