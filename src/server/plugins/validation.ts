import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * How every request part is checked against its route schema, beyond what JSON Schema says:
 *
 * - Bodies are JSON and carry their own types, so they are validated without coercion: 123 or
 *   true sent for a text field is refused rather than quietly turned into "123". Query strings,
 *   path parameters and headers are text by nature and keep coercion ('array' also turns a lone
 *   `?roles=head` into a list).
 * - After the schema passes, the data is walked once more: a number must be finite (ajv skips
 *   `minimum`/`maximum` for Infinity, and coercion turns "1e999" into Infinity), a string must not
 *   hold NUL (PostgreSQL refuses it in text, which would surface as a server fault), and nesting
 *   is bounded so no recursive code after validation can run out of stack.
 *
 * Failures come back as ajv-shaped errors with the field's schema, so the errors plugin names
 * the field by its Chinese title like any other schema failure.
 */

/** Deeper than any form we accept; free-form parts (there are few) cannot nest past it. */
export const MAX_DEPTH = 32

type Json = Record<string, any>
type ValidateFn = ((data: unknown, ctx?: { parentData: Json; parentDataProperty: string }) => boolean) & {
  errors?: unknown[] | null
  schemaEnv?: unknown
}
type RouteSchema = { schema: Json; method: string; url: string; httpPart: string }

export type HostileValueError = {
  keyword: 'finite' | 'controlCharacter' | 'maxDepth'
  instancePath: string
  params: Record<string, unknown>
  parentSchema?: { title?: string }
  data?: unknown
}

/** The schema that describes `path` inside `root`, following properties, items and unions. */
function schemaAt(root: Json | undefined, path: readonly string[]): Json | undefined {
  let s: Json | undefined = root
  for (const key of path) {
    if (!s) return undefined
    const branches: Json[] = [s, ...((s.anyOf ?? s.oneOf ?? s.allOf ?? []) as Json[])]
    let next: Json | undefined
    for (const b of branches) {
      if (b.properties?.[key]) next = b.properties[key]
      else if (Array.isArray(b.prefixItems) && /^\d+$/.test(key)) next = b.prefixItems[Number(key)]
      else if (Array.isArray(b.items) && /^\d+$/.test(key)) next = b.items[Number(key)]
      else if (b.items && typeof b.items === 'object' && /^\d+$/.test(key)) next = b.items
      else if (b.additionalProperties && typeof b.additionalProperties === 'object') next = b.additionalProperties
      if (next) break
    }
    s = next
  }
  return s
}

const pointer = (path: readonly string[]) => path.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')

/**
 * The first non-finite number, NUL-bearing string or key, or over-deep nesting in `data`.
 * Iterative, so a hostile depth cannot exhaust the stack of the check itself.
 */
export function findHostileValue(data: unknown, schema?: Json): HostileValueError | null {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: data, path: [] }]
  const fail = (keyword: HostileValueError['keyword'], path: string[], value: unknown, params: Record<string, unknown> = {}): HostileValueError => {
    const at = schemaAt(schema, path)
    return { keyword, instancePath: pointer(path), params, parentSchema: at?.title ? { title: at.title } : undefined, data: value }
  }
  while (stack.length > 0) {
    const { value, path } = stack.pop()!
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return fail('finite', path, value)
    } else if (typeof value === 'string') {
      if (value.includes('\u0000')) return fail('controlCharacter', path, value)
    } else if (value !== null && typeof value === 'object') {
      if (path.length >= MAX_DEPTH) return fail('maxDepth', path, undefined, { limit: MAX_DEPTH })
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, String(i)] })
      } else {
        for (const [k, v] of Object.entries(value)) {
          if (k.includes('\u0000')) return fail('controlCharacter', path, k)
          stack.push({ value: v, path: [...path, k] })
        }
      }
    }
  }
  return null
}

/** Wraps a compiled ajv function so a value that passes the schema is also walked. */
function guarded(validate: ValidateFn, schema: Json): ValidateFn {
  const check: ValidateFn = (data, ctx) => {
    const ok = validate(data, ctx)
    if (!ok) {
      check.errors = validate.errors
      return false
    }
    // Coercion may have replaced the root value through its parent.
    const value = ctx ? ctx.parentData[ctx.parentDataProperty] : data
    const hostile = findHostileValue(value, schema)
    check.errors = hostile ? [hostile] : null
    return hostile === null
  }
  // Fastify hands the parent only to functions that look like ajv's, so root coercion still works.
  check.schemaEnv = validate.schemaEnv
  return check
}

/**
 * The validator factory for Fastify's `schemaController.compilersFactory.buildValidator`:
 * Fastify's own ajv compiler, twice — without coercion for bodies, with it for the rest.
 */
export function buildValidator(): ValidatorFactory {
  const fromPool = AjvCompiler()
  const factory = (externalSchemas: Json, ajvOptions: { customOptions?: Json; plugins?: any[] }) => {
    const loose = fromPool(externalSchemas, { ...ajvOptions, customOptions: { ...ajvOptions?.customOptions, coerceTypes: 'array' } })
    const strict = fromPool(externalSchemas, { ...ajvOptions, customOptions: { ...ajvOptions?.customOptions, coerceTypes: false } })
    return (route: RouteSchema): ValidateFn => {
      const compile = (route.httpPart === 'body' ? strict : loose) as unknown as (r: RouteSchema) => ValidateFn
      return guarded(compile(route), route.schema)
    }
  }
  // Fastify's type names the compiler's argument a schema; it is called with the route's parts.
  return factory as unknown as ValidatorFactory
}

const PARTS = [['querystring', 'query'], ['params', 'params'], ['body', 'body']] as const

/**
 * The same walk for request parts a route has no schema for: such a route ignores them today,
 * but a NUL or an Infinity must not wait for the day a handler starts reading them.
 */
export const unschemedPartsPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (req) => {
    const schema = (req.routeOptions.schema ?? {}) as Json
    for (const [part, field] of PARTS) {
      if (schema[part] !== undefined) continue
      const hostile = findHostileValue(req[field])
      if (hostile) throw Object.assign(new Error('hostile value'), { statusCode: 400, validation: [hostile], validationContext: part })
    }
  })
})
