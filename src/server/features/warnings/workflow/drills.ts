import { DEFAULT_LADDERS, type LadderPolicy } from '../../../../domain/warnings/ladder.js'
import type { Channel } from '../../../../domain/warnings/delivery.js'
import type { Db } from '../../../db/database.js'
import { recordAudit } from '../../audit/record.js'
import { checkWarningInput } from '../drafting/input.js'
import { getWarning, warningColumns } from '../drafting/queries.js'
import type { DrillInput, Warning } from '../schema.js'
import { issueLocked, type Caller } from './queries.js'

export const DRILL_HEADLINE = '通联演练：请回复确认'
const DAY_MS = 24 * 60 * 60 * 1000

/**
 * A drill only asks "did this reach you?": every chosen channel at once, no voice redials, no
 * escalation to superiors and no door knocks — the report of who stayed silent is the point.
 */
export function drillLadder(channels: readonly Channel[]): LadderPolicy {
  return {
    ...DEFAULT_LADDERS[4],
    wave1: [...channels],
    voiceAfterMinutes: null,
    voiceAttempts: 0,
    escalateAfterMinutes: null,
    escalate: false,
    doorKnock: false,
    nightStartsAtVoice: false,
  }
}

/**
 * 通联演练 (like a communication test): created and issued in one step by anyone who may draft
 * warnings, since a drill is not a public warning (CAP status Test) and needs no approval.
 */
export async function issueDrill(db: Db, caller: Caller, body: DrillInput): Promise<Warning> {
  const id = await db.transaction().execute(async (trx) => {
    const region = await trx.selectFrom('region').select('fullName').where('code', '=', body.regionCode).executeTakeFirst()
    const headline = body.message?.trim() || DRILL_HEADLINE
    const values = await checkWarningInput(trx, caller.scope, {
      purpose: 'drill',
      regionCode: body.regionCode,
      eventClass: 'natural',
      eventType: '通联演练',
      level: 4,
      headline,
      description: `这是一次通联演练，用于检验联络方式是否畅通，不是真实预警。${headline}`,
      instruction: '请点击链接中的“已收到”或回复“1”确认，无需采取其他行动。',
      areaDesc: region?.fullName ?? body.regionCode,
      senderName: `${region?.fullName ?? ''}应急管理部门`,
      onset: caller.now.toISOString(),
      expires: new Date(caller.now.getTime() + DAY_MS).toISOString(),
      target: body.target,
      channels: body.channels,
    })
    const row = await trx.insertInto('warning').values({
      ...warningColumns({ ...values, ladder: drillLadder(values.channels) }),
      createdBy: caller.actor.id, submittedBy: caller.actor.id, createdAt: caller.now, updatedAt: caller.now,
    }).returningAll().executeTakeFirstOrThrow()
    const issued = await issueLocked(trx, caller, row)
    await recordAudit(trx, caller.actor, {
      action: 'drill.issued', entity: 'warning', entityId: row.id, regionCode: row.regionCode, after: { ...issued, sourceXml: undefined },
    })
    return row.id
  })
  return getWarning(db, caller.scope, id)
}
