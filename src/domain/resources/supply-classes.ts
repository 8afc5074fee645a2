/**
 * GB/T 38565-2020 应急物资分类及编码: 7 digits = 大类(1) 中类(2) 小类(2) 细类(2); "99" at any
 * level is the catch-all (收容类目). Only the three 大类 are certain here; finer classes are
 * added by administrators from the standard's own tables. Keywords map the names people write in
 * ledgers ("救生衣", "冲锋舟") to a class when a row carries no code.
 */
export type SupplyClassSeed = { code: string; name: string; keywords: string[] }

export const TOP_SUPPLY_CLASSES: SupplyClassSeed[] = [
  {
    code: '1000000', name: '基本生活保障物资',
    keywords: ['帐篷', '棉被', '被子', '毛毯', '睡袋', '折叠床', '床', '衣', '食品', '方便面', '饼干', '饮用水', '矿泉水', '大米', '食用油', '蚊帐', '炊具', '净水'],
  },
  {
    code: '2000000', name: '应急装备及配套物资',
    keywords: ['救生衣', '救生圈', '救生绳', '冲锋舟', '橡皮艇', '皮划艇', '船', '舟', '发电机', '水泵', '抽水泵', '潜水泵', '油锯', '灭火器', '灭火机', '风力灭火', '水枪', '对讲机', '卫星电话', '电台', '应急灯', '照明', '探照灯', '手电', '雨衣', '雨靴', '安全帽', '头盔', '担架', '急救', '药箱', '防毒面具', '呼吸器', '无人机', '破拆', '扩音', '喊话器', '警示', '消防', '车'],
  },
  {
    code: '3000000', name: '工程材料与机械加工设备',
    keywords: ['编织袋', '麻袋', '沙袋', '草袋', '土工布', '彩条布', '木桩', '钢管', '铁丝', '砂石', '石料', '块石', '铁锹', '锹', '镐', '挖掘机', '装载机', '推土机', '吊车', '钢丝', '水泥', '防汛砂'],
  },
  { code: '9000000', name: '其他应急物资（收容类目）', keywords: [] },
]

export const OTHER_SUPPLY_CLASS = '9000000'

export function isSupplyClassCode(code: string): boolean {
  return /^[1-9]\d{6}$/.test(code)
}

/** 1 大类, 2 中类, 3 小类, 4 细类: how many digit groups are not zero. */
export function supplyClassLevel(code: string): 1 | 2 | 3 | 4 {
  if (code.slice(5) !== '00') return 4
  if (code.slice(3, 5) !== '00') return 3
  if (code.slice(1, 3) !== '00') return 2
  return 1
}

export function supplyClassParent(code: string): string | null {
  switch (supplyClassLevel(code)) {
    case 4: return `${code.slice(0, 5)}00`
    case 3: return `${code.slice(0, 3)}0000`
    case 2: return `${code[0]}000000`
    default: return null
  }
}

/**
 * The class for an item name: among classes whose keyword occurs in the name, the most specific
 * (deepest level, then longest keyword). Null when nothing matches — the caller decides whether
 * that is the catch-all or a question for the user.
 */
export function classifySupplyName(name: string, classes: readonly SupplyClassSeed[]): string | null {
  let best: { code: string; level: number; len: number } | null = null
  for (const c of classes) {
    for (const k of c.keywords) {
      if (!k || !name.includes(k)) continue
      const level = supplyClassLevel(c.code)
      if (!best || level > best.level || (level === best.level && k.length > best.len)) best = { code: c.code, level, len: k.length }
    }
  }
  return best?.code ?? null
}
