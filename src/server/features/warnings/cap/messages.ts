import { sql, type Kysely, type Transaction } from 'kysely'
import { capIdentifier, capReference, capSender, type CapMsgType, type CapSentMessage } from '../../../../domain/warnings/cap.js'
import type { Database } from '../../../db/types.js'
import { AppError } from '../../../errors.js'

/**
 * The CAP messages a warning sends: each Alert, Update and Cancel is recorded when the workflow
 * step commits, with an identifier of its own and the references to every earlier message, so
 * the export says exactly what went out and a receiver can follow the whole chain.
 *
 * Identifiers keep the GB/T 35965.1 form: region, organisation, the message's own time (Beijing)
 * and one sequence digit N. N starts from a database sequence, so two messages of one region in
 * the same second start from different digits, and the unique index on sent identifiers decides:
 * a digit another transaction took (even one not yet committed: the insert waits for it) is
 * skipped. Ten messages of one region in one second exhaust the digits.
 */

type Trx = Transaction<Database>

/** Whole seconds: CAP times have no fractions, and a reference must match the message it names. */
export const wholeSecond = (at: Date) => new Date(Math.floor(at.getTime() / 1000) * 1000)

export const identifiersExhausted = () =>
  new AppError('IDENTIFIER_EXHAUSTED', 409, '同一秒内本区划发出的预警消息已达 10 条，请稍后再试')

export type SentMessageInput = {
  warningId: number
  regionCode: string
  at: Date
  msgType: CapMsgType
  /** Actual, or Test for a drill. */
  status: 'Actual' | 'Test'
  revision: number
  actorId: number | null
}

/** Records one message the warning sends now; returns its identifier. Call inside the step's transaction. */
export async function recordSentMessage(trx: Trx, m: SentMessageInput): Promise<string> {
  const sent = wholeSecond(m.at)
  const sender = capSender(m.regionCode)
  const earlier = await trx.selectFrom('capMessage').select(['sender', 'identifier', 'sent'])
    .where('warningId', '=', m.warningId).where('direction', '=', 'sent').orderBy('id').execute()
  const referenceList = earlier.length === 0 ? null : earlier.map(capReference).join(' ')
  const { rows: [{ n }] } = await sql<{ n: number }>`select (nextval('cap_identifier_seq') % 10)::int as n`.execute(trx)
  for (let k = 0; k < 10; k++) {
    const identifier = capIdentifier({ regionCode: m.regionCode, issuedAt: sent, sequence: (n + k) % 10 })
    const row = await trx.insertInto('capMessage').values({
      warningId: m.warningId, direction: 'sent', identifier, sender, sent, status: m.status, msgType: m.msgType,
      referenceList, revision: m.revision, actorId: m.actorId, createdAt: m.at,
    }).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst()
    if (row) return identifier
  }
  throw identifiersExhausted()
}

/** The messages a warning has sent, oldest first, as the export needs them. */
export async function listSentMessages(db: Kysely<Database>, warningId: number): Promise<CapSentMessage[]> {
  const rows = await db.selectFrom('capMessage')
    .select(['identifier', 'sender', 'sent', 'status', 'msgType', 'referenceList'])
    .where('warningId', '=', warningId).where('direction', '=', 'sent').orderBy('id').execute()
  return rows.map((r) => ({ identifier: r.identifier, sender: r.sender, sent: r.sent, status: r.status, msgType: r.msgType, references: r.referenceList }))
}
