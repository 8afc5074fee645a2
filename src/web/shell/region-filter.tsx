import { createContext, useContext, useMemo, useState, type ReactNode } from 'react'
import { useMe } from '../lib/session.js'

export type RegionChoice = { code: string; name: string }

type RegionFilterApi = {
  /** The region chosen in the navigator; lists show it and everything below. */
  region: RegionChoice
  setRegion: (r: RegionChoice) => void
  /** The user's own region: the widest choice. */
  home: RegionChoice
}

const RegionFilterContext = createContext<RegionFilterApi | null>(null)

export function RegionFilterProvider({ children }: { children: ReactNode }) {
  const me = useMe()
  const home = useMemo(() => ({ code: me.regionCode, name: me.regionName }), [me.regionCode, me.regionName])
  const [chosen, setChosen] = useState<RegionChoice & { owner: number }>({ ...home, owner: me.id })
  // Another user signing in on the same page starts from their own region.
  const region = chosen.owner === me.id ? chosen : home
  const api = useMemo<RegionFilterApi>(
    () => ({ region, home, setRegion: (r) => setChosen({ ...r, owner: me.id }) }),
    [region, home, me.id],
  )
  return <RegionFilterContext.Provider value={api}>{children}</RegionFilterContext.Provider>
}

export function useRegionFilter(): RegionFilterApi {
  const ctx = useContext(RegionFilterContext)
  if (!ctx) throw new Error('useRegionFilter outside RegionFilterProvider')
  return ctx
}
