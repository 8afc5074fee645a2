/**
 * npm run bench [-- filter]
 * Runs every bench/*.bench.ts (or those whose name contains the filter) one after another, each
 * in its own Node process so one case's memory cannot colour the next, then prints
 * bench/results.json.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { BENCH_DIR, readResults, round, runMeasured, type BenchResult } from './lib.js'

const filter = process.argv[2] ?? ''
const files = (await fs.readdir(BENCH_DIR)).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort()
if (files.length === 0) {
  console.error(`没有找到名称包含“${filter}”的基准测试（bench/*.bench.ts）`)
  process.exit(2)
}

const failed: string[] = []
for (const file of files) {
  console.log(`\n▶ ${file}`)
  const run = await runMeasured(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, file)])
  console.log(`◀ ${file}：退出码 ${run.code}，用时 ${round(run.ms / 1000)} 秒，进程峰值内存 ${run.peakRssMb === null ? '未知' : `${round(run.peakRssMb)} MB`}`)
  if (run.code !== 0) failed.push(file)
}

/** "< 60" and "≤ 20" style goals: met when the value is under (or at) the number. */
function meets(r: BenchResult): string {
  const m = /^(<|≤)\s*([\d.]+)/.exec(r.goal)
  if (!m) return ''
  const limit = Number(m[2])
  return (m[1] === '<' ? r.value < limit : r.value <= limit) ? '达标' : '未达标'
}

const results = await readResults()
console.log('\nbench/results.json')
const rows = results.map((r) => [
  r.name, `${round(r.value)} ${r.unit}`, r.baseline === null ? '-' : String(round(r.baseline)),
  r.ratio === null ? '-' : `${round(r.ratio)}×`, `${r.goal} ${meets(r)}`, r.dataSize, r.measuredAt?.slice(0, 16) ?? '',
])
const header = ['名称', '结果', '基线', '比值', '目标', '数据量', '测量时间']
const width = (s: string) => [...s].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)
const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))))
for (const line of [header, ...rows]) console.log(line.map((cell, i) => cell + ' '.repeat(widths[i] - width(cell))).join('  '))

if (failed.length > 0) {
  console.error(`\n失败：${failed.join('、')}`)
  process.exitCode = 1
}
