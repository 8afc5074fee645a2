import { Form, Input, Space, Tag } from 'antd'
import { orBlank } from '../../lib/format.js'
import { creditCodeRule } from '../../lib/credit-code-rule.js'
import type { KindConfig } from './kind-config.js'

/** 保供单位: enterprises under agreement to deliver supplies; the agreements hang below each one. */
export const supplierKind: KindConfig<'supplier'> = {
  kind: 'supplier',
  title: '保供单位',
  noun: '保供单位',
  sub: '协议储备、产能储备的保供企业及其保供协议；协议到期前 30 天提醒续签',
  titles: { name: '单位名称', responsible: '负责人', liaison: '联络人', ownerUnit: '对应单位（组织机构）' },
  filters: [],
  columns: [
    { title: '统一社会信用代码', key: 'credit', width: 180, render: (_v, r) => <span className="sw-num">{orBlank(r.detail.creditCode)}</span> },
    { title: '保供物资', key: 'summary', width: 220, ellipsis: true, render: (_v, r) => orBlank(r.detail.suppliesSummary) },
    { title: '有效协议', key: 'agreements', width: 130, render: (_v, r) => (
      <Space size={4}>
        <span className="sw-num">{r.detail.agreementsInForce} 份</span>
        {r.detail.agreementsEnding > 0 && <Tag color="orange">{r.detail.agreementsEnding} 份将到期</Tag>}
      </Space>
    ) },
  ],
  scrollX: 1600,
  blank: () => ({}),
  toInput: (d) => ({ creditCode: d.creditCode, suppliesSummary: d.suppliesSummary }),
  Fields: SupplierFields,
  describe: (r) => [
    { key: 'credit', label: '统一社会信用代码', children: orBlank(r.detail.creditCode) },
    { key: 'agreements', label: '有效协议', children: `${r.detail.agreementsInForce} 份${r.detail.agreementsEnding ? `，其中 ${r.detail.agreementsEnding} 份 30 天内到期` : ''}` },
    { key: 'summary', label: '保供物资', children: orBlank(r.detail.suppliesSummary), span: 2 },
  ],
}

function SupplierFields() {
  return (
    <>
      <Form.Item name={['detail', 'creditCode']} label="统一社会信用代码" rules={[creditCodeRule]}>
        <Input maxLength={30} />
      </Form.Item>
      <Form.Item name={['detail', 'suppliesSummary']} label="保供物资概述" rules={[{ max: 1000 }]}>
        <Input.TextArea rows={3} maxLength={1000} placeholder="如：矿泉水、方便面、帐篷；具体数量见保供协议" />
      </Form.Item>
    </>
  )
}
