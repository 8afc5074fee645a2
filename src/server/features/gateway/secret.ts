import crypto from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { ChannelConfig } from '../../channels/config.js'
import type { Database } from '../../db/types.js'

/**
 * The secret gateways sign their callbacks with. Callbacks are never taken unsigned: a deployment
 * that configured nothing gets a secret of its own, made on first use and kept in `setting` (like
 * the confirm-link secret), which the system administrator copies into the gateways' set-up.
 * SHOUWANG_CALLBACK_SECRET, when set, takes its place.
 *
 * Read from the database on every callback rather than cached, so a rotation on one instance
 * holds on all of them at once; it is one primary-key lookup.
 */
const SECRET_KEY = 'gateway_callback_secret'

export type CallbackSecret = {
  value: string
  /** 'env': SHOUWANG_CALLBACK_SECRET; 'generated': the deployment's own, rotatable. */
  source: 'env' | 'generated'
}

const freshSecret = () => crypto.randomBytes(32).toString('hex')

async function readStored(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('setting').select(sql<string>`value #>> '{}'`.as('secret'))
    .where('key', '=', SECRET_KEY).executeTakeFirst()
  return row?.secret
}

/** The deployment's generated secret, made on first use; two instances racing agree on the first. */
export async function storedCallbackSecret(db: Kysely<Database>): Promise<string> {
  const stored = await readStored(db)
  if (stored) return stored
  await db.insertInto('setting').values({ key: SECRET_KEY, value: JSON.stringify(freshSecret()) })
    .onConflict((oc) => oc.column('key').doNothing()).execute()
  const made = await readStored(db)
  if (!made) throw new Error('gateway callback secret missing right after it was stored')
  return made
}

/** The secret callbacks are checked against now: the environment's, else the generated one. */
export async function callbackSecret(db: Kysely<Database>, channels: ChannelConfig): Promise<CallbackSecret> {
  if (channels.callbackSecret) return { value: channels.callbackSecret, source: 'env' }
  return { value: await storedCallbackSecret(db), source: 'generated' }
}

/** Replaces the generated secret; callbacks signed with the old one are refused from now on. */
export async function rotateCallbackSecret(db: Kysely<Database>): Promise<string> {
  const value = freshSecret()
  await db.insertInto('setting').values({ key: SECRET_KEY, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updatedAt: sql`now()` })).execute()
  return value
}
