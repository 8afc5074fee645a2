import { Alert, Card, Col, Descriptions, Row, Skeleton, Statistic, Typography } from 'antd'
import { Link } from 'react-router'
import { REGION_LEVEL_LABELS, REGION_LEVELS, type RegionLevel } from '../../../domain/regions/code.js'
import { useAsync } from '../../lib/use-async.js'
import { allowed } from '../../shell/feature.js'
import { useFeatures } from '../../shell/registry.js'
import { useMe } from '../../lib/session.js'
import { fetchChildren, fetchRootRegion, type Region } from '../../lib/regions-api.js'

const SHORTCUT_HINTS: Record<string, string> = {
  units: '乡镇街道、村社区、生产经营单位等组织机构名录',
  people: '负责人、联络人、信息员、网格员等联系方式',
  groups: '应急领导小组、指挥部成员及办公室',
  users: '账号、角色与辖区、口令与锁定',
  audit: '操作记录查询与完整性校验',
}

const LEVEL_NOUN: Record<RegionLevel, string> = {
  province: '省',
  city: '市',
  county: '区县',
  township: '乡镇（街道）',
  village: '村（社区）',
}

type Overview = { root: Region; children: Region[] }

/** Counts by kind (街道 / 镇 / 乡, 居委会 / 村委会) where the level has kinds, else by level. */
function countByKind(children: Region[]): Array<{ label: string; count: number }> {
  const counts = new Map<string, number>()
  for (const c of children) {
    const label = c.kind ?? LEVEL_NOUN[c.level]
    counts.set(label, (counts.get(label) ?? 0) + 1)
  }
  return [...counts].map(([label, count]) => ({ label, count }))
}

function nextLevel(level: RegionLevel): RegionLevel | null {
  return REGION_LEVELS[REGION_LEVELS.indexOf(level) + 1] ?? null
}

export function HomePage() {
  const me = useMe()
  const features = useFeatures()
  const overview = useAsync<Overview>(async () => {
    const root = await fetchRootRegion()
    const children = root.childCount > 0 ? await fetchChildren(root.code) : []
    return { root, children }
  }, [me.regionCode])

  const shortcuts = features.filter((f) => f.path !== '' && allowed(f, me.permissions))
  const isAdmin = ['users.manage', 'users.security', 'audit.read'].some((p) => me.permissions.includes(p))

  return (
    <div data-testid="home-page">
      {isAdmin && !me.totpEnabled && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="建议启用动态口令"
          description="管理员账号应使用双因素认证。请在右上角用户菜单中选择“动态口令”完成设置。"
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card title={`您好，${me.displayName}`} size="small" style={{ height: '100%' }}>
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'role', label: '角色', children: me.roleLabel },
                { key: 'region', label: '管辖范围', children: <span data-testid="home-jurisdiction">{me.regionName}</span> },
                { key: 'level', label: '辖区层级', children: REGION_LEVEL_LABELS[me.regionLevel as RegionLevel] ?? me.regionLevel },
                { key: 'code', label: '区划代码', children: <span className="sw-num">{me.regionCode}</span> },
              ]}
            />
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0, fontSize: 12 }}>
              您可查看和维护本辖区及下级区划的数据；相邻区划的数据不可见。
            </Typography.Paragraph>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title="辖区概况" size="small" style={{ height: '100%' }}>
            {overview.loading ? (
              <Skeleton active paragraph={{ rows: 2 }} />
            ) : overview.data ? (
              <JurisdictionCounts {...overview.data} />
            ) : (
              <Typography.Text type="secondary">辖区概况暂时无法加载。</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
      <Typography.Title level={5} style={{ margin: '20px 0 12px' }}>常用功能</Typography.Title>
      <Row gutter={[16, 16]}>
        {shortcuts.map((f) => (
          <Col key={f.path} xs={24} sm={12} xl={6}>
            <Link to={`/${f.path}`} data-testid={`shortcut-${f.path}`}>
              <Card hoverable size="small">
                <Card.Meta
                  avatar={<span style={{ fontSize: 22, color: '#1f4e8c' }}>{f.icon}</span>}
                  title={f.label}
                  description={SHORTCUT_HINTS[f.path] ?? ''}
                />
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </div>
  )
}

function JurisdictionCounts({ root, children }: Overview) {
  if (children.length === 0) {
    return <Typography.Text type="secondary">{root.fullName}为最基层区划，无下级区划。</Typography.Text>
  }
  const below = nextLevel(root.level)
  const grandLevel = below ? nextLevel(below) : null
  const grandTotal = children.reduce((n, c) => n + c.childCount, 0)
  return (
    <Row gutter={[16, 16]} data-testid="home-counts">
      <Col span={8}>
        <Statistic title={`下辖${below ? LEVEL_NOUN[below] : ''}`} value={children.length} suffix="个" />
      </Col>
      {countByKind(children).length > 1 && countByKind(children).map((k) => (
        <Col span={4} key={k.label}>
          <Statistic title={k.label} value={k.count} />
        </Col>
      ))}
      {grandLevel && grandTotal > 0 && (
        <Col span={8}>
          <Statistic title={`其中${LEVEL_NOUN[grandLevel]}`} value={grandTotal} suffix="个" />
        </Col>
      )}
    </Row>
  )
}
