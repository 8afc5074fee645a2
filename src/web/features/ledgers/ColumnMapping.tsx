import { CheckOutlined } from '@ant-design/icons'
import { Alert, Button, Checkbox, Flex, Radio, Select, Tag, Typography } from 'antd'
import { useMemo, useState } from 'react'
import { RegionPicker } from '../../components/RegionPicker.js'
import { remapImport, type Annex, type ImportDetail } from './api.js'
import { columnLetter, IGNORED, initialChoices, mappingBody, problemsOf, targetOptions, type Choices } from './column-mapping.js'

type Props = {
  imp: ImportDetail
  annex: Annex
  /** The mapping was sent: the server reads the file again. */
  onSent: () => void
}

const SOURCE: Record<string, { label: string; color: string }> = {
  auto: { label: '自动识别', color: 'blue' },
  saved: { label: '沿用上次保存的对应关系', color: 'green' },
  user: { label: '本次指定', color: 'purple' },
}

/**
 * The column-mapping step: each column of the file with its header and a few of its values,
 * what it is read as (changeable, or 不导入), and — for a ledger whose rows belong to regions —
 * whether a column says where each row belongs or all rows belong to one region the user
 * picks. One column wide, so it reads the same on a phone.
 */
export function ColumnMapping({ imp, annex, onSent }: Props) {
  const columns = imp.meta?.sheetColumns ?? []
  const targets = annex.targets
  const [choices, setChoices] = useState<Choices>(() => initialChoices(imp, targets))
  const [sending, setSending] = useState(false)
  const options = useMemo(() => targetOptions(targets), [targets])
  const problems = problemsOf(choices, columns, targets)
  const placing = targets.some((t) => t.places)
  const needs = imp.meta?.needs ?? []
  const source = SOURCE[imp.meta?.mappingSource ?? 'auto']

  const send = async () => {
    setSending(true)
    try {
      await remapImport(imp.id, mappingBody(choices, columns))
      onSent()
    } catch {
      // shown by the http client
    } finally {
      setSending(false)
    }
  }

  if (columns.length === 0) {
    return <Alert type="info" showIcon title="该批次没有记录表格的列，请重新上传文件后再指定对应关系" />
  }
  return (
    <div data-testid="ledger-mapping">
      {needs.map((n) => <Alert key={n.code} type="warning" showIcon title={n.message} style={{ marginBottom: 8 }} />)}
      <Flex wrap gap={8} align="center" style={{ marginBottom: 8 }}>
        <Typography.Text strong>表格各列的对应关系</Typography.Text>
        {source && <Tag color={source.color}>{source.label}</Tag>}
      </Flex>
      <Flex vertical gap={8}>
        {columns.map((c) => {
          const value = choices.keys[c.index] ?? IGNORED
          return (
            <div key={c.index} className="sw-mapping-column" data-testid="ledger-mapping-column" data-label={c.label}
              style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: '8px 10px', minWidth: 0 }}>
              <Flex wrap gap={6} align="baseline">
                <Tag style={{ marginInlineEnd: 0 }}>{columnLetter(c.index)} 列</Tag>
                <Typography.Text strong style={{ wordBreak: 'break-all' }}>{c.label}</Typography.Text>
                {value === IGNORED && <Typography.Text type="secondary">（不导入）</Typography.Text>}
              </Flex>
              {c.samples.length > 0 && (
                <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0', wordBreak: 'break-all' }}>
                  例：{c.samples.join('、')}
                </Typography.Paragraph>
              )}
              <Select
                value={value}
                onChange={(v: string) => setChoices((ch) => ({ ...ch, keys: { ...ch.keys, [c.index]: v } }))}
                options={options}
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: '100%' }}
                aria-label={`“${c.label}”列对应`}
                data-testid="ledger-mapping-select"
              />
            </div>
          )
        })}
      </Flex>
      {placing && (
        <div style={{ marginTop: 12 }} data-testid="ledger-mapping-placement">
          <Typography.Text strong>每行属于哪个区划</Typography.Text>
          <Radio.Group
            style={{ display: 'flex', flexDirection: 'column', gap: 6, marginTop: 6 }}
            value={choices.placement?.kind ?? null}
            onChange={(e) => setChoices((ch) => ({
              ...ch, placement: e.target.value === 'all' ? { kind: 'all', regionCode: imp.regionCode } : { kind: 'column' },
            }))}
          >
            <Radio value="column">由表格中说明区划的列确定（如“乡镇（街道）”“村（社区）”）</Radio>
            <Radio value="all" data-testid="ledger-mapping-all">全部行都属于同一区划</Radio>
          </Radio.Group>
          {choices.placement?.kind === 'all' && (
            <div style={{ marginTop: 6 }}>
              <RegionPicker
                value={choices.placement.regionCode}
                onChange={(code) => setChoices((ch) => ({ ...ch, placement: { kind: 'all', regionCode: code } }))}
                data-testid="ledger-mapping-region"
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>默认是本次导入的区划“{imp.regionName}”；表格中的区划名称在所选区划之内查找。</Typography.Text>
            </div>
          )}
        </div>
      )}
      <Checkbox
        style={{ marginTop: 12 }}
        checked={choices.remember}
        onChange={(e) => setChoices((ch) => ({ ...ch, remember: e.target.checked }))}
      >
        记住此对应关系：同样表头的文件下次直接按此读取
      </Checkbox>
      {problems.length > 0 && (
        <Alert type="info" showIcon style={{ marginTop: 8 }} title="还需确认" description={problems.map((p) => <div key={p}>{p}</div>)} />
      )}
      <Button
        type="primary"
        icon={<CheckOutlined />}
        block
        style={{ marginTop: 12 }}
        loading={sending}
        disabled={problems.length > 0}
        onClick={send}
        data-testid="ledger-mapping-submit"
      >
        按此对应重新读取
      </Button>
    </div>
  )
}
