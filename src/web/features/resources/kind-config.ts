import type { DescriptionsProps, TableColumnsType } from 'antd'
import type { ComponentType } from 'react'
import type { ResourceKind } from '../../../domain/resources/kinds.js'
import type { RegionLevel } from '../../../domain/regions/code.js'
import type { DetailInputs, Details, KindFilters, Resource } from './api.js'

export type Option = { value: string; label: string }

/** A list filter of one kind (队伍层级, 隐患等级), sent as its own query parameter. */
export type KindFilterDef = {
  key: keyof KindFilters
  placeholder: string
  options?: readonly Option[]
  /** Options asked of the server when the page opens (expert groups are configured locally). */
  load?: () => Promise<Option[]>
  width?: number
}

/**
 * Everything that differs between the six resource lists: the shared page, drawers and detail
 * view read it, so a kind is one file rather than a copy of the page.
 */
export type KindConfig<K extends ResourceKind> = {
  kind: K
  /** Menu entry and page title. */
  title: string
  /** What one record is called on buttons (新增队伍). */
  noun: string
  sub: string
  /** How the shared fields are called for this kind (an expert's 负责人 is the expert). */
  titles: { name: string; responsible: string; liaison: string; ownerUnit: string }
  responsibleRequired?: boolean
  filters: readonly KindFilterDef[]
  /** Columns shown after the name. */
  columns: TableColumnsType<Resource<K>>
  scrollX: number
  /** Detail of a new record; the level of the region it is added at picks sensible defaults. */
  blank: (level: RegionLevel) => Partial<DetailInputs[K]>
  /** The form's detail values from a record being edited (labels dropped). */
  toInput: (d: Details[K]) => DetailInputs[K]
  /** Form items of the detail, named ['detail', field]. */
  Fields: ComponentType<{ current: Resource<K> | null }>
  /** Lines of the detail view. */
  describe: (r: Resource<K>) => NonNullable<DescriptionsProps['items']>
}

export const optionsOf = (table: Record<string, string>): Option[] => Object.entries(table).map(([value, label]) => ({ value, label }))
export const listOptions = (values: readonly string[]): Option[] => values.map((v) => ({ value: v, label: v }))
