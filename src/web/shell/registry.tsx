import { createContext, useContext, type ComponentType, type ReactNode } from 'react'
import type { Feature } from './feature.js'

/** What a create drawer needs when it opens at a place clicked on the map (WGS84). */
export type PlaceEditorProps = { regionCode: string; at: { lng: number; lat: number }; onClose: () => void; onSaved: () => void }

/**
 * A capability's create drawer lent to the map's 新增点位, registered in the shell's list (like its
 * pages), so the map opens a team's or a supply line's form without importing either capability.
 */
export type PlaceEditor = { kind: string; Editor: ComponentType<PlaceEditorProps> }

type Registry = { features: readonly Feature[]; placeEditors: readonly PlaceEditor[] }

/*
 * The shell's lists (shell/features.ts) handed down to the pages that show them. A page reads
 * them here rather than importing the list, which imports every page's registration in turn.
 */
const RegistryContext = createContext<Registry>({ features: [], placeEditors: [] })

export function RegistryProvider({ value, children }: { value: Registry; children: ReactNode }) {
  return <RegistryContext.Provider value={value}>{children}</RegistryContext.Provider>
}

/** Every page of the app, in menu order. */
export function useFeatures(): readonly Feature[] {
  return useContext(RegistryContext).features
}

export function usePlaceEditor(kind: string): ComponentType<PlaceEditorProps> | null {
  return useContext(RegistryContext).placeEditors.find((e) => e.kind === kind)?.Editor ?? null
}
