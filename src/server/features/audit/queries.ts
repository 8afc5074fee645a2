import { sql } from 'kysely'
import { auditActionLabel, auditEntityLabel } from '../../../domain/audit/actions.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, scopeOf, type Scope } from '../../db/scope.js'
import { invalid, outOfScope } from '../../errors.js'
import { containsPattern } from '../../shared/like.js'
import { paging } from '../../shared/paging.js'
import { namesOf } from './names.js'
import type { AuditListQuery } from './schema.js'

/**
 * Which entries an auditor may read:
 * - An auditor whose jurisdiction holds every account reads the whole log. Entries attributable
 *   to no region and no known account (system jobs, failed logins under unknown names) belong
 *   to the deployment as a whole, and only such an auditor oversees it.
 * - Any other auditor reads entries filed under a region in their jurisdiction, and entries
 *   filed under no region (sign-ins, password and TOTP changes) whose actor is an account in
 *   their jurisdiction. An actor's entries filed under another region stay with that region,
 *   so an account moved in from elsewhere does not bring its history along.
 */
export async function seesWholeLog(db: Db, scope: Scope): Promise<boolean> {
  const outside = await db.selectFrom('appUser').select('id')
    .where(sql<boolean>`not (${inScope('regionCode', scope)})`).limit(1).executeTakeFirst()
  return !outside
}

/** China Standard Time has no daylight saving: a fixed offset is exact. */
const CST = '+08:00'

/**
 * A filter bound as an instant. A bare date is a whole day in China Standard Time: as `from` it
 * starts at that day's midnight, as `to` it runs to the next midnight (exclusive), so from=to
 * selects one day. A time without an offset is read as China Standard Time too.
 */
export function timeBound(value: string, end: boolean, field: string): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value)
  let text = dateOnly ? `${value}T00:00:00${CST}` : value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  if (!dateOnly && !/(Z|[+-]\d{2}:\d{2})$/.test(text)) text += CST
  const at = new Date(text)
  if (Number.isNaN(at.getTime())) throw invalid(field, value, '不是有效的日期或时间')
  if (dateOnly && end) at.setTime(at.getTime() + 86_400_000)
  return at
}

export async function listAudit(db: Db, scope: Scope, f: AuditListQuery) {
  if (f.regionCode && !codeInScope(f.regionCode, scope)) throw outOfScope(f.regionCode)
  const from = f.from ? timeBound(f.from, false, '起始时间') : null
  const to = f.to ? timeBound(f.to, true, '截止时间') : null
  const wholeLog = await seesWholeLog(db, scope)
  const { limit, offset } = paging(f, 50)
  const actorLike = f.actor ? containsPattern(f.actor) : null
  const actorId = f.actor && /^\d{1,15}$/.test(f.actor) ? Number(f.actor) : null

  const filtered = db.selectFrom('auditLog as a')
    .$if(!wholeLog, (q) => q.where((eb) => eb.or([
      inScope('a.regionCode', scope),
      eb.and([
        eb('a.regionCode', 'is', null),
        eb('a.actorId', 'in', eb.selectFrom('appUser as u').select('u.id').where(inScope('u.regionCode', scope))),
      ]),
    ])))
    .$if(from !== null, (q) => q.where('a.at', '>=', from!))
    .$if(to !== null, (q) => q.where('a.at', '<', to!))
    .$if(actorLike !== null, (q) => q.where((eb) => eb.or([
      eb('a.actorName', 'ilike', actorLike!),
      ...(actorId !== null ? [eb('a.actorId', '=', actorId)] : []),
    ])))
    .$if(!!f.action, (q) => q.where('a.action', '=', f.action!))
    .$if(!!f.entity, (q) => q.where('a.entity', '=', f.entity!))
    .$if(!!f.entityId, (q) => q.where('a.entityId', '=', f.entityId!))
    .$if(!!f.regionCode, (q) => q.where(inScope('a.regionCode', scopeOf(f.regionCode!))))

  const [rows, count] = await Promise.all([
    filtered.select([
      'a.id', 'a.at', 'a.actorId', 'a.actorName', 'a.ip', 'a.action', 'a.entity', 'a.entityId', 'a.regionCode',
      'a.before', 'a.after', 'a.hash', 'a.prevHash',
    ]).orderBy('a.id', 'desc').limit(limit).offset(offset).execute(),
    filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  const names = await namesOf(db, rows)
  return {
    items: rows.map((r, i) => ({ ...r, at: r.at.toISOString(), actionLabel: auditActionLabel(r.action), ...names[i] })),
    total: count.n,
  }
}

/**
 * Every action the log holds, labelled, for the filter. Action names reveal no entry, so this
 * is not narrowed to the auditor's jurisdiction.
 */
export async function listActions(db: Db) {
  const rows = await db.selectFrom('auditLog').select('action').distinct().orderBy('action').execute()
  return rows.map((r) => ({ action: r.action, label: auditActionLabel(r.action) }))
}

/** Every kind of object the log holds, labelled, for the filter; like the actions, not narrowed. */
export async function listEntities(db: Db) {
  const rows = await db.selectFrom('auditLog').select('entity').distinct().orderBy('entity').execute()
  return rows.map((r) => ({ entity: r.entity, label: auditEntityLabel(r.entity) }))
}
