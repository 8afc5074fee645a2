import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { Permission } from '../../domain/auth/roles.js'
import { fetchMe, logout, type Me, type Session } from './account-api.js'
import { isApiError, onSessionLost, setCsrfToken } from './http.js'

export type SessionState =
  | { status: 'loading' }
  | { status: 'offline'; message: string }
  /** `notice` explains why the user is back at the login page (timeout), if not by choice. */
  | { status: 'anonymous'; notice?: string }
  | { status: 'signed-in'; me: Me }

type SessionApi = {
  state: SessionState
  signedIn: (s: Session) => void
  signOut: () => Promise<void>
  updateMe: (patch: Partial<Me>) => void
  retry: () => void
}

const SessionContext = createContext<SessionApi | null>(null)

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let live = true
    fetchMe()
      .then((s) => {
        if (!live) return
        setCsrfToken(s.csrfToken)
        setState({ status: 'signed-in', me: s.user })
      })
      .catch((e: unknown) => {
        if (!live) return
        if (isApiError(e) && e.status === 401) setState({ status: 'anonymous' })
        else setState({ status: 'offline', message: isApiError(e) ? e.message : '无法连接服务器' })
      })
    return () => { live = false }
  }, [attempt])

  useEffect(() => {
    onSessionLost((e) => {
      setCsrfToken(null)
      // Several requests may fail together; the first notice is enough.
      setState((s) => (s.status === 'signed-in' ? { status: 'anonymous', notice: e.message } : s))
    })
  }, [])

  const signedIn = useCallback((s: Session) => {
    setCsrfToken(s.csrfToken)
    setState({ status: 'signed-in', me: s.user })
  }, [])

  const signOut = useCallback(async () => {
    try {
      await logout()
    } finally {
      setCsrfToken(null)
      setState({ status: 'anonymous' })
    }
  }, [])

  const updateMe = useCallback((patch: Partial<Me>) => {
    setState((s) => (s.status === 'signed-in' ? { ...s, me: { ...s.me, ...patch } } : s))
  }, [])

  const retry = useCallback(() => {
    setState({ status: 'loading' })
    setAttempt((a) => a + 1)
  }, [])

  const api = useMemo(() => ({ state, signedIn, signOut, updateMe, retry }), [state, signedIn, signOut, updateMe, retry])
  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext)
  if (!ctx) throw new Error('useSession outside SessionProvider')
  return ctx
}

/** The signed-in user; only for pages behind the route guard. */
export function useMe(): Me {
  const { state } = useSession()
  if (state.status !== 'signed-in') throw new Error('useMe outside a signed-in page')
  return state.me
}

/** Whether the user's role carries a permission. The server decides; this only hides buttons. */
export function useCan(): (p: Permission) => boolean {
  const me = useMe()
  return useCallback((p: Permission) => me.permissions.includes(p), [me])
}
