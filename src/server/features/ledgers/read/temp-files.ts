import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Where uploads wait while they are read: one folder of this app under the system temp folder,
 * one subfolder per upload named after the process that made it (`<pid>-XXXXXX`). Every path
 * that makes a subfolder removes it in a `finally`; what a killed process left behind is removed
 * at the next start (`removeLeftoverUploads`), without touching the uploads of a process still
 * running beside it.
 */

/** Read at every call: the system temp folder may be changed by TMPDIR (tests give each file its own). */
export function uploadsRoot(): string {
  return path.join(os.tmpdir(), 'shouwang-uploads')
}

/** A fresh folder for one upload; the caller removes it with `removeUploadDir`. */
export async function makeUploadDir(): Promise<string> {
  const root = uploadsRoot()
  await fs.promises.mkdir(root, { recursive: true, mode: 0o700 })
  return fs.promises.mkdtemp(path.join(root, `${process.pid}-`))
}

export async function removeUploadDir(dir: string): Promise<void> {
  await fs.promises.rm(dir, { recursive: true, force: true })
}

// Nothing legitimately waits this long: a parse that has not finished is stopped after 30 minutes.
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes the upload folders of processes that are gone (and any older than a day, in case a
 * pid was reused). Returns how many were removed.
 */
export async function removeLeftoverUploads(now = Date.now()): Promise<number> {
  let entries: string[]
  try {
    entries = await fs.promises.readdir(uploadsRoot())
  } catch {
    return 0
  }
  let removed = 0
  for (const name of entries) {
    const full = path.join(uploadsRoot(), name)
    const pid = Number(/^(\d+)-/.exec(name)?.[1] ?? NaN)
    const mine = pid === process.pid
    let old = false
    try {
      old = now - (await fs.promises.stat(full)).mtimeMs > ABANDONED_AFTER_MS
    } catch {
      continue
    }
    if (old || (!mine && !(Number.isInteger(pid) && pid > 0 && processAlive(pid)))) {
      await removeUploadDir(full)
      removed++
    }
  }
  return removed
}
