import { Spin, Typography } from 'antd'
import { useAsync } from '../../lib/use-async.js'
import { fetchMapConfig } from './api.js'
import { MapView } from './MapView.js'

/** 应急一张图: every located resource of the jurisdiction on one map. */
export function MapPage() {
  const config = useAsync(() => fetchMapConfig(), [])
  if (config.loading && !config.data) return <Spin style={{ display: 'block', margin: '80px auto' }} />
  if (!config.data) return <Typography.Text type="danger">无法读取地图配置</Typography.Text>
  return <MapView config={config.data} />
}
