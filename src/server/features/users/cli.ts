/**
 * npm run admin -- create-auditor <用户名> <区划代码> [姓名]
 * npm run admin -- create-sysadmin | create-secadmin <用户名> <区划代码> [姓名]
 * npm run admin -- reset-password <用户名>
 * The deployment's set-up command (setup.ts): the first administrators, and recovery of an
 * administrator account when no second administrator can approve. Prints a one-time password,
 * once; its owner must replace it at first login. Run it while the server is stopped (the
 * embedded database admits one server) or against DATABASE_URL.
 */
import { roleDef, type RoleKey } from '../../../domain/auth/roles.js'
import { readConfig } from '../../config.js'
import { connectForCommand } from '../../db/command.js'
import { AppError } from '../../errors.js'
import { createAdministrator, resetPasswordBySetup } from './setup.js'

const USAGE = `用法：
  npm run admin -- create-auditor <用户名> <区划代码> [姓名]     创建审计管理员账号
  npm run admin -- create-secadmin <用户名> <区划代码> [姓名]    创建安全管理员账号
  npm run admin -- create-sysadmin <用户名> <区划代码> [姓名]    创建系统管理员账号
  npm run admin -- reset-password <用户名>                       重置任一账号的口令
  例：npm run admin -- create-auditor hz.audit 330500000000 王审计
  以上命令均打印一次性口令（只显示这一次），本人首次登录后须立即修改。`

type Command =
  | { kind: 'create'; role: RoleKey; username: string; regionCode: string; displayName?: string }
  | { kind: 'reset'; username: string }

const CREATE: Record<string, RoleKey> = { 'create-auditor': 'auditor', 'create-secadmin': 'secadmin', 'create-sysadmin': 'sysadmin' }

function parse(argv: string[]): Command | string {
  const [verb, username, regionCode, displayName, ...rest] = argv
  if (!verb) return USAGE
  const role = CREATE[verb]
  if (role) {
    if (!username || !regionCode || rest.length > 0) return `“${verb}”需要用户名和区划代码，可再给姓名\n${USAGE}`
    if (!/^\d{12}$/.test(regionCode)) return `区划代码“${regionCode}”应为 12 位数字\n${USAGE}`
    return { kind: 'create', role, username, regionCode, displayName }
  }
  if (verb === 'reset-password') {
    if (!username || regionCode !== undefined) return `“reset-password”需要且只需要用户名\n${USAGE}`
    return { kind: 'reset', username }
  }
  return `无法识别的命令：${verb}\n${USAGE}`
}

const HANDOVER = '此口令只显示这一次，请当面或通过安全渠道交给本人；本人首次登录后须立即修改，修改前不能进行其他操作。'

async function main(): Promise<number> {
  const command = parse(process.argv.slice(2))
  if (typeof command === 'string') {
    console.error(command)
    return 2
  }
  const { db, description, close } = await connectForCommand(readConfig())
  console.log(`数据库：${description}`)
  try {
    if (command.kind === 'create') {
      const made = await createAdministrator(db, command)
      console.log(`已创建${roleDef(command.role)!.label}账号“${command.username}”（${made.regionName}），一次性口令：${made.oneTimePassword}`)
    } else {
      const reset = await resetPasswordBySetup(db, command.username)
      console.log(`已重置“${command.username}”（${roleDef(reset.role)?.label ?? reset.role}）的口令，其现有登录已失效。一次性口令：${reset.oneTimePassword}`)
    }
    console.log(HANDOVER)
    return 0
  } finally {
    await close()
  }
}

main().then((code) => { process.exitCode = code }, (err) => {
  console.error(`操作失败：${err instanceof Error ? err.message : String(err)}`)
  if (!(err instanceof AppError)) console.error(err)
  process.exitCode = 1
})
