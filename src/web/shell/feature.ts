import type { ComponentType, LazyExoticComponent, ReactNode } from 'react'
import type { Permission } from '../../domain/auth/roles.js'

/** A submenu that several related features sit under (应急资源). */
export type FeatureGroup = { key: string; label: string; icon: ReactNode }

/** What a capability contributes to the shell: a menu entry and the page behind it. */
export type Feature = {
  /** Route path without the leading slash; '' is the home page. */
  path: string
  label: string
  icon: ReactNode
  /** Shown to users holding any of these; absent means every signed-in user. */
  anyOf?: readonly Permission[]
  /** The page lists by the region chosen in the navigator, which is then shown beside it. */
  regionFilter?: boolean
  /** Listed under this submenu rather than at the top level. */
  group?: FeatureGroup
  /** Loaded when first visited, so the login page does not carry every table. */
  page: LazyExoticComponent<ComponentType>
}

export function allowed(feature: Feature, permissions: readonly string[]): boolean {
  return !feature.anyOf || feature.anyOf.some((p) => permissions.includes(p))
}
