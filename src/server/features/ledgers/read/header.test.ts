import { describe, expect, it } from 'vitest'
import { annexByKey } from '../../../../domain/ledgers/annexes.js'
import { ledgerSpec } from '../import-mapping.js'
import { fillLines, findHeader, labelMatches } from './header.js'
import type { Merge, SheetRow, SheetSpec } from './types.js'

/** Rows as they come out of a sheet, numbered from `first`; '' is a blank cell. */
function rows(first: number, ...lines: string[][]): SheetRow[] {
  return lines.map((cells, i) => ({
    row: first + i,
    cells: cells.map((t) => (t === '' ? { kind: 'empty' as const, text: '' } : { kind: 'text' as const, text: t })),
  }))
}

const contacts: SheetSpec = {
  columns: [
    { key: 'town', labels: ['乡镇（街道）', '乡镇'], type: 'region' },
    { key: 'unit', labels: ['单位名称', '单位'], type: 'text', required: true },
    { key: 'headName', labels: ['姓名'], parent: ['负责人', '主要负责人'], type: 'text' },
    { key: 'headTitle', labels: ['职务'], parent: ['负责人', '主要负责人'], type: 'text' },
    { key: 'headMobile', labels: ['手机', '手机号码'], parent: ['负责人', '主要负责人'], type: 'mobile' },
    { key: 'contactName', labels: ['姓名'], parent: ['联络人', '联络员'], type: 'text' },
    { key: 'contactMobile', labels: ['手机', '手机号码'], parent: ['联络人', '联络员'], type: 'mobile' },
    { key: 'note', labels: ['备注'], type: 'text' },
  ],
}

describe('labels', () => {
  it('match whatever the spacing, width, line breaks, markers and bracketed parts', () => {
    expect(labelMatches('物资\n名称', ['物资名称'])).toBe(true)
    expect(labelMatches(' 物 资 名 称 ', ['物资名称'])).toBe(true)
    expect(labelMatches('*物资名称', ['物资名称'])).toBe(true)
    expect(labelMatches('乡镇', ['乡镇（街道）'])).toBe(true)
    expect(labelMatches('乡镇(街道)', ['乡镇（街道）'])).toBe(true)
    expect(labelMatches('数量（台/件）', ['数量'])).toBe(true)
    expect(labelMatches('规格/型号', ['规格型号'])).toBe(true)
    expect(labelMatches('联系电话：', ['联系电话'])).toBe(true)
    expect(labelMatches('物资', ['物资名称'])).toBe(false)
    expect(labelMatches('存放地点', ['物资名称', '名称'])).toBe(false)
  })
})

describe('the header of a sheet', () => {
  const supply: SheetSpec = {
    columns: [
      { key: 'town', labels: ['乡镇（街道）'], type: 'region' },
      { key: 'name', labels: ['物资名称', '名称'], type: 'text', required: true },
      { key: 'quantity', labels: ['数量'], type: 'quantity', required: true },
      { key: 'unit', labels: ['单位'], type: 'text' },
      { key: 'phone', labels: ['联系电话'], type: 'phone' },
    ],
  }

  it('is found under the title and fill lines, which go into the meta', () => {
    const sheet = rows(1,
      ['附件4'],
      ['湖州市吴兴区八里店镇应急救援装备和物资储备明细表'],
      ['填报单位：八里店镇人民政府\u3000\u3000填报日期：2024年3月'],
      ['序号', '乡镇', '物资\n名称', '数量（件）', '单位', '备注'],
      ['1', '八里店镇', '救生衣', '200', '件'],
    )
    const header = findHeader(sheet, supply, null)
    expect(header).toMatchObject({
      headerRows: [4],
      lastIndex: 3,
      serialColumns: [0],
      title: '湖州市吴兴区八里店镇应急救援装备和物资储备明细表',
      fillUnit: '八里店镇人民政府',
      fillDate: '2024-03-01',
    })
    expect(header?.columns).toEqual([
      { key: 'town', index: 1, label: '乡镇' },
      { key: 'name', index: 2, label: '物资\n名称' },
      { key: 'quantity', index: 3, label: '数量（件）' },
      { key: 'unit', index: 4, label: '单位' },
    ])
  })

  it('is not a title that merely mentions a column, nor a row with too few labels', () => {
    const sheet = rows(1, ['物资名称汇总表'], ['名称', '说明'], ['x', 'y'])
    expect(findHeader(sheet, supply, null)).toBeNull()
  })

  it('combines a merged group cell with the labels under it (xlsx, merges known)', () => {
    const sheet = rows(3,
      ['序号', '乡镇', '单位名称', '负责人', '', '', '联络人', '', '备注'],
      ['', '', '', '姓名', '职务', '手机', '姓名', '手机', ''],
      ['1', '织里镇', '织里镇人民政府', '沈建华', '镇长', '13857200002', '钱小红', '13857200003'],
    )
    const merges: Merge[] = [
      { top: 3, left: 1, bottom: 4, right: 1 }, { top: 3, left: 2, bottom: 4, right: 2 }, { top: 3, left: 3, bottom: 4, right: 3 },
      { top: 3, left: 4, bottom: 3, right: 6 }, { top: 3, left: 7, bottom: 3, right: 8 }, { top: 3, left: 9, bottom: 4, right: 9 },
    ]
    const header = findHeader(sheet, contacts, merges)
    expect(header?.headerRows).toEqual([3, 4])
    expect(header?.lastIndex).toBe(1)
    expect(Object.fromEntries(header!.columns.map((c) => [c.key, [c.index, c.label]]))).toEqual({
      town: [1, '乡镇'],
      unit: [2, '单位名称'],
      headName: [3, '负责人/姓名'],
      headTitle: [4, '负责人/职务'],
      headMobile: [5, '负责人/手机'],
      contactName: [6, '联络人/姓名'],
      contactMobile: [7, '联络人/手机'],
      note: [8, '备注'],
    })
  })

  it('combines a group without merge information (CSV): blanks continue the group to their left', () => {
    const sheet = rows(1,
      ['乡镇（街道）应急相关负责人及联络人员名单'],
      ['乡镇', '单位名称', '主要负责人', '', '', '联络员', '', '备注'],
      ['', '', '姓名', '职务', '手机号码', '姓名', '手机号码', ''],
    )
    const header = findHeader(sheet, contacts, null)
    expect(header?.headerRows).toEqual([2, 3])
    expect(header?.title).toBe('乡镇（街道）应急相关负责人及联络人员名单')
    expect(header?.columns.map((c) => c.key)).toEqual(['town', 'unit', 'headName', 'headTitle', 'headMobile', 'contactName', 'contactMobile', 'note'])
  })

  it('finds the header on the lower row when the upper one holds only groups', () => {
    const sheet = rows(1,
      ['基本情况', '', '负责人', '', '联络人', ''],
      ['乡镇', '单位名称', '姓名', '手机', '姓名', '手机'],
    )
    const header = findHeader(sheet, contacts, [{ top: 1, left: 1, bottom: 1, right: 2 }, { top: 1, left: 3, bottom: 1, right: 4 }, { top: 1, left: 5, bottom: 1, right: 6 }])
    expect(header?.headerRows).toEqual([1, 2])
    expect(header?.columns.map((c) => c.key)).toEqual(['town', 'unit', 'headName', 'headMobile', 'contactName', 'contactMobile'])
  })

  it('reads group columns written in one cell, and a lone label only when no other column claims it', () => {
    const sheet = rows(1, ['乡镇', '单位名称', '负责人姓名', '负责人手机', '职务'])
    const header = findHeader(sheet, contacts, null)
    expect(header?.columns.map((c) => [c.key, c.label])).toEqual([
      ['town', '乡镇'], ['unit', '单位名称'], ['headName', '负责人姓名'], ['headMobile', '负责人手机'], ['headTitle', '职务'],
    ])
  })

  it('looks only at the first 20 rows', () => {
    const filler = Array.from({ length: 20 }, (_, i) => [`说明第 ${i + 1} 行`])
    const sheet = rows(1, ...filler, ['乡镇', '物资名称', '数量'])
    expect(findHeader(sheet, supply, null)).toBeNull()
    expect(findHeader(sheet.slice(1), supply, null)?.headerRows).toEqual([21])
  })
})

describe('the columns of a layout nobody designed', () => {
  const keys = (sheet: SheetRow[], annex: string, merges: Merge[] | null = null) =>
    Object.fromEntries(findHeader(sheet, ledgerSpec(annexByKey(annex)!), merges)!.sheetColumns.map((c) => [c.label, c.key]))

  it('puts person groups in any order, each with its own sub-columns, and reads compound region labels', () => {
    const sheet = rows(3,
      ['序号', '乡镇（街道）/村（社区）', '类别', '物资装备名称', '数量', '联系人', '', '负责人', '', '', '备注'],
      ['', '', '', '', '', '姓名', '联系电话', '姓名', '职务', '手机', ''],
    )
    expect(keys(sheet, 'annex4')).toEqual({
      '乡镇（街道）/村（社区）': 'place', 类别: 'category', 物资装备名称: 'name', 数量: 'quantity',
      '联系人/姓名': 'liaisonName', '联系人/联系电话': 'liaisonPhone', '负责人/姓名': 'keeperName', '负责人/职务': 'keeperPost', '负责人/手机': 'keeperPhone',
      备注: 'note',
    })
  })

  it('takes a lone contact group of a supply ledger as its keeper, and titles that only contain a role word', () => {
    expect(keys(rows(1, ['所在镇街及村社', '品名', '现有储备数量', '联系人', '联系电话']), 'annex4')).toEqual({
      所在镇街及村社: 'place', 品名: 'name', 现有储备数量: 'quantity', 联系人: 'keeperName', 联系电话: 'keeperPhone',
    })
    const contacts = rows(1,
      ['县（市、区）', '镇（街道）', '应急联络员', '', '党政主要负责人', '', '分管负责人', ''],
      ['', '', '姓名', '手机', '姓名', '办公电话', '姓名', '手机号码'],
    )
    expect(keys(contacts, 'annex5')).toMatchObject({
      '应急联络员/姓名': 'liaisonName', '应急联络员/手机': 'liaisonMobile', '党政主要负责人/姓名': 'headName', '党政主要负责人/办公电话': 'headLandline',
      '分管负责人/姓名': 'deputyName', '分管负责人/手机号码': 'deputyMobile',
    })
  })

  it('reads a header of three rows: a group of groups over groups over labels', () => {
    const sheet = rows(2,
      ['序号', '所属乡镇', '村（社区）', '应急相关人员', '', '', ''],
      ['', '', '', '村（社区）负责人', '', '信息员', ''],
      ['', '', '', '姓名', '联系电话', '姓名', '手机'],
      ['1', '织里镇', '晓河村', '沈建华', '13857200002', '钱小红', '13857200003'],
    )
    const header = findHeader(sheet, ledgerSpec(annexByKey('annex6')!), null)!
    expect(header.headerRows).toEqual([2, 3, 4])
    expect(Object.fromEntries(header.columns.map((c) => [c.label, c.key]))).toEqual({
      所属乡镇: 'township', '村（社区）': 'village', '应急相关人员/村（社区）负责人/姓名': 'headName', '应急相关人员/村（社区）负责人/联系电话': 'headPhone',
      '应急相关人员/信息员/姓名': 'liaisonName', '应急相关人员/信息员/手机': 'liaisonMobile',
    })
  })
})

describe('fill lines', () => {
  it('split unit and date written in one cell or apart', () => {
    expect(fillLines('填报单位：XX镇人民政府　　填报日期：2024年3月')).toEqual({ fillUnit: 'XX镇人民政府', fillDate: '2024-03-01' })
    expect(fillLines('填表单位（盖章）：  填表日期：2024.3.5')).toEqual({ fillDate: '2024-03-05' })
    expect(fillLines('单位：织里镇人民政府（盖章）  日期：二〇二四年三月')).toEqual({ fillUnit: '织里镇人民政府', fillDate: '二〇二四年三月' })
    // A unit of measure is not the office that filled the form in.
    expect(fillLines('单位：件')).toEqual({})
  })
})
