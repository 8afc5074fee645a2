/**
 * Where a stored position came from. A warning drawn as a polygon reaches the villages whose
 * position lies inside it, so a position someone invented must never pass for a real one:
 * 示意 positions are drawn hollow on every map and counted before a shape target is submitted.
 */
export const POSITION_SOURCES = {
  /** Placed by the system near the parent region (deterministic scatter): says nothing of the real place. */
  sketch: '示意',
  /** From a file (spreadsheet or GeoJSON) or a published data set. */
  imported: '导入',
  /** Dragged on a map or typed in by a user. */
  manual: '人工标注',
  /** From a survey (测绘成果), imported as such. */
  survey: '测绘',
} as const

export type PositionSource = keyof typeof POSITION_SOURCES
export const POSITION_SOURCE_KEYS = Object.keys(POSITION_SOURCES) as PositionSource[]

export function isPositionSource(value: unknown): value is PositionSource {
  return typeof value === 'string' && value in POSITION_SOURCES
}

/** A stored source as its type; a region or record without a position has none. */
export function storedSource(value: string | null | undefined): PositionSource | null {
  return isPositionSource(value) ? value : null
}

/** The label of a source, or '无位置' for a region or record not placed at all. */
export function positionSourceLabel(source: string | null | undefined): string {
  return isPositionSource(source) ? POSITION_SOURCES[source] : '无位置'
}

/** The words every map legend and popup uses for a sketch position. */
export const SKETCH_LABEL = '示意位置'
export const SKETCH_HINT = '系统按上级区划自动摆放的示意位置，不代表实际地点；请导入或标注实际位置'
