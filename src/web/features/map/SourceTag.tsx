import { Tag, Tooltip } from 'antd'
import { POSITION_SOURCES, positionSourceLabel, SKETCH_HINT, type PositionSource } from '../../../domain/map/position-sources.js'

const COLORS: Record<PositionSource, string> = { sketch: 'default', imported: 'blue', manual: 'green', survey: 'purple' }

/** Where a position came from; a sketch (示意) is dashed and says what it is. */
export function SourceTag({ source }: { source: PositionSource | null }) {
  if (!source) return <Tag>{positionSourceLabel(null)}</Tag>
  const tag = (
    <Tag color={COLORS[source]} style={source === 'sketch' ? { borderStyle: 'dashed' } : undefined} data-testid={`position-source-${source}`}>
      {POSITION_SOURCES[source]}
    </Tag>
  )
  return source === 'sketch' ? <Tooltip title={SKETCH_HINT}>{tag}</Tooltip> : tag
}
