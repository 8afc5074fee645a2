import { sql } from 'kysely'
import { ACK_VIA_LABELS } from '../../../../domain/warnings/delivery.js'
import type { Db } from '../../../db/database.js'
import type { TimelineEntry } from '../schema.js'

const TIMELINE_LIMIT = 50

/** Steps written once per person: in the timeline, those of one minute (and one channel) are one line. */
const PER_PERSON_KINDS = ['acknowledged', 'escalated', 'unreachable']

type StepRow = { at: Date; kind: string; detail: unknown; actorName: string | null; personName: string | null }

const names = (list: unknown): string => {
  const all = Array.isArray(list) ? list.map(String) : []
  return all.length > 5 ? `${all.slice(0, 5).join('、')}等 ${all.length} 人` : all.join('、')
}

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
    case 'door_knock_done':
      // One task per village: who was told at the door, and how many were not found.
      if (typeof d.areaName === 'string') {
        const told = Array.isArray(d.reached) && d.reached.length > 0 ? `，当面告知${names(d.reached)}` : ''
        const missed = typeof d.missed === 'number' && d.missed > 0 ? `，${d.missed} 人未见到` : ''
        return `${who}上门叫应${d.areaName}${told}${missed}${d.result ? `：${d.result}` : ''}`
      }
      return `${who}上门叫应${person}${d.result ? `：${d.result}` : ''}`
    case 'acknowledged': return `${person}已确认${typeof d.via === 'string' ? `（${ACK_VIA_LABELS[d.via] ?? d.via}）` : ''}`
    case 'fully_confirmed': return '全部责任人已确认'
    default:
      if (typeof d.text === 'string' && d.text !== '') return d.text
      return step.personName ? `${step.kind}：${step.personName}` : step.kind
  }
}

/** Several per-person steps of one minute as one line: “37 人已确认（确认链接）”. */
function groupText(step: StepRow, n: number): string {
  const d = (step.detail ?? {}) as Record<string, any>
  switch (step.kind) {
    case 'acknowledged': return `${n} 人已确认${typeof d.via === 'string' ? `（${ACK_VIA_LABELS[d.via] ?? d.via}）` : ''}`
    case 'escalated': return `${n} 人经多次呼叫仍未确认，已升级`
    case 'unreachable': return `${n} 人无法联系上，已升级`
    default: return stepText(step)
  }
}

/**
 * The latest lines of a warning's timeline, newest first. Steps written per person (a
 * confirmation, an escalation of older rows) are grouped per minute and channel, so a thousand
 * confirmations read as a few lines and do not push everything else out.
 */
export async function listTimeline(db: Db, warningId: number): Promise<TimelineEntry[]> {
  const { rows } = await sql<StepRow & { n: number }>`
    with g as (
      select max(s.id) as id, count(*)::int as n
      from warning_step s
      where s.warning_id = ${warningId}
      group by s.kind, case when s.person_id is not null and s.kind = any(${PER_PERSON_KINDS}::text[])
        then to_char(date_trunc('minute', s.at), 'YYYYMMDDHH24MI') || coalesce(s.detail->>'via', '')
        else s.id::text end
      order by max(s.id) desc
      limit ${TIMELINE_LIMIT})
    select s.at, s.kind, s.detail, u.display_name as actor_name, p.name as person_name, g.n
    from g join warning_step s on s.id = g.id
    left join app_user u on u.id = s.actor_id
    left join person p on p.id = s.person_id
    order by g.id desc`.execute(db)
  return rows.map((r) => ({ at: r.at.toISOString(), kind: r.kind, text: r.n > 1 ? groupText(r, r.n) : stepText(r) }))
}
