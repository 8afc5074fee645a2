import { describe, expect, it } from 'vitest'
import type { ImportDetail } from './api.js'
import { columnLetter, IGNORED, initialChoices, mappingBody, problemsOf, targetOptions, type Target } from './column-mapping.js'

const targets: Target[] = [
  { key: 'holder', label: '乡镇（街道）/企业', required: false, places: true, extra: false },
  { key: 'name', label: '物资名称', required: true, places: false, extra: false },
  { key: 'quantity', label: '数量', required: true, places: false, extra: false },
  { key: 'township', label: '乡镇（街道）', required: false, places: true, extra: true },
]

const columns = [
  { index: 0, label: '所在片区', key: null, samples: ['织里镇'] },
  { index: 1, label: '品名', key: 'name', samples: ['救生衣'] },
  { index: 2, label: '现有库存', key: 'quantity', samples: ['200'] },
]

const imp = (over: Partial<ImportDetail> = {}) => ({
  id: 7, regionCode: '330502000000', mapping: null, meta: { columnsFound: {}, columnsMissing: [], sheetColumns: columns }, ...over,
}) as unknown as ImportDetail

describe('the column-mapping step', () => {
  it('names columns as Excel does', () => {
    expect([0, 25, 26, 27, 701].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ'])
  })

  it('offers 不导入, then the annex’s columns, then what the import reads besides, marking required and place columns', () => {
    expect(targetOptions(targets)).toEqual([
      { value: IGNORED, label: '不导入此列' },
      { label: '本台账的列', options: [
        { value: 'holder', label: '乡镇（街道）/企业（说明区划）' }, { value: 'name', label: '物资名称（必填）' }, { value: 'quantity', label: '数量（必填）' },
      ] },
      { label: '导入时另可读取', options: [{ value: 'township', label: '乡镇（街道）（说明区划）' }] },
    ])
  })

  it('asks where rows belong until a column says it or a region is chosen for all', () => {
    const start = initialChoices(imp(), targets)
    expect(start).toEqual({ keys: { 0: IGNORED, 1: 'name', 2: 'quantity' }, placement: null, remember: true })
    expect(problemsOf(start, columns, targets)).toEqual(['请选择每行属于哪个区划：由表格中的某一列说明，或全部行都属于同一区划'])
    const byColumn = { ...start, keys: { ...start.keys, 0: 'township' }, placement: { kind: 'column' as const } }
    expect(problemsOf(byColumn, columns, targets)).toEqual([])
    expect(mappingBody(byColumn, columns)).toEqual({
      columns: [{ index: 0, key: 'township' }, { index: 1, key: 'name' }, { index: 2, key: 'quantity' }], placement: null, remember: true,
    })
    const all = { ...start, placement: { kind: 'all' as const, regionCode: '330502100000' }, remember: false }
    expect(problemsOf(all, columns, targets)).toEqual([])
    expect(mappingBody(all, columns)).toMatchObject({ placement: { regionCode: '330502100000' }, remember: false })
  })

  it('refuses one target for two columns and a required one left out', () => {
    const choices = { keys: { 0: 'name', 1: 'name', 2: IGNORED }, placement: { kind: 'all' as const, regionCode: '330502000000' }, remember: true }
    expect(problemsOf(choices, columns, targets)).toEqual(['“所在片区”“品名”都对应了“物资名称”，每项内容只能对应一列', '请为必填的“数量”选择表格中的列'])
  })

  it('starts from the region the import put all rows in', () => {
    expect(initialChoices(imp({ mapping: { columns: [], placement: { regionCode: '330502100000' }, regions: [] } }), targets).placement)
      .toEqual({ kind: 'all', regionCode: '330502100000' })
  })
})
