import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { isDatabaseUnavailable } from '../db/database.js'
import { AppError, type ErrorDetail } from '../errors.js'
import { actorOf } from './auth.js'

type AjvError = {
  keyword: string
  instancePath: string
  params: Record<string, any>
  parentSchema?: { title?: string }
  schema?: unknown
  data?: unknown
}

const WHERE: Record<string, string> = {
  body: '请求内容',
  querystring: '查询参数',
  params: '路径参数',
  headers: '请求头',
}

const SHOWN_CHARS = 80

/** A pruned copy: hostile input may nest thousands deep, and JSON.stringify recurses. */
function pruned(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth >= 2) return '…'
  if (Array.isArray(value)) return value.slice(0, 5).map((v) => pruned(v, depth + 1))
  return Object.fromEntries(Object.entries(value).slice(0, 5).map(([k, v]) => [k, pruned(v, depth + 1)]))
}

/** A refused value as quoted back to the sender: short, whatever its size or depth. */
export function shownValue(value: unknown): string {
  const text = typeof value === 'object' && value !== null ? JSON.stringify(pruned(value)) : String(value)
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text
}

/** One Chinese sentence for one schema failure, naming the field by its title and the value. */
export function describeValidation(e: AjvError, context: string): ErrorDetail {
  const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const fieldTitle = e.parentSchema?.title
  if (e.keyword === 'required') {
    const missing = e.params.missingProperty as string
    return { field: missing, message: `缺少必填项“${missing}”` }
  }
  if (e.keyword === 'additionalProperties') {
    const extra = shownValue(e.params.additionalProperty)
    return { field: extra, message: `${WHERE[context] ?? context}含有不认识的字段“${extra}”` }
  }
  const name = fieldTitle ?? (path || WHERE[context] || context)
  // Found by plugins/validation.ts after the schema passed; the value itself is not worth echoing.
  if (e.keyword === 'controlCharacter') return { field: path || undefined, message: `“${name}”含有不允许的控制字符` }
  if (e.keyword === 'maxDepth') return { field: path || undefined, message: `“${name}”嵌套超过 ${e.params.limit} 层` }
  const shown = shownValue(e.data)
  const why = ((): string => {
    switch (e.keyword) {
      case 'type': {
        // A nullable field lists its types ("string,null"): name each.
        const labels: Record<string, string> = { string: '文本', integer: '整数', number: '数字', boolean: '是/否', object: '对象', array: '列表', null: '空' }
        return `类型不对，应为${String(e.params.type).split(',').map((t) => labels[t] ?? t).join('或')}`
      }
      case 'minimum': return `不能小于 ${e.params.limit}`
      case 'maximum': return `不能大于 ${e.params.limit}`
      case 'exclusiveMinimum': return `必须大于 ${e.params.limit}`
      case 'exclusiveMaximum': return `必须小于 ${e.params.limit}`
      case 'finite': return '不是有限的数值'
      case 'minLength': return e.params.limit === 1 ? '不能为空' : `至少 ${e.params.limit} 个字符`
      case 'maxLength': return `不能超过 ${e.params.limit} 个字符`
      case 'pattern': return '格式不正确'
      case 'format': return '格式不正确'
      case 'enum':
      case 'const':
      case 'anyOf':
        return '不是允许的取值'
      case 'minItems': return `至少需要 ${e.params.limit} 项`
      case 'maxItems': return `不能超过 ${e.params.limit} 项`
      default: return '不符合要求'
    }
  })()
  // Lists and objects are echoed as their short text: the reply is serialised too, and must not recurse.
  const value = typeof e.data === 'object' && e.data !== null ? shown : e.data
  return { field: path || undefined, value, message: `“${name}”的值“${shown}”${why}` }
}

type PgError = { code?: string; detail?: string; constraint?: string; table?: string }

// Chinese names of tables, for refusals that come from the database's own constraints.
const TABLE_LABELS: Record<string, string> = {
  resource: '应急资源', team: '救援队伍', expert: '应急专家', storage_point: '储备点', shelter: '避难场所',
  risk_point: '风险隐患点', supplier: '保供单位', supply: '物资装备', stock_movement: '库存流水',
  supply_agreement: '保供协议', person: '人员', unit: '单位', leading_group: '领导小组',
  leading_group_member: '领导小组成员', app_user: '账号', region: '区划', supply_class: '物资分类',
}

/**
 * The database's last line of defence (foreign keys, unique and check constraints) still answers
 * in Chinese and with a 4xx: a delete of a person still named on a resource is a conflict, not a
 * server fault. Features check these cases themselves where they can say more.
 */
export function describePgError(e: PgError): { status: number; code: string; message: string } | null {
  if (typeof e?.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return null
  if (e.code === '23503') {
    const referencing = /from table "(\w+)"/.exec(e.detail ?? '')?.[1]
    if (referencing) {
      return { status: 409, code: 'IN_USE', message: `该记录仍被${TABLE_LABELS[referencing] ?? referencing}引用，请先解除引用后再删除或修改` }
    }
    return { status: 400, code: 'MISSING_REFERENCE', message: `引用的${TABLE_LABELS[e.table ?? ''] ?? ''}记录不存在` }
  }
  if (e.code === '23505') return { status: 409, code: 'DUPLICATE', message: `与已有${TABLE_LABELS[e.table ?? ''] ?? ''}记录重复` }
  if (e.code === '23514' || e.code === '23502') {
    return { status: 400, code: 'CONSTRAINT', message: `数据不符合${TABLE_LABELS[e.table ?? ''] ?? ''}的约束（${e.constraint ?? e.code}）` }
  }
  if (e.code === '22P02' || e.code === '22003' || e.code === '22007' || e.code === '22008') {
    return { status: 400, code: 'BAD_VALUE', message: '输入的数值或日期超出允许范围或格式不正确' }
  }
  // Text the database cannot hold: NUL (22021), a character its encoding lacks (22P05), a bad
  // pattern (2201B). The schema check refuses NUL first; this is the last line of defence.
  if (e.code === '22021' || e.code === '22P05' || e.code === '2201B') {
    return { status: 400, code: 'BAD_TEXT', message: '输入的文本含有不允许的字符（如控制字符）或格式不正确' }
  }
  // Input too large or too deeply nested for the database (program_limit_exceeded and its kin).
  if (e.code.startsWith('54')) {
    return { status: 400, code: 'INPUT_TOO_COMPLEX', message: '输入的内容过长、过大或嵌套过深' }
  }
  return null
}

/**
 * Refusals an auditor must see, by error code: each lands in the audit log as the action given,
 * through the app's rate-limited refusal recorder (see features/audit/refusals.ts).
 */
export const AUDITED_REFUSALS: Record<string, string> = {
  CSRF: 'refused.csrf',
  OUT_OF_JURISDICTION: 'refused.jurisdiction',
  FORBIDDEN: 'refused.permission',
  CONFIRM_INVALID: 'refused.confirm_token',
  BAD_SIGNATURE: 'refused.callback',
  CALLBACK_UNAUTHENTICATED: 'refused.callback',
  CALLBACK_ADDRESS: 'refused.callback',
  FOUR_EYES: 'refused.four_eyes',
}

/**
 * Every failure leaves as `{ code, message, details }` with a Chinese message. Unknown errors
 * become 500 with a generic message; the stack goes to the log with the request id.
 */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(async (error: FastifyError & { validation?: AjvError[]; validationContext?: string }, req, reply) => {
    if (error instanceof AppError) {
      const action = AUDITED_REFUSALS[error.code]
      if (action) {
        await app.refusals.record(req.actor ?? actorOf(req), {
          action,
          reason: error.code,
          detail: {
            method: req.method,
            url: req.url.split('?')[0].slice(0, 200),
            // A refused region is named; a refused list of records (details name kind and id) is not a region.
            ...(error.code === 'OUT_OF_JURISDICTION' && error.details[0]?.field === 'regionCode'
              ? { regionCode: String(error.details[0].value ?? '').slice(0, 12) } : {}),
          },
        })
      }
      return reply.status(error.status).send({ code: error.code, message: error.message, details: error.details })
    }
    if (isDatabaseUnavailable(error)) {
      // PostgreSQL is down, restarting or unreachable: the request may succeed in a moment.
      req.log.warn({ err: error }, 'database unavailable')
      return reply.status(503).header('retry-after', '5')
        .send({ code: 'DB_UNAVAILABLE', message: '数据库暂时不可用，正在恢复，请稍后重试', details: [] })
    }
    const pgError = describePgError(error as unknown as PgError)
    if (pgError) return reply.status(pgError.status).send({ code: pgError.code, message: pgError.message, details: [] })
    if (error.validation) {
      const details = error.validation.map((v) => describeValidation(v, error.validationContext ?? 'body'))
      return reply.status(400).send({ code: 'VALIDATION', message: details.map((d) => d.message).join('；'), details })
    }
    const status = error.statusCode ?? 500
    if (status === 429) {
      return reply.status(429).send({ code: 'TOO_MANY_REQUESTS', message: '请求过于频繁，请稍后再试', details: [] })
    }
    if (status < 500) {
      const message = ({
        FST_ERR_CTP_INVALID_JSON_BODY: '请求内容不是有效的 JSON',
        FST_ERR_CTP_EMPTY_JSON_BODY: '请求内容为空',
        FST_ERR_CTP_BODY_TOO_LARGE: '请求内容过大',
        FST_ERR_CTP_INVALID_MEDIA_TYPE: '不支持的请求内容类型',
      } as Record<string, string>)[error.code] ?? `请求有误：${error.message}`
      return reply.status(status).send({ code: error.code ?? 'BAD_REQUEST', message, details: [] })
    }
    // Only hostile input nests deep enough to exhaust the stack: the sender is told, the log keeps it.
    if (error instanceof RangeError && error.message.includes('Maximum call stack size exceeded')) {
      req.log.warn({ err: error }, 'input exhausted the stack')
      return reply.status(400).send({ code: 'INPUT_TOO_COMPLEX', message: '请求内容嵌套过深或过于复杂', details: [] })
    }
    req.log.error({ err: error }, 'unhandled error')
    return reply.status(500).send({ code: 'INTERNAL', message: `服务器内部错误（请求编号 ${req.id}）`, details: [] })
  })
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ code: 'NO_ROUTE', message: `接口不存在：${req.method} ${req.url.split('?')[0]}`, details: [] })
  })
})
