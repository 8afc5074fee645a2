import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import type { Session } from '../../testing/test-app.js'

/** Helpers for the ledger import tests: multipart upload, waiting for the parse, reading rows. */

export async function tempFile(name: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ledger-test-'))
  return path.join(dir, name)
}

/** A multipart/form-data body with one file field, as a browser sends it. */
export function multipart(fieldName: string, fileName: string, content: Buffer): { body: Buffer; contentType: string } {
  const boundary = `----shouwang${crypto.randomBytes(8).toString('hex')}`
  // Browsers send the name as raw UTF-8.
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="${fileName}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n',
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return { body: Buffer.concat([head, content, tail]), contentType: `multipart/form-data; boundary=${boundary}` }
}

export async function upload(s: Session, annex: string, regionCode: string, fileName: string, content: Buffer) {
  const { body, contentType } = multipart('file', fileName, content)
  return s.request({
    method: 'POST', url: `/api/ledgers/${annex}/imports?regionCode=${regionCode}`,
    payload: body, headers: { 'content-type': contentType },
  })
}

export type ImportState = {
  id: number; status: string; totalRows: number; validRows: number; errorRows: number; message: string | null
  meta: { title?: string; fillUnit?: string; fillDate?: string; columnsFound: Record<string, string>; columnsMissing: string[] } | null
  summary: Record<string, { created: number; updated: number; unchanged: number }> | null
}

/** Polls the import until the background parse has finished. */
export async function waitParsed(s: Session, id: number): Promise<ImportState> {
  for (let i = 0; i < 600; i++) {
    const res = await s.request({ url: `/api/ledgers/imports/${id}` })
    expect(res.statusCode, res.body).toBe(200)
    const state = res.json() as ImportState
    if (state.status !== 'parsing') return state
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`import ${id} still parsing`)
}

/** Uploads a file and waits for its preview. */
export async function importFile(s: Session, annex: string, regionCode: string, file: string, fileName = path.basename(file)): Promise<ImportState> {
  const res = await upload(s, annex, regionCode, fileName, await fs.readFile(file))
  expect(res.statusCode, res.body).toBe(202)
  return waitParsed(s, res.json().importId)
}

export type PreviewRow = {
  rowNo: number; outcome: string; data: Record<string, unknown>
  problems: Array<{ row: number; column: string; columnLabel: string; value: string; message: string; candidates?: Array<{ code: string; fullName: string }> }>
}

export async function previewRows(s: Session, id: number, outcome?: string): Promise<PreviewRow[]> {
  const res = await s.request({ url: `/api/ledgers/imports/${id}/rows?pageSize=200${outcome ? `&outcome=${outcome}` : ''}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().items
}

export async function commit(s: Session, id: number) {
  return s.request({ method: 'POST', url: `/api/ledgers/imports/${id}/commit` })
}
