import { Breadcrumb } from 'antd'
import { useAsync } from '../lib/use-async.js'
import { fetchRegion } from '../lib/regions-api.js'

/** 湖州市 / 吴兴区 / 月河街道: from the user's own region down to `code`, each step a way back. */
export function RegionTrail({ code, onPick }: { code: string; onPick: (code: string, name: string) => void }) {
  const region = useAsync(() => fetchRegion(code), [code])
  const path = region.data?.code === code ? region.data.path : []
  return (
    <Breadcrumb
      data-testid="rollup-trail"
      style={{ marginBottom: 12 }}
      items={path.map((p, i) => ({
        key: p.code,
        title: i < path.length - 1
          ? <a onClick={(e) => { e.preventDefault(); onPick(p.code, p.name) }} href={`#${p.code}`}>{p.name}</a>
          : p.name,
      }))}
    />
  )
}
