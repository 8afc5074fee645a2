/**
 * npm run regions:load -- <前缀|all>
 * Loads the statistical division codes of a province ("33"), city ("3305"), county ("330502"),
 * township, or the whole country ("all") into the configured database. Safe to repeat:
 * unchanged rows are not rewritten.
 */
import { jurisdictionPrefix, REGION_LEVEL_LABELS, REGION_LEVELS, type RegionLevel } from '../../../domain/regions/code.js'
import { readConfig } from '../../config.js'
import { connectForCommand } from '../../db/command.js'
import { placeRegionPositions } from '../map/positions.js'
import { loadRegions } from './load.js'

const USAGE = `用法：npm run regions:load -- <区划代码前缀|all>
  例：33（浙江省）、3305（湖州市）、330502（吴兴区）、330502001（月河街道）、all（全国）`

// Progress every this many rows of one level; the whole country has 620k villages.
const REPORT_EVERY = 50_000

function parsePrefix(arg: string | undefined): string | null {
  if (arg === 'all') return ''
  if (!arg || !/^\d+$/.test(arg)) return null
  if (arg.length === 12) return jurisdictionPrefix(arg)
  return [2, 4, 6, 9].includes(arg.length) ? arg : null
}

async function main(): Promise<number> {
  const arg = process.argv[2]
  const prefix = parsePrefix(arg)
  if (prefix === null) {
    console.error(arg ? `无法识别的区划代码前缀：${arg}（应为 2、4、6、9 或 12 位数字，或 all）\n${USAGE}` : USAGE)
    return 2
  }
  const config = readConfig()
  const what = prefix === '' ? '全国' : `区划代码前缀 ${prefix} 下`
  const { db, description, close } = await connectForCommand(config)
  console.log(`已连接数据库（${description}）`)
  try {
    console.log(`开始导入${what}的行政区划…`)
    const started = Date.now()
    let lastReported: { level: RegionLevel; rows: number } | null = null
    const result = await loadRegions(db, prefix, (p) => {
      if (p.level !== lastReported?.level || p.rows - lastReported.rows >= REPORT_EVERY) {
        console.log(`  ${REGION_LEVEL_LABELS[p.level]}：已读取 ${p.rows} 条`)
        lastReported = p
      }
    })
    if (result.rows === 0) {
      console.error(`未找到${what}的区划数据，请检查代码是否正确。`)
      return 1
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const levels = REGION_LEVELS.map((l) => `${REGION_LEVEL_LABELS[l]} ${result.byLevel[l]}`).join('，')
    console.log(`导入完成：共 ${result.rows} 条（${levels}），其中新增或更新 ${result.changed} 条，未变 ${result.rows - result.changed} 条；用时 ${seconds} 秒。`)
    // Map positions: real county centres, synthetic places below them (never overwriting a
    // surveyed one), so the new regions appear on the one-map and can be searched from.
    const placing = Date.now()
    await placeRegionPositions(db, prefix)
    console.log(`已为区划标注地图位置（区县为真实中心点，乡镇、村为示意位置）；用时 ${((Date.now() - placing) / 1000).toFixed(1)} 秒。`)
    return 0
  } finally {
    await close()
  }
}

main().then((code) => { process.exitCode = code }, (err) => {
  console.error(`导入失败：${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
