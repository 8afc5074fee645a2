import { sql, type Kysely } from 'kysely'
import { REGION_LEVEL_LABELS, REGION_LEVELS, type RegionLevel } from '../../../domain/regions/code.js'
import { DEFAULT_ISSUING_POLICY, type IssuingPolicy, type IssuingRule } from '../../../domain/warnings/approval.js'
import { isWarningLevel } from '../../../domain/warnings/levels.js'
import type { Database } from '../../db/types.js'
import { AppError, stale } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import type { IssuingSettings, IssuingSettingsInput } from './schema.js'

/**
 * The deployment's warning-issuing rules (which jurisdiction level may approve which warning
 * levels and event types) and the four-eyes switch, kept in `setting` under one key. Absent, the
 * defaults of domain/warnings/approval.ts apply: today's rule, and four eyes on. Only the system
 * administrator of the whole deployment changes them; every change is audited, and switching
 * four eyes off needs a stated reason and is audited as such.
 */

export const ISSUING_KEY = 'warning_issuing'

type Stored = IssuingPolicy & { version: number }

const invalidRules = (message: string, field = 'rules', value?: unknown) =>
  new AppError('INVALID_FIELD', 400, message, [{ field, value }])

/**
 * Rules as stored, checked again: a value written by hand into the table that does not make
 * sense falls back to the defaults rather than to "anyone may issue anything".
 */
function readRules(value: unknown): IssuingRule[] | null {
  if (!Array.isArray(value)) return null
  const rules: IssuingRule[] = []
  for (const r of value as Array<Record<string, unknown>>) {
    if (!r || !REGION_LEVELS.includes(r.jurisdiction as RegionLevel) || !Array.isArray(r.levels) || !Array.isArray(r.eventTypes)) return null
    const levels = r.levels.filter(isWarningLevel)
    const eventTypes = r.eventTypes.filter((t): t is string => typeof t === 'string' && t.trim() !== '')
    rules.push({ jurisdiction: r.jurisdiction as RegionLevel, levels, eventTypes })
  }
  return rules
}

function fromValue(value: unknown): Stored | null {
  const v = (value ?? {}) as Record<string, unknown>
  const rules = readRules(v.rules)
  if (!rules || typeof v.fourEyes !== 'boolean') return null
  return {
    fourEyes: v.fourEyes,
    fourEyesOffReason: typeof v.fourEyesOffReason === 'string' ? v.fourEyesOffReason : null,
    rules,
    version: typeof v.version === 'number' ? v.version : 1,
  }
}

/** The policy in force; the defaults until an administrator saves one. Reads inside a transaction when given one. */
export async function issuingPolicy(db: Kysely<Database>): Promise<IssuingPolicy> {
  const row = await db.selectFrom('setting').select('value').where('key', '=', ISSUING_KEY).executeTakeFirst()
  return (row && fromValue(row.value)) ?? DEFAULT_ISSUING_POLICY
}

export async function readIssuingSettings(db: Kysely<Database>): Promise<IssuingSettings> {
  const row = await db.selectFrom('setting').select(['value', 'updatedAt']).where('key', '=', ISSUING_KEY).executeTakeFirst()
  const stored = row ? fromValue(row.value) : null
  const policy = stored ?? { ...DEFAULT_ISSUING_POLICY, version: 0 }
  return {
    fourEyes: policy.fourEyes,
    fourEyesOffReason: policy.fourEyesOffReason,
    rules: policy.rules,
    isDefault: stored === null,
    version: policy.version,
    updatedAt: stored && row ? row.updatedAt.toISOString() : null,
  }
}

/** The rules as entered, trimmed, or the Chinese reason they make no sense together. */
function checkRules(input: IssuingSettingsInput['rules']): IssuingRule[] {
  const seen = new Set<string>()
  return input.map((r, i) => {
    const where = `第 ${i + 1} 条规则`
    if (!REGION_LEVELS.includes(r.jurisdiction as RegionLevel)) throw invalidRules(`${where}的“辖区层级”的值“${r.jurisdiction}”不是允许的取值`, 'rules.jurisdiction', r.jurisdiction)
    const bad = r.levels.find((l) => !isWarningLevel(l))
    if (bad !== undefined) throw invalidRules(`${where}的“预警级别”的值“${bad}”应为 1（红色）至 4（蓝色）`, 'rules.levels', bad)
    const eventTypes = [...new Set(r.eventTypes.map((t) => t.trim()))]
    const empty = eventTypes.find((t) => t === '')
    if (empty !== undefined) throw invalidRules(`${where}的“事件类型”不能为空白`, 'rules.eventTypes', '')
    const key = `${r.jurisdiction}|${[...r.levels].sort().join(',')}|${[...eventTypes].sort().join(',')}`
    if (seen.has(key)) throw invalidRules(`${where}与前面的规则重复（${REGION_LEVEL_LABELS[r.jurisdiction as RegionLevel]}）`, 'rules', i + 1)
    seen.add(key)
    return { jurisdiction: r.jurisdiction as RegionLevel, levels: [...r.levels].sort((a, b) => a - b).filter(isWarningLevel), eventTypes }
  })
}

/**
 * Saves the rules and the switch, at the version the administrator read (409 if someone saved in
 * between). Turning four eyes off needs a reason; the change is audited as its own entry.
 */
export function saveIssuingSettings(db: Kysely<Database>, actor: Actor, input: IssuingSettingsInput): Promise<IssuingSettings> {
  const rules = checkRules(input.rules)
  const reason = input.fourEyesOffReason?.trim() || null
  if (!input.fourEyes && !reason) {
    throw invalidRules('关闭双人审批须填写理由（如：本部署只有一名值班员）', 'fourEyesOffReason', input.fourEyesOffReason ?? '')
  }
  return db.transaction().execute(async (trx) => {
    // The row lock serialises two administrators saving at once.
    const row = await trx.selectFrom('setting').select('value').where('key', '=', ISSUING_KEY).forUpdate().executeTakeFirst()
    const before: Stored = (row && fromValue(row.value)) ?? { ...DEFAULT_ISSUING_POLICY, version: 0 }
    if (before.version !== input.version) throw stale('预警发布规则')
    const after: Stored = { fourEyes: input.fourEyes, fourEyesOffReason: input.fourEyes ? null : reason, rules, version: before.version + 1 }
    await trx.insertInto('setting').values({ key: ISSUING_KEY, value: JSON.stringify(after) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(after), updatedAt: sql`now()` })).execute()
    const entity = { entity: 'setting', entityId: ISSUING_KEY } as const
    await recordAudit(trx, actor, { action: 'warning_issuing.updated', ...entity, before, after })
    if (before.fourEyes !== after.fourEyes) {
      await recordAudit(trx, actor, {
        action: after.fourEyes ? 'warning_issuing.four_eyes_on' : 'warning_issuing.four_eyes_off', ...entity,
        before: { fourEyes: before.fourEyes }, after: { fourEyes: after.fourEyes, reason: after.fourEyesOffReason },
      })
    }
    return readIssuingSettings(trx)
  })
}
