import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, type ErrorDetail } from '../errors.js'

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

/** One Chinese sentence for one schema failure, naming the field by its title and the value. */
export function describeValidation(e: AjvError, context: string): ErrorDetail {
  const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const fieldTitle = e.parentSchema?.title
  if (e.keyword === 'required') {
    const missing = e.params.missingProperty as string
    return { field: missing, message: `缺少必填项“${missing}”` }
  }
  if (e.keyword === 'additionalProperties') {
    const extra = e.params.additionalProperty as string
    return { field: extra, message: `${WHERE[context] ?? context}含有不认识的字段“${extra}”` }
  }
  const name = fieldTitle ?? (path || WHERE[context] || context)
  const shown = typeof e.data === 'object' ? JSON.stringify(e.data) : String(e.data)
  const why = ((): string => {
    switch (e.keyword) {
      case 'type':
        return `类型不对，应为${({ string: '文本', integer: '整数', number: '数字', boolean: '是/否', object: '对象', array: '列表' } as Record<string, string>)[e.params.type] ?? e.params.type}`
      case 'minimum': return `不能小于 ${e.params.limit}`
      case 'maximum': return `不能大于 ${e.params.limit}`
      case 'exclusiveMinimum': return `必须大于 ${e.params.limit}`
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
  return { field: path || undefined, value: e.data, message: `“${name}”的值“${shown}”${why}` }
}

/**
 * Every failure leaves as `{ code, message, details }` with a Chinese message. Unknown errors
 * become 500 with a generic message; the stack goes to the log with the request id.
 */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError & { validation?: AjvError[]; validationContext?: string }, req, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.status).send({ code: error.code, message: error.message, details: error.details })
    }
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
    req.log.error({ err: error }, 'unhandled error')
    return reply.status(500).send({ code: 'INTERNAL', message: `服务器内部错误（请求编号 ${req.id}）`, details: [] })
  })
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ code: 'NO_ROUTE', message: `接口不存在：${req.method} ${req.url.split('?')[0]}`, details: [] })
  })
})
