import { ACK_VIA_LABELS } from '../../../domain/warnings/delivery.js'
import type { Db } from '../../db/database.js'
import type { TimelineEntry } from './schema.js'

const TIMELINE_LIMIT = 50

type StepRow = { at: Date; kind: string; detail: unknown; actorName: string | null; personName: string | null }

/**
 * One step as the owner reads it. Steps written by the delivery pipeline may carry their own
 * `detail.text`; known kinds are worded here so the wording stays in one place.
 */
export function stepText(step: StepRow): string {
  const d = (step.detail ?? {}) as Record<string, any>
  const who = step.actorName ?? '系统'
  const person = step.personName ?? '责任人'
  const reason = d.reason ? `：${d.reason}` : ''
  switch (step.kind) {
    case 'created': return `${who}起草${d.source === 'cap' ? '（由 CAP 报文导入）' : ''}`
    case 'submitted': return `${who}提交审批`
    case 'approved': return `${who}审批通过`
    case 'rejected': return `${who}退回修改${reason}`
    case 'issued': return d.drill ? `通联演练发出（${who}）` : `正式发布${d.identifier ? `，标识 ${d.identifier}` : ''}`
    case 'updated': return `${who}更新预警（第 ${d.revision ?? '?'} 版），重新发送`
    case 'cancelled': return `${who}撤销预警${reason}`
    case 'ended': return `${who}解除预警${reason}`
    case 'door_knock_done': return `${who}上门叫应${person}${d.result ? `：${d.result}` : ''}`
    case 'acknowledged': return `${person}已确认${typeof d.via === 'string' ? `（${ACK_VIA_LABELS[d.via] ?? d.via}）` : ''}`
    case 'fully_confirmed': return '全部责任人已确认'
    default:
      if (typeof d.text === 'string' && d.text !== '') return d.text
      return step.personName ? `${step.kind}：${step.personName}` : step.kind
  }
}

/** The latest steps of a warning, newest first. */
export async function listTimeline(db: Db, warningId: number): Promise<TimelineEntry[]> {
  const rows = await db.selectFrom('warningStep as s')
    .leftJoin('appUser as u', 'u.id', 's.actorId')
    .leftJoin('person as p', 'p.id', 's.personId')
    .select(['s.at', 's.kind', 's.detail', 'u.displayName as actorName', 'p.name as personName'])
    .where('s.warningId', '=', warningId)
    .orderBy('s.id', 'desc').limit(TIMELINE_LIMIT)
    .execute()
  return rows.map((r) => ({ at: r.at.toISOString(), kind: r.kind, text: stepText(r) }))
}
