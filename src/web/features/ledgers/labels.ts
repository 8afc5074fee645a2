import type { CommitSummary, Outcome } from './api.js'

export const IMPORT_STATUS: Record<string, { label: string; color: string }> = {
  parsing: { label: '解析中', color: 'processing' },
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
}

/** “物资装备：新增 12、更新 3、未变 5” per entity the import touched. */
export function summaryLines(summary: CommitSummary | null | undefined): string[] {
  if (!summary) return []
  return Object.entries(summary).map(([entity, c]) => `${ENTITIES[entity] ?? entity}：新增 ${c.created}、更新 ${c.updated}、未变 ${c.unchanged}`)
}
