import { sql } from 'kysely'
import { jurisdictionPrefix, padCode } from '../../../../domain/regions/code.js'
import { parseCapReferences, type CapWarning } from '../../../../domain/warnings/cap.js'
import { WARNING_STATUSES } from '../../../../domain/warnings/levels.js'
import type { Db } from '../../../db/database.js'
import { codeInScope, inScope, type Scope } from '../../../db/scope.js'
import { AppError, notFound, outOfScope } from '../../../errors.js'
import { recordAudit, type Actor } from '../../audit/record.js'
import { draftFromCap, type CapDraft } from './draft.js'
import { listSentMessages } from './messages.js'
import { parseCap, shown, type CapMessage } from './parse.js'
import { checkWarningInput, storedTarget } from '../drafting/input.js'
import { chinaTime } from '../delivery/message.js'
import { insertDraft, lockWarning, warningColumns, withAuthor } from '../drafting/queries.js'
import type { WarningInput } from '../schema.js'

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

/** How an import ended: a new draft, the same message again, or an update attached to its warning. */
export type CapImportResult = { warningId: number; outcome: 'created' | 'duplicate' | 'attached'; message: string }

const notImportable = (message: string) => new AppError('CAP_NOT_IMPORTABLE', 400, message)

/** Thrown inside the import's transaction when a concurrent import stored the same message first. */
class SameMessage extends Error {}

/**
 * The draft's fields as a form would send them. Geocodes decide the target regions: a code
 * outside the jurisdiction is refused (403), and so is one that is not a known region (400)
 * rather than being dropped, since a draft quietly narrower than the upstream warning would leave
 * people unwarned. The draft's region is the narrowest region holding all geocodes, or the user's
 * own when there are none; a message with no geocode and no shape targets it whole.
 */
async function draftInput(db: Db, scope: Scope, draft: CapDraft): Promise<WarningInput> {
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
  const target: WarningInput['target'] = {
    regions: draft.regions.length > 0 || hasShape ? draft.regions : [regionCode],
    polygons: draft.polygons,
    circles: draft.circles,
    roles: [],
    groupIds: [],
  }
  return {
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
    onset: draft.onset.toISOString(),
    expires: draft.expires?.toISOString() ?? null,
    target,
    channels: draft.channels,
    ladder: draft.ladder,
  }
}

/** A refusal of the draft checks, saying that the draft came from the CAP message. */
function fromCapChecks(err: unknown): unknown {
  if (err instanceof AppError && (err.status === 400 || err.status === 422)) {
    return new AppError(err.code, err.status, `CAP 报文生成的草稿未通过检查：${err.message}`, err.details)
  }
  return err
}

/** The stored message with this (sender, identifier, sent), and its warning. */
function findMessage(db: Db, m: { sender: string; identifier: string; sent: Date }) {
  return db.selectFrom('capMessage as m').innerJoin('warning as w', 'w.id', 'm.warningId')
    .select(['m.warningId', 'm.direction', 'm.createdAt', 'w.headline', 'w.status', 'w.regionCode'])
    .where('m.sender', '=', m.sender).where('m.identifier', '=', m.identifier).where('m.sent', '=', m.sent)
    .executeTakeFirst()
}

const importedElsewhere = (cap: CapMessage) =>
  new AppError('CAP_DUPLICATE', 409, `该 CAP 消息（标识 ${shown(cap.identifier)}）已由其他辖区导入，未重复导入`)

/**
 * The answer to a message stored before: which warning it became, when it is in the
 * jurisdiction; 'elsewhere' when another jurisdiction holds it, of which nothing more is said.
 */
async function duplicateOf(db: Db, scope: Scope, cap: CapMessage): Promise<CapImportResult | 'elsewhere' | null> {
  const seen = await findMessage(db, cap)
  if (!seen) return null
  if (!codeInScope(seen.regionCode, scope)) return 'elsewhere'
  const status = (WARNING_STATUSES as Record<string, string>)[seen.status] ?? seen.status
  const message = seen.direction === 'sent'
    ? `这是本系统发出的预警“${seen.headline}”（编号 ${seen.warningId}，${status}）的报文，未重复导入`
    : `该 CAP 消息（标识 ${shown(cap.identifier)}）已于${chinaTime(seen.createdAt)}导入为预警“${seen.headline}”（编号 ${seen.warningId}，${status}），未重复导入`
  return { warningId: seen.warningId, outcome: 'duplicate', message }
}

/** The newest warning of the jurisdiction holding one of the messages `references` names. */
async function referencedWarning(db: Db, scope: Scope, references: string | null) {
  const named = parseCapReferences(references)
  if (named.length === 0) return null
  return db.selectFrom('capMessage as m').innerJoin('warning as w', 'w.id', 'm.warningId')
    .select(['m.warningId'])
    .where((eb) => eb.or(named.map((n) => eb.and([eb('m.sender', '=', n.sender), eb('m.identifier', '=', n.identifier), eb('m.sent', '=', n.sent)]))))
    .where(inScope('w.regionCode', scope))
    .orderBy('m.id', 'desc').limit(1).executeTakeFirst()
}

const receivedRow = (warningId: number, cap: CapMessage, xml: string, actor: Actor, now: Date) => ({
  warningId, direction: 'received' as const, identifier: cap.identifier, sender: cap.sender, sent: cap.sent,
  status: cap.status, msgType: cap.msgType, referenceList: cap.references, xml, actorId: actor.id, createdAt: now,
})

/**
 * An upstream Update or Cancel of a warning we have (its `references` name a message we imported
 * or sent): recorded on that warning and shown on its timeline. A draft follows an Update at once,
 * through the same checks as any draft; a warning already submitted or issued is left to its
 * officer, who is told to decide (nothing goes out, nothing is withdrawn, without a person).
 */
async function attach(db: Db, scope: Scope, actor: Actor, cap: CapMessage, xml: string, warningId: number, now: Date): Promise<CapImportResult> {
  const allClear = cap.infos.some((i) => i.responseTypes.includes('AllClear'))
  const what = cap.msgType === 'Cancel' ? '撤销' : allClear ? '解除' : '更新'
  // Prepared outside the transaction: it reads regions only.
  const follow = cap.msgType === 'Update' && !allClear ? await draftInput(db, scope, draftFromCap(cap)) : null
  return db.transaction().execute(async (trx) => {
    const before = await lockWarning(trx, scope, warningId)
    const stored = await trx.insertInto('capMessage').values(receivedRow(warningId, cap, xml, actor, now))
      .onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst()
    if (!stored) throw new SameMessage()
    let after = before
    if (follow && before.status === 'draft') {
      const values = await checkWarningInput(trx, scope, follow).catch((e: unknown) => { throw fromCapChecks(e) })
      after = await trx.updateTable('warning')
        .set({ ...warningColumns(values), sourceXml: xml, authors: withAuthor(actor), version: sql`version + 1`, updatedAt: now })
        .where('id', '=', warningId).returningAll().executeTakeFirstOrThrow()
    }
    const status = (WARNING_STATUSES as Record<string, string>)[before.status] ?? before.status
    const outcome = after !== before ? '，草稿已按其内容更新'
      : before.status === 'draft' || before.status === 'submitted' || before.status === 'issued' ? `，请核对后决定是否${what}本预警` : ''
    const text = `收到上游${what}报文（${shown(cap.sender)}，标识 ${shown(cap.identifier)}）${outcome}`
    await trx.insertInto('warningStep').values({
      warningId, at: now, kind: 'upstream', actorId: actor.id,
      detail: JSON.stringify({ text, msgType: cap.msgType, allClear, identifier: cap.identifier, sender: cap.sender }),
    }).execute()
    await recordAudit(trx, actor, {
      action: 'warning.upstream_attached', entity: 'warning', entityId: warningId, regionCode: before.regionCode,
      before: { ...before, sourceXml: undefined },
      after: { ...after, sourceXml: undefined, upstream: { identifier: cap.identifier, sender: cap.sender, sent: cap.sent.toISOString(), msgType: cap.msgType, allClear } },
    })
    return { warningId, outcome: 'attached' as const, message: `已关联到预警“${before.headline}”（编号 ${warningId}，${status}）：${text}` }
  })
}

/**
 * Imports an upstream CAP message. The same message twice (same sender, identifier and sent) is
 * recognised and answered with the warning it became. An Update or Cancel whose `references` name
 * a message of a warning in the jurisdiction is attached to that warning. Otherwise it becomes a
 * draft of the user's jurisdiction, checked exactly as a draft written in the form, in one
 * transaction with the audit entry 'warning.imported'.
 */
export async function importCap(db: Db, scope: Scope, actor: Actor, xml: string, now: Date): Promise<CapImportResult> {
  const cap = parseCap(xml)
  const duplicate = await duplicateOf(db, scope, cap)
  if (duplicate && duplicate !== 'elsewhere') return duplicate
  // Held by another jurisdiction: the usual checks say why this user may not have it (its
  // geocodes lie outside); a message without any is refused as a repeat when it is stored.
  try {
    if (cap.msgType === 'Update' || cap.msgType === 'Cancel') {
      const referenced = await referencedWarning(db, scope, cap.references)
      if (referenced) return await attach(db, scope, actor, cap, xml, referenced.warningId, now)
      if (cap.msgType === 'Cancel') {
        throw notImportable('这是一条撤销消息（msgType 为 Cancel），它引用的报文在本辖区没有对应的预警，不能导入为预警草稿；请在对应的预警上执行撤销')
      }
    }
    const draft = draftFromCap(cap)
    const input = await draftInput(db, scope, draft)
    const upstream = { upstreamIdentifier: draft.upstream.identifier, upstreamSender: draft.upstream.sender, upstreamSent: draft.upstream.sent.toISOString(), upstreamMsgType: draft.upstream.msgType }
    const row = await db.transaction().execute(async (trx) => {
      const created = await insertDraft(trx, scope, actor, input, { source: 'cap', sourceXml: xml, now, upstream }).catch((e: unknown) => { throw fromCapChecks(e) })
      const stored = await trx.insertInto('capMessage').values(receivedRow(created.id, cap, xml, actor, now))
        .onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst()
      if (!stored) throw new SameMessage()
      return created
    })
    return { warningId: row.id, outcome: 'created', message: `已导入为预警草稿“${row.headline}”（编号 ${row.id}），请核对范围和发送渠道后提交审批` }
  } catch (err) {
    // Posted twice at once: the other import stored it first; this one answers like a repeat.
    if (err instanceof SameMessage) {
      const again = await duplicateOf(db, scope, cap)
      if (again && again !== 'elsewhere') return again
      throw importedElsewhere(cap)
    }
    throw err
  }
}

/** What the CAP export is made of, with the messages sent so far; rows outside the scope do not exist (404). */
export async function getCapWarning(db: Db, scope: Scope, id: number): Promise<CapWarning> {
  const w = await db.selectFrom('warning')
    .select([
      'regionCode', 'purpose', 'status', 'identifier', 'revision', 'eventClass', 'eventType', 'level', 'headline', 'description',
      'instruction', 'areaDesc', 'senderName', 'onset', 'expires', 'issuedAt', 'endedAt', 'endReason', 'createdAt', 'updatedAt', 'target',
    ])
    .where('id', '=', id).where(inScope('regionCode', scope))
    .executeTakeFirst()
  if (!w) throw notFound('预警', id)
  return { ...w, target: storedTarget(w.target), messages: await listSentMessages(db, id) }
}
