/**
 * The supply roll-up (汇总) of a whole province: 浙江's division tree and 1,000,000 supply lines
 * spread over its townships and villages. rollupSupplies for the province and for one city,
 * against the same figures computed by hand-written GROUP BY SQL sent through pg in the same run.
 */
import pg from 'pg'
import { scopeOf } from '../src/server/db/scope.js'
import { rollupSupplies } from '../src/server/features/rollup/queries.js'
import { loadRegions } from '../src/server/features/regions/load.js'
import { benchDatabase, medianMs, record, time, PROVINCE_SUPPLY_CTE } from './lib.js'

const LINES = 1_000_000
const PROVINCE = '330000000000'
const CITY = '330100000000' // 杭州市
// Ratio of the product to the hand-written SQL that this case must stay under.
const RATIO_GOAL = 1.5

const { db, url, close } = await benchDatabase()
// The product sends its three queries at once over its pool; the baseline gets as many connections.
const pool = new pg.Pool({ connectionString: url, max: 3 })
pool.on('error', () => {})
try {
  const loaded = await time(() => loadRegions(db, '33'))
  console.log(`浙江区划：${loaded.result.rows} 条，${(loaded.ms / 1000).toFixed(1)} 秒`)

  // One statement: each line goes to a township or village in turn, with a name, unit and top
  // class from a short list of what ledgers hold, a tenth equipment, some awaiting repair.
  const fill = await time(() => pool.query(`
    ${PROVINCE_SUPPLY_CTE}
    insert into supply (region_code, class_code, name, unit, is_equipment, condition, quantity, confirmed_at)
    select p.codes[1 + ((g::bigint * 7919) % p.n)::int], it.class_code, it.name, it.unit, it.is_equipment,
      case when g % 53 = 0 then 'repair' when g % 97 = 0 then 'scrapped' else 'good' end,
      (g * 31) % 500, now() - make_interval(days => g % 400)
    from generate_series(0, ${LINES - 1}) as g
    cross join places p
    join items it on it.i = g % 20
  `))
  await pool.query('analyze supply')
  console.log(`生成物资明细：${fill.result.rowCount} 条，${(fill.ms / 1000).toFixed(1)} 秒`)

  /**
   * The same figures by hand: lines, equipment lines and quantity per child, top class and unit
   * (left-joined onto the child regions), the 50 commonest names, the top class names.
   */
  async function rawRollup(code: string, prefix: string, childLength: number) {
    const [grouped, byName, classes] = await Promise.all([
      pool.query(`
        select r.code, r.name, r.level, g.c, g.unit, g.lines, g.equipment_lines, g.quantity
        from region r left join (
          select left(region_code, ${childLength}) as k, left(class_code, 1) as c, unit,
            count(*) as lines, count(*) filter (where is_equipment) as equipment_lines, sum(quantity) as quantity
          from supply where region_code like $1
          group by 1, 2, 3
        ) g on g.k = left(r.code, ${childLength})
        where r.parent_code = $2 or r.code = $2
        order by r.code`, [`${prefix}%`, code]),
      pool.query(`
        select name, unit, sum(quantity) as quantity, count(*) as lines from supply where region_code like $1
        group by name, unit order by lines desc, quantity desc, name, unit limit 50`, [`${prefix}%`]),
      pool.query(`select code, name from supply_class where level = 1 order by code`),
    ])
    return { grouped: grouped.rows, byName: byName.rows, classes: classes.rows }
  }

  const cases = [
    { name: 'rollup.supplies-province', code: PROVINCE, prefix: '33', childLength: 4, what: '浙江省按地市' },
    { name: 'rollup.supplies-city', code: CITY, prefix: '3301', childLength: 6, what: '杭州市按区县' },
  ]
  let tooSlow = false
  for (const c of cases) {
    const scope = scopeOf(c.code)
    const mine = await rollupSupplies(db, scope, c.code)
    const raw = await rawRollup(c.code, c.prefix, c.childLength)
    const rawLines = raw.grouped.reduce((n: number, r: { lines: string | null }) => n + Number(r.lines ?? 0), 0)
    if (mine.total.lines !== rawLines) throw new Error(`${c.name}: lines differ: ${mine.total.lines} vs ${rawLines}`)
    if (mine.byName[0].lines !== Number(raw.byName[0].lines)) throw new Error(`${c.name}: top name differs`)

    const productMs = await medianMs(() => rollupSupplies(db, scope, c.code), 9)
    const rawMs = await medianMs(() => rawRollup(c.code, c.prefix, c.childLength), 9)
    const ratio = productMs / rawMs
    if (ratio > RATIO_GOAL) tooSlow = true
    await record({
      name: c.name, value: productMs, unit: 'ms', baseline: rawMs, ratio, goal: '< 2000',
      dataSize: `${mine.total.lines} of ${LINES} supply lines (${c.what}，${mine.children.length} 个下级)；比值目标 ≤ ${RATIO_GOAL}`,
    })
  }
  if (tooSlow) {
    console.error(`汇总比手写 SQL 慢了 ${RATIO_GOAL} 倍以上`)
    process.exitCode = 1
  }
} finally {
  await pool.end()
  await close()
}
