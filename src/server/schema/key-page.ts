import { Type } from 'typebox'
import { COUNT_CAP } from '../db/key-paging.js'

/**
 * Query fields and reply fields of a key-paged list (db/key-paging.ts). `page` keeps working on
 * the lists that had it, for callers that jump to a page; the web walks the keys.
 */
export const KeyPageQuery = {
  after: Type.Optional(Type.String({
    minLength: 1, maxLength: 2000, pattern: '^[A-Za-z0-9_-]+$', title: '接续位置', description: '上一页应答中的 next：取其后的一页（不与 page 同用）',
  })),
  count: Type.Optional(Type.Enum(['exact'], {
    title: '计数方式', description: `exact：精确计数；不填时超过 ${COUNT_CAP} 条只答“超过 ${COUNT_CAP}”`,
  })),
}

export const KeyPageFields = {
  next: Type.Union([Type.String(), Type.Null()], { description: '下一页的接续位置（作为 after 传回）；最后一页为 null' }),
  total: Type.Integer({ description: `条数：精确计数或不超过 ${COUNT_CAP} 时为实数，否则为 ${COUNT_CAP}（totalExact 为 false）` }),
  totalExact: Type.Boolean(),
  totalLabel: Type.String({ description: `显示用条数，如“523”或“超过 ${COUNT_CAP}”` }),
}
