import type { Annex, CommitSummary, Outcome } from './api.js'

export const IMPORT_STATUS: Record<string, { label: string; color: string }> = {
  parsing: { label: '解析中', color: 'processing' },
  mapping: { label: '待确认列对应', color: 'orange' },
  previewed: { label: '待确认', color: 'gold' },
  committing: { label: '导入中', color: 'processing' },
  committed: { label: '已导入', color: 'green' },
  failed: { label: '失败', color: 'red' },
}

export const OUTCOMES: Record<Outcome, { label: string; color: string }> = {
  error: { label: '有问题', color: 'red' },
  create: { label: '将新增', color: 'green' },
  update: { label: '将更新', color: 'blue' },
  unchanged: { label: '无变化', color: 'default' },
  skip: { label: '跳过', color: 'default' },
}

/** What an import may have written besides its main records (a new storage place, a keeper). */
const ENTITIES: Record<string, string> = {
  supply: '物资装备',
  team: '救援队伍',
  person: '人员',
  storagePoint: '储备点',
  unit: '单位',
  expert: '应急专家',
  shelter: '避难场所',
  riskPoint: '风险隐患点',
  supplier: '保供单位',
  agreement: '保供协议',
  leadingGroup: '领导小组',
  groupMember: '领导小组成员',
}

/** “物资装备：新增 12、更新 3、未变 5” per entity the import touched. */
export function summaryLines(summary: CommitSummary | null | undefined): string[] {
  if (!summary) return []
  return Object.entries(summary).map(([entity, c]) => `${ENTITIES[entity] ?? entity}：新增 ${c.created}、更新 ${c.updated}、未变 ${c.unchanged}`)
}

/** The ledgers to choose from: annexes 1–7 of the 排摸方案 in their order, then the other tables offices keep. */
export function annexOptions(list: readonly Pick<Annex, 'key' | 'fullTitle'>[]) {
  const numbered = list.filter((a) => /^annex\d+$/.test(a.key)).sort((a, b) => Number(a.key.slice(5)) - Number(b.key.slice(5)))
  const others = list.filter((a) => !/^annex\d+$/.test(a.key))
  return [
    { label: '排摸方案附件', options: numbered.map((a) => ({ value: a.key, label: a.fullTitle })) },
    { label: '其他台账', options: others.map((a) => ({ value: a.key, label: a.fullTitle })) },
  ].filter((g) => g.options.length > 0)
}
