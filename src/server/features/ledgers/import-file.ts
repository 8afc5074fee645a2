import fs from 'node:fs'
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/types.js'
import { makeUploadDir, removeUploadDir } from './read/temp-files.js'

/**
 * The upload of an import kept with it until it is committed or deleted: a changed column
 * mapping means reading the file again, and the user may come back to it on another instance
 * or after a restart. Stored in the database in chunks, written and read as streams, so no
 * process holds a whole 50 MB file.
 */

const CHUNK_BYTES = 1024 * 1024

/** Copies the saved upload into the import's chunks. */
export async function keepUpload(db: Db, importId: number, filePath: string): Promise<void> {
  let seq = 0
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    await db.insertInto('ledgerImportFile').values({ importId, seq: seq++, bytes: chunk }).execute()
  }
}

/** Writes the kept upload to a fresh temp folder; null when it is gone. The caller removes `dir`. */
export async function restoreUpload(db: Db, importId: number): Promise<{ dir: string; filePath: string } | null> {
  const first = await db.selectFrom('ledgerImportFile').select('seq').where('importId', '=', importId).limit(1).executeTakeFirst()
  if (!first) return null
  const dir = await makeUploadDir()
  const filePath = path.join(dir, 'upload')
  try {
    const out = fs.createWriteStream(filePath)
    for (let seq = 0; ; seq++) {
      const part = await db.selectFrom('ledgerImportFile').select('bytes').where('importId', '=', importId).where('seq', '=', seq).executeTakeFirst()
      if (!part) break
      if (!out.write(part.bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
  } catch (err) {
    await removeUploadDir(dir)
    throw err
  }
  return { dir, filePath }
}

/** Drops the kept upload (after a commit, or when the file could not be read at all). */
export async function dropUpload(db: Kysely<Database>, importId: number): Promise<void> {
  await db.deleteFrom('ledgerImportFile').where('importId', '=', importId).execute()
}
