import { sql } from 'kysely'
import { DIGEST_STEP, ESCALATION_NOTICE_STEP } from '../../../../domain/warnings/ladder.js'
import type { Db } from '../../../db/database.js'
import type { Composed, StandIn } from './message.js'

/**
 * What a superior is told when people below them stay silent: one notice per escalation round
 * naming how many, a digest when the per-phone limit held notices back, and the line a superior
 * new to the warning reads above the warning itself. Composed when sent, from the escalation rows.
 */

/** The web page listing the silent below the signed-in person (for one warning, or all). */
export const escalationListPath = (warningId?: number | null) => `/inbox/escalations${warningId ? `?warning=${warningId}` : ''}`

/** A delivery as the composer sees it. */
export type EscalationRef = {
  id: number
  channel: string
  warningId: number
  personId: number | null
  step: number
  roundId: number | null
  aboutPersonId: number | null
}

type NoticeWarning = { id: number; purpose: string; headline: string; senderName: string; status: string }

type Summary = { count: number; who: string }

const key = (warningId: number, personId: number, roundId: number | null) => `${warningId}:${personId}:${roundId ?? ''}`

/**
 * "织里镇 12 个村（社区）37 人", or the one person by name: the silent people escalated to a
 * superior in a round (`roundId` null: the first round that reached them).
 */
async function summaries(db: Db, refs: Array<{ warningId: number; personId: number; roundId: number | null }>): Promise<Map<string, Summary>> {
  if (refs.length === 0) return new Map()
  const { rows } = await sql<{ warningId: number; personId: number; roundId: number | null; count: number; areas: number; villages: boolean; townships: boolean; one: string; below: string | null }>`
    with refs as (
      select distinct * from unnest(${refs.map((r) => r.warningId)}::bigint[], ${refs.map((r) => r.personId)}::bigint[],
        ${refs.map((r) => r.roundId)}::bigint[]) as t(warning_id, person_id, round_id)),
    picked as (
      select refs.*, coalesce(refs.round_id, (select min(e.round_id) from escalation e
        where e.warning_id = refs.warning_id and e.superior_id = refs.person_id)) as rid
      from refs)
    select pk.warning_id, pk.person_id, pk.round_id, count(*)::int as count,
      count(distinct sp.region_code)::int as areas,
      bool_and(g.level = 'village') as villages, bool_and(g.level = 'township') as townships,
      min(g.name || coalesce(sp.post, '') || sp.name) as one,
      (select sg.name from person s join region sg on sg.code = s.region_code where s.id = pk.person_id) as below
    from picked pk
    join escalation e on e.warning_id = pk.warning_id and e.superior_id = pk.person_id and e.round_id = pk.rid
    join person sp on sp.id = e.person_id
    join region g on g.code = sp.region_code
    group by pk.warning_id, pk.person_id, pk.round_id`.execute(db)
  return new Map(rows.map((r) => {
    const unit = r.villages ? ' 个村（社区）' : r.townships ? ' 个乡镇（街道）' : null
    const who = r.count === 1 ? r.one : `${r.below ?? ''} ${unit ? `${r.areas}${unit}` : ''}${r.count} 人`.trimStart()
    return [key(r.warningId, r.personId, r.roundId), { count: r.count, who }]
  }))
}

/** One person named the way every escalation text names them: 织里居委会村主任张村长. */
async function namedPeople(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('person as p').innerJoin('region as g', 'g.code', 'p.regionCode')
    .select(['p.id', 'p.name', 'p.post', 'g.name as regionName']).where('p.id', 'in', [...new Set(ids)]).execute()
  return new Map(rows.map((p) => [p.id, `${p.regionName}${p.post ?? ''}${p.name}`]))
}

/**
 * The notice of one round. By SMS it is short (one or two segments): who, which warning, what
 * to do, and the link, spaced so phones see where it ends; in-app and e-mail say a little more.
 */
export function composeEscalationNotice(w: NoticeWarning, s: Summary, listUrl: string | null, channel: string): Composed {
  const drill = w.purpose === 'drill' ? '【通联演练】' : ''
  const subject = `${drill}【叫应升级】${s.who}未确认预警`
  const speech = `这里是${w.senderName}。${s.who}未确认收到${w.headline}，请立即联系或上门叫应。`
  if (channel === 'sms') {
    return { subject, speech, text: `${drill}【叫应升级】${s.who}未确认“${w.headline}”，请立即组织联系，必要时上门叫应。名单及电话 ${listUrl ?? ''} ` }
  }
  const list = listUrl ? `名单及电话：${listUrl}` : '名单及电话见“叫应升级名单”。'
  const text = `${subject}\n${s.who}${s.count > 1 ? '均' : ''}经多次短信和电话呼叫，仍未确认收到“${w.headline}”。` +
    `请立即组织联系，必要时上门叫应，并在“上门叫应任务”中办结。${list}`
  return { subject, text, speech }
}

/** Notices the per-phone limit held back, as one SMS: each warning and who is silent under it. */
export function composeDigest(items: Array<{ headline: string; summary: Summary }>, listUrl: string | null): Composed {
  const subject = `【叫应升级汇总】${items.length} 条预警有人未确认`
  const text = `${subject}：${items.map((it, i) => `${i + 1}.“${it.headline}”${it.summary.who}`).join('；')}。` +
    `请立即组织联系，必要时上门叫应。名单及电话 ${listUrl ?? ''} `
  return { subject, text, speech: `${subject}，请查看短信中的名单，立即组织联系。` }
}

/**
 * For a batch of deliveries: the full text of each escalation notice and digest, and the
 * stand-in line of each first message to a superior the ladder brought into the warning.
 * `link` turns a list path into what the channel can open (absolute for SMS); null for in-app,
 * where the page shows a button instead.
 */
export async function escalationTexts(db: Db, refs: readonly EscalationRef[], link: ((path: string) => string) | null) {
  const url = (warningId: number | null) => (link ? link(escalationListPath(warningId)) : null)
  const notices = new Map<number, Composed>()
  const standIns = new Map<number, StandIn>()
  const own = refs.filter((r) => r.step >= 0 && r.personId !== null)
  const noticeRefs = refs.filter((r) => r.step === ESCALATION_NOTICE_STEP && r.personId !== null)
  const digests = refs.filter((r) => r.step === DIGEST_STEP)
  if (own.length + noticeRefs.length + digests.length === 0) return { notices, standIns }

  // Superiors new to the warning: their own first message says whom they stand in for.
  const escalated = own.length === 0 ? [] : await db.selectFrom('warningRecipient')
    .select(['warningId', 'personId', 'escalatedFrom'])
    .where('reason', '=', 'escalation')
    .where(sql<boolean>`(warning_id, person_id) in (select * from unnest(${own.map((r) => r.warningId)}::bigint[], ${own.map((r) => r.personId)}::bigint[]))`)
    .execute()
  const items = digests.length === 0 ? [] : await db.selectFrom('noticeDigestItem as i').innerJoin('warning as w', 'w.id', 'i.warningId')
    .select(['i.deliveryId', 'i.warningId', 'i.roundId', 'i.personId', 'w.headline', 'w.status'])
    .where('i.deliveryId', 'in', digests.map((d) => d.id)).orderBy('i.roundId').execute()
  const wanted = [
    ...escalated.map((r) => ({ warningId: r.warningId, personId: r.personId, roundId: null })),
    ...noticeRefs.filter((r) => r.roundId !== null).map((r) => ({ warningId: r.warningId, personId: r.personId!, roundId: r.roundId })),
    ...items.map((i) => ({ warningId: i.warningId, personId: i.personId, roundId: i.roundId })),
  ]
  const [found, named, warnings] = await Promise.all([
    summaries(db, wanted),
    // Older rows name one person: the recipient's escalated_from, a notice's about_person_id.
    namedPeople(db, [...escalated.flatMap((r) => (r.escalatedFrom ? [r.escalatedFrom] : [])), ...noticeRefs.flatMap((r) => (r.aboutPersonId ? [r.aboutPersonId] : []))]),
    noticeRefs.length === 0 ? [] : db.selectFrom('warning').select(['id', 'purpose', 'headline', 'senderName', 'status'])
      .where('id', 'in', [...new Set(noticeRefs.map((r) => r.warningId))]).execute(),
  ])

  const escalatedOf = new Map(escalated.map((r) => [`${r.warningId}:${r.personId}`, r]))
  for (const r of own) {
    const e = escalatedOf.get(`${r.warningId}:${r.personId}`)
    if (!e) continue
    const who = found.get(key(r.warningId, r.personId!, null))?.who ?? (e.escalatedFrom ? named.get(e.escalatedFrom) : undefined)
    if (who) standIns.set(r.id, { who, listUrl: url(r.warningId) })
  }
  const warningOf = new Map(warnings.map((w) => [w.id, w]))
  for (const r of noticeRefs) {
    const w = warningOf.get(r.warningId)
    const s = r.roundId !== null ? found.get(key(r.warningId, r.personId!, r.roundId))
      : r.aboutPersonId !== null && named.has(r.aboutPersonId) ? { count: 1, who: named.get(r.aboutPersonId)! } : undefined
    if (w && s) notices.set(r.id, composeEscalationNotice(w, s, url(r.warningId), r.channel))
  }
  for (const d of digests) {
    // Warnings closed since the notice was held back are left out (the dispatcher drops a digest with none left).
    const mine = items.filter((i) => i.deliveryId === d.id && i.status === 'issued')
      .flatMap((i) => {
        const summary = found.get(key(i.warningId, i.personId, i.roundId))
        return summary ? [{ headline: i.headline, summary }] : []
      })
    notices.set(d.id, composeDigest(mine, url(null)))
  }
  return { notices, standIns }
}
