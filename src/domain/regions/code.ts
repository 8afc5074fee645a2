/**
 * 12-digit statistical division codes (统计用区划代码): province(2) city(2) county(2)
 * township(3) village(3). Codes are opaque strings of digits; never do arithmetic on them.
 */

export const REGION_LEVELS = ['province', 'city', 'county', 'township', 'village'] as const
export type RegionLevel = (typeof REGION_LEVELS)[number]

export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = {
  province: '省级',
  city: '市级',
  county: '区县级',
  township: '乡镇街道级',
  village: '村社区级',
}

/** Digits that identify a region at each level: province 2, city 4, county 6, township 9, village 12. */
export const LEVEL_LENGTHS: Record<RegionLevel, number> = {
  province: 2,
  city: 4,
  county: 6,
  township: 9,
  village: 12,
}

export function isRegionCode(code: unknown): code is string {
  return typeof code === 'string' && /^\d{12}$/.test(code)
}

/** Level of a 12-digit code from where its trailing zero groups start. */
export function levelOf(code: string): RegionLevel {
  if (!isRegionCode(code)) throw new RangeError(`区划代码应为 12 位数字：${code}`)
  if (code.slice(9) !== '000') return 'village'
  if (code.slice(6, 9) !== '000') return 'township'
  if (code.slice(4, 6) !== '00') return 'county'
  if (code.slice(2, 4) !== '00') return 'city'
  return 'province'
}

/** Digits covering a region and all below it: 330502000000 → "330502". */
export function jurisdictionPrefix(code: string): string {
  return code.slice(0, LEVEL_LENGTHS[levelOf(code)])
}

/** Pad a short code (33, 3305, 330502, 330502001) to 12 digits. */
export function padCode(short: string): string {
  if (!/^\d{2,12}$/.test(short)) throw new RangeError(`区划代码应为数字：${short}`)
  return short.padEnd(12, '0')
}

/** Parent code one level up, or null for a province. */
export function parentCode(code: string): string | null {
  const level = levelOf(code)
  const i = REGION_LEVELS.indexOf(level)
  if (i === 0) return null
  return padCode(code.slice(0, LEVEL_LENGTHS[REGION_LEVELS[i - 1]]))
}

/** True when `code` is `ancestor` itself or lies below it. */
export function isWithin(code: string, ancestor: string): boolean {
  return code.startsWith(jurisdictionPrefix(ancestor))
}

export const TOWNSHIP_KINDS = ['街道', '镇', '乡', '类似乡级单位'] as const
export const VILLAGE_KINDS = ['居委会', '村委会', '类似村级单位'] as const
export type RegionKind = (typeof TOWNSHIP_KINDS)[number] | (typeof VILLAGE_KINDS)[number]

/**
 * Kind from the code ranges of GB/T 10114-2003 as used by the statistical codes:
 * townships 001–099 街道, 100–199 镇, 200–399 乡, 400–599 类似乡级;
 * villages 001–199 居委会, 200–399 村委会, 400–599 类似村级.
 */
export function kindOf(code: string): RegionKind | null {
  const level = levelOf(code)
  if (level === 'township') {
    const n = Number(code.slice(6, 9))
    if (n < 100) return '街道'
    if (n < 200) return '镇'
    if (n < 400) return '乡'
    return '类似乡级单位'
  }
  if (level === 'village') {
    const n = Number(code.slice(9, 12))
    if (n < 200) return '居委会'
    if (n < 400) return '村委会'
    return '类似村级单位'
  }
  return null
}
