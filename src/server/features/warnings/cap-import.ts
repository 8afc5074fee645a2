import { jurisdictionPrefix, padCode } from '../../../domain/regions/code.js'
import type { CapWarning } from '../../../domain/warnings/cap.js'
import { emptyTarget, type WarningTarget } from '../../../domain/warnings/target.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, type Scope } from '../../db/scope.js'
import { AppError, notFound, outOfScope } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { draftFromCap } from './cap-draft.js'
import { parseCap } from './cap-parse.js'
import { storedTarget } from './input.js'

/** Narrowest region holding all the codes (the codes themselves are 12 digits), or null. */
function commonRegion(codes: string[]): string | null {
  if (codes.length === 0) return null
  const prefixes = codes.map(jurisdictionPrefix)
  for (const len of [12, 9, 6, 4, 2]) {
    const head = prefixes[0].slice(0, len)
    if (prefixes.every((p) => p.length >= len && p.startsWith(head))) return padCode(head)
  }
  return null
}

/**
 * Imports an upstream CAP message as a draft warning of the user's jurisdiction, in one
 * transaction with the audit entry 'warning.imported'. Geocodes decide the target regions: a
 * code outside the jurisdiction is refused (403), and so is one that is not a known region
 * (400) rather than being dropped, since a draft quietly narrower than the upstream warning
 * would leave people unwarned. The draft's region is the narrowest region holding all geocodes,
 * or the user's own when there are none; a message with no geocode and no shape targets it whole.
 */
export async function importCap(db: Db, scope: Scope, actor: Actor, xml: string, now: Date): Promise<number> {
  const draft = draftFromCap(parseCap(xml))
  for (const code of draft.regions) if (!codeInScope(code, scope)) throw outOfScope(code)

  const common = commonRegion(draft.regions)
  const lookup = [...draft.regions, ...(common ? [common] : [])]
  const known = new Set(lookup.length === 0 ? [] : (await db.selectFrom('region').select('code').where('code', 'in', lookup).execute()).map((r) => r.code))
  const unknown = draft.regions.filter((c) => !known.has(c))
  if (unknown.length > 0) {
    throw new AppError('CAP_UNKNOWN_REGION', 400,
      `geocode 中的区划代码 ${unknown.join('、')} 不是本系统已登记的区划，请先导入区划数据或修改 CAP 消息`,
      unknown.map((value) => ({ field: 'geocode', value })))
  }
  const regionCode = common && known.has(common) && codeInScope(common, scope) ? common : scope.regionCode
  const region = await db.selectFrom('region').select('fullName').where('code', '=', regionCode).executeTakeFirst()
  const hasShape = draft.polygons.length > 0 || draft.circles.length > 0
  const target: WarningTarget = {
    ...emptyTarget(),
    regions: draft.regions.length > 0 || hasShape ? draft.regions : [regionCode],
    polygons: draft.polygons,
    circles: draft.circles,
  }

  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('warning').values({
      regionCode,
      eventClass: draft.eventClass,
      eventType: draft.eventType,
      level: draft.level,
      headline: draft.headline,
      description: draft.description,
      instruction: draft.instruction,
      // An area the upstream did not describe is at least the region it was narrowed to.
      areaDesc: draft.areaDesc || (region?.fullName ?? ''),
      senderName: draft.senderName,
      onset: draft.onset,
      expires: draft.expires,
      target: JSON.stringify(target),
      channels: draft.channels,
      ladder: JSON.stringify(draft.ladder),
      source: 'cap',
      sourceXml: xml,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    }).returning(['id']).executeTakeFirstOrThrow()
    // The timeline's first step, as for a draft written by hand, marked as coming from CAP.
    await trx.insertInto('warningStep').values({
      warningId: row.id, at: now, kind: 'created', actorId: actor.id,
      detail: JSON.stringify({ source: 'cap', upstreamIdentifier: draft.upstream.identifier, upstreamSender: draft.upstream.sender }),
    }).execute()
    await recordAudit(trx, actor, {
      action: 'warning.imported',
      entity: 'warning',
      entityId: row.id,
      regionCode,
      after: {
        headline: draft.headline, level: draft.level, eventType: draft.eventType, target,
        upstream: { ...draft.upstream, sent: draft.upstream.sent.toISOString() },
      },
    })
    return row.id
  })
}

/** What the CAP export is made of; rows outside the scope do not exist (404). */
export async function getCapWarning(db: Db, scope: Scope, id: number): Promise<CapWarning> {
  const w = await db.selectFrom('warning')
    .select([
      'regionCode', 'purpose', 'status', 'identifier', 'revision', 'eventClass', 'eventType', 'level', 'headline', 'description',
      'instruction', 'areaDesc', 'senderName', 'onset', 'expires', 'issuedAt', 'endedAt', 'endReason', 'createdAt', 'updatedAt', 'target',
    ])
    .where('id', '=', id).where(inScope('regionCode', scope))
    .executeTakeFirst()
  if (!w) throw notFound('预警', id)
  return { ...w, target: storedTarget(w.target) }
}
