import { EyeOutlined, SyncOutlined } from '@ant-design/icons'
import { Alert, Button, Descriptions, Popconfirm, Space, Tag, Tooltip, Typography } from 'antd'
import { useState } from 'react'
import { Page, PageHeader } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { readGatewaySettings, rotateGatewaySecret, type GatewaySettings } from './api.js'

const PROVIDER_ROWS = [
  ['aliyunSmsReport', '阿里云短信状态报告（SmsReport）'], ['aliyunSmsUp', '阿里云上行短信（SmsUp）'], ['aliyunVoiceReport', '阿里云语音呼叫记录（VoiceReport）'],
  ['tencentSmsStatus', '腾讯云短信状态回调'], ['tencentSmsReply', '腾讯云短信回复回调'], ['tencentVoice', '腾讯云语音消息回调'],
] as const

/** The cloud providers' callback URLs, shown when one is chosen; each holds a token derived from the secret. */
function providerRows(urls: GatewaySettings['providerCallbackUrls']) {
  if (!urls) return []
  return PROVIDER_ROWS.map(([key, label]) => ({ key, label, children: <Typography.Text copyable>{urls[key]}</Typography.Text> }))
}

/**
 * What the system administrator enters in the SMS and voice gateways so that their receipts,
 * replies and call results are taken: the callback secret, how to sign, and where to post. The
 * secret is fetched only on request, since each reading is audited.
 */
export function GatewaySettingsPage() {
  const [settings, setSettings] = useState<GatewaySettings | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async (load: () => Promise<GatewaySettings>, done?: string) => {
    setBusy(true)
    try {
      setSettings(await load())
      if (done) toast.success(done)
    } catch {
      // shown by the http client
    } finally {
      setBusy(false)
    }
  }

  const fromEnv = settings?.source === 'env'
  const rotate = (
    <Popconfirm
      title="轮换回调密钥？"
      description="旧密钥立即失效：在短信、语音网关换上新密钥之前，它们的回执与回复都会被拒绝。"
      okText="轮换"
      cancelText="取消"
      onConfirm={() => run(rotateGatewaySecret, '已生成新的回调密钥，请更新网关配置')}
      disabled={fromEnv}
    >
      <Button icon={<SyncOutlined />} danger loading={busy} disabled={fromEnv} data-testid="gateway-rotate">轮换密钥</Button>
    </Popconfirm>
  )

  return (
    <Page testId="gateway-settings-page">
      <PageHeader
        title="网关回调"
        sub="短信、语音网关回传回执、短信回复与呼叫结果时，须用回调密钥签名；未签名或签名不符的回调一律拒绝"
        extra={settings && (fromEnv ? <Tooltip title="密钥由环境变量 SHOUWANG_CALLBACK_SECRET 设定，请修改该变量后重启服务">{rotate}</Tooltip> : rotate)}
      />
      {!settings ? (
        <Space orientation="vertical" size="middle">
          <Alert type="info" showIcon title="回调密钥可用于替任何人确认预警，请勿外传。每次查看和轮换都记入审计日志。" />
          <Button type="primary" icon={<EyeOutlined />} loading={busy} onClick={() => run(readGatewaySettings)} data-testid="gateway-show">
            查看回调密钥与地址
          </Button>
        </Space>
      ) : (
        <Descriptions
          bordered
          size="small"
          column={1}
          data-testid="gateway-settings"
          items={[
            {
              key: 'secret', label: '回调密钥',
              children: (
                <Space wrap>
                  <Typography.Text code copyable data-testid="gateway-secret">{settings.secret}</Typography.Text>
                  {fromEnv ? <Tag color="blue">环境变量 SHOUWANG_CALLBACK_SECRET</Tag> : <Tag>本部署自动生成</Tag>}
                </Space>
              ),
            },
            { key: 'header', label: '签名请求头', children: <Typography.Text code copyable>{settings.header}</Typography.Text> },
            { key: 'algorithm', label: '签名方式', children: settings.algorithm },
            { key: 'receipt', label: '短信回执地址', children: <Typography.Text copyable>{settings.callbackUrls.smsReceipt}</Typography.Text> },
            { key: 'reply', label: '短信回复地址', children: <Typography.Text copyable>{settings.callbackUrls.smsReply}</Typography.Text> },
            { key: 'voice', label: '语音呼叫结果地址', children: <Typography.Text copyable>{settings.callbackUrls.voiceResult}</Typography.Text> },
            ...providerRows(settings.providerCallbackUrls),
            {
              key: 'allow', label: '网关地址白名单',
              children: settings.allow.length > 0
                ? <Space wrap>{settings.allow.map((a) => <Tag key={a} className="sw-num">{a}</Tag>)}</Space>
                : <Typography.Text type="secondary">未限制（可用环境变量 SHOUWANG_GATEWAY_ALLOW 列出网关的 IP 地址或网段）</Typography.Text>,
            },
          ]}
        />
      )}
    </Page>
  )
}
