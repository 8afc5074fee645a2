/**
 * npm run demo:purge
 * Removes every demo row and demo account in one transaction (purge.ts) and says what went. Like
 * the other commands it runs against DATABASE_URL, or with the server stopped against the
 * embedded database (which admits one server at a time).
 */
import { readConfig } from '../../config.js'
import { connectForCommand } from '../../db/command.js'
import type { Actor } from '../audit/record.js'
import { demoPresent } from './presence.js'
import { purgeDemo } from './purge.js'

const PURGE_ACTOR: Actor = { id: null, name: '清除演示数据命令', ip: null }

const TABLE_LABELS: Record<string, string> = {
  app_user: '演示账号', unit: '单位', person: '人员', leading_group: '领导小组', resource: '应急资源',
  supply: '物资装备', linkage_group: '联动工作群', warning: '预警',
}

async function main(): Promise<number> {
  if (process.argv.length > 2) {
    console.error('用法：npm run demo:purge（不带参数）：删除全部演示数据与演示账号，正式数据不受影响')
    return 2
  }
  const { db, description, close } = await connectForCommand(readConfig())
  console.log(`数据库：${description}`)
  try {
    if (!(await demoPresent(db))) {
      console.log('没有演示数据，无需清除。')
      return 0
    }
    const r = await purgeDemo(db, PURGE_ACTOR)
    const removed = Object.entries(r.removed).filter(([, n]) => n > 0).map(([t, n]) => `${TABLE_LABELS[t] ?? t} ${n} 条`)
    console.log(`已在一个事务中清除演示数据：${removed.join('，')}。`)
    const cleared = Object.entries(r.cleared).map(([k, n]) => `${k} ${n} 处`)
    if (cleared.length > 0) console.log(`正式数据中指向演示数据的引用已置空：${cleared.join('，')}。`)
    const dependents = Object.entries(r.dependents).map(([k, n]) => `${k} ${n} 条`)
    if (dependents.length > 0) console.log(`随演示数据一并删除的关联记录：${dependents.join('，')}。`)
    if (!(await db.selectFrom('appUser').select('id').limit(1).executeTakeFirst())) {
      console.log('现已没有任何账号：请用 npm run admin -- create-sysadmin <用户名> <区划代码> [姓名] 等命令创建管理员账号。')
    }
    console.log('此后启动不再生成演示数据，也不再只在本机监听（见 HOST）。')
    return 0
  } finally {
    await close()
  }
}

main().then((code) => { process.exitCode = code }, (err) => {
  console.error(`清除演示数据失败，数据未作任何改动：${err instanceof Error ? err.message : String(err)}`)
  console.error(err)
  process.exitCode = 1
})
