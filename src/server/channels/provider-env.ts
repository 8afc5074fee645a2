import type { TemplateSet } from './provider-text.js'

/**
 * Reading a cloud provider's settings from the environment (channels/aliyun/config.ts,
 * channels/tencent/config.ts). A provider chosen but half configured stops start-up with the
 * names of what is missing, rather than failing every message of the first storm.
 */

export type Env = NodeJS.ProcessEnv

/** The values of `names`, or an error naming every one that is empty. */
export function requireEnv<const N extends string>(env: Env, choice: string, names: readonly N[]): Record<N, string> {
  const missing = names.filter((n) => !env[n]?.trim())
  if (missing.length > 0) throw new RangeError(`${choice} 还需要设置：${missing.join('、')}`)
  return Object.fromEntries(names.map((n) => [n, env[n]!.trim()])) as Record<N, string>
}

/**
 * The template registered for each kind of message: `<prefix>_TEMPLATE_WARNING` and
 * `_ESCALATION` are required; `_NOTICE` (cancellation / all-clear) falls back to the escalation
 * template, which asks for no reply either.
 */
export function templatesFrom(env: Env, choice: string, prefix: string): TemplateSet {
  const t = requireEnv(env, choice, [`${prefix}_TEMPLATE_WARNING`, `${prefix}_TEMPLATE_ESCALATION`])
  const escalation = t[`${prefix}_TEMPLATE_ESCALATION`]
  return { warning: t[`${prefix}_TEMPLATE_WARNING`], escalation, notice: env[`${prefix}_TEMPLATE_NOTICE`]?.trim() || escalation }
}

/** An https endpoint, or the override given (the loopback fakes in tests). */
export function endpointFrom(env: Env, name: string, fallback: string): string {
  const given = env[name]?.trim()
  if (!given) return fallback
  let url: URL
  try {
    url = new URL(given)
  } catch {
    throw new RangeError(`${name} 的值“${given}”不是有效的网址`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError(`${name} 应以 https:// 开头`)
  return url.href
}
