import { useSyncExternalStore } from "react"

/** A tiny external store: NATS feeds write it, the Ink app reads it. */
export interface Store<S> {
  readonly get: () => S
  readonly update: (f: (s: S) => S) => void
  readonly subscribe: (listener: () => void) => () => void
}

export const makeStore = <S>(initial: S): Store<S> => {
  let state = initial
  const listeners = new Set<() => void>()
  return {
    get: () => state,
    update: (f) => {
      const next = f(state)
      if (next === state) return
      state = next
      for (const l of listeners) l()
    },
    subscribe: (l) => {
      listeners.add(l)
      return () => void listeners.delete(l)
    }
  }
}

/** The store's current state; re-renders on change. */
export const useStore = <S>(store: Store<S>): S => useSyncExternalStore(store.subscribe, store.get, store.get)
