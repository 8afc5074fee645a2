import { Result, Spin } from 'antd'
import { Suspense } from 'react'
import { allowed, type Feature } from './feature.js'
import { useMe } from '../lib/session.js'

/** A page the user's role does not cover says so, rather than failing request by request. */
export function FeatureGate({ feature }: { feature: Feature }) {
  const me = useMe()
  if (!allowed(feature, me.permissions)) {
    return <Result status="403" title="无权访问" subTitle={`您的角色（${me.roleLabel}）不能使用“${feature.label}”。如需使用，请联系安全管理员。`} />
  }
  const Page = feature.page
  return (
    <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
      <Page />
    </Suspense>
  )
}
