import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import fastifyMultipart from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { ANNEXES, annexByKey, type Annex } from '../../../domain/ledgers/annexes.js'
import type { Db } from '../../db/database.js'
import { codeInScope, type Scope } from '../../db/scope.js'
import { AppError, invalid, notFound, outOfScope } from '../../errors.js'
import { attachmentHeader, prepareExport, prepareTemplate, type PreparedExport } from './export.js'
import { commitImport } from './import-commit.js'
import { parseImport } from './import-parse.js'
import { getImport, listImportRows, listImports } from './imports-queries.js'
import {
  Accepted, AnnexList, AnnexParam, CommitSummary, ImportDetail, ImportIdParam, ImportListQuery, ImportPage, RegionQuery, RowsPage, RowsQuery,
} from './schema.js'

const tags = ['台账导入导出']
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024
// What offices save ledgers as; the reader tells the formats apart by their bytes.
const UPLOAD_EXTENSIONS = new Set(['.xlsx', '.xlsm', '.xls', '.et', '.csv', '.txt'])
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

function annexOr404(key: string): Annex {
  const annex = annexByKey(key)
  if (!annex) throw notFound('台账附件', key)
  return annex
}

/** A region the user names (or their own): inside the jurisdiction, and a real division. */
async function regionIn(db: Db, scope: Scope, code: string): Promise<string> {
  if (!codeInScope(code, scope)) throw outOfScope(code)
  const found = await db.selectFrom('region').select('code').where('code', '=', code).executeTakeFirst()
  if (!found) throw invalid('区划', code, '不存在')
  return code
}

function sendWorkbook(reply: FastifyReply, prepared: PreparedExport, fallbackName: string, log: (err: unknown) => void) {
  const body = new PassThrough()
  reply.header('content-type', XLSX_TYPE)
  reply.header('content-disposition', attachmentHeader(prepared.fileName, fallbackName))
  reply.header('cache-control', 'no-store')
  prepared.write(body).catch((err) => {
    log(err)
    body.destroy(err instanceof Error ? err : new Error(String(err)))
  })
  return reply.send(body)
}

/** Writes the upload to a temp file, hashing it on the way; refuses more than 50 MB. */
async function saveUpload(file: NodeJS.ReadableStream & { truncated?: boolean }): Promise<{ filePath: string; sha256: string }> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ledger-upload-'))
  const filePath = path.join(dir, 'upload')
  const hash = crypto.createHash('sha256')
  try {
    await pipeline(file, new Transform({ transform(chunk, _enc, done) { hash.update(chunk); done(null, chunk) } }), fs.createWriteStream(filePath))
    // The multipart limit cuts the stream short rather than failing it.
    if (file.truncated) throw new AppError('UPLOAD_TOO_LARGE', 413, '文件超过 50 MB 的上限，请删去无关的工作表或拆分后再上传')
  } catch (err) {
    await fs.promises.rm(dir, { recursive: true, force: true })
    throw err
  }
  return { filePath, sha256: hash.digest('hex') }
}

export const ledgersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11 } })

  // Parses run after the 202; closing the app waits for them so no write outlives the database.
  const running = new Set<Promise<void>>()
  app.addHook('preClose', async () => { await Promise.allSettled([...running]) })

  app.get('/annexes', {
    schema: { tags, summary: '台账附件（附件2–7）及其列', response: { 200: AnnexList } },
    preHandler: app.can('resources.read'),
  }, () => ANNEXES.map((a) => ({
    key: a.key, title: a.title, entity: a.entity,
    columns: a.columns.map((c) => ({ key: c.key, label: c.labels[0], ...(c.parent ? { parent: c.parent[0] } : {}), required: c.required ?? false })),
  })))

  app.get('/:annex/export', {
    schema: { tags, summary: '导出台账（xlsx，区划及其下级；有“查看完整电话”权限者电话不脱敏；每次导出记入审计）', params: AnnexParam, querystring: RegionQuery },
    preHandler: app.can('resources.read'),
  }, async (req, reply) => {
    const regionCode = await regionIn(app.db, req.scope, req.query.regionCode ?? req.user.regionCode)
    const annex = annexOr404(req.params.annex)
    const reveal = req.user.permissions.includes('phone.reveal')
    const prepared = await prepareExport(app.db, req.scope, req.actor, annex, regionCode, reveal)
    return sendWorkbook(reply, prepared, `${annex.key}-${regionCode}.xlsx`, (err) => req.log.error({ err }, 'ledger export failed'))
  })

  app.get('/:annex/template', {
    schema: { tags, summary: '下载空白台账模板（xlsx）', params: AnnexParam },
    preHandler: app.can('resources.read'),
  }, async (req, reply) => {
    const annex = annexOr404(req.params.annex)
    return sendWorkbook(reply, prepareTemplate(annex), `${annex.key}-template.xlsx`, (err) => req.log.error({ err }, 'ledger template failed'))
  })

  app.post('/:annex/imports', {
    schema: {
      tags, summary: '上传台账（multipart，字段 file；后台解析，返回导入批次号）', params: AnnexParam, querystring: RegionQuery,
      response: { 202: Accepted },
    },
    preHandler: app.can('resources.write'),
  }, async (req, reply) => {
    const regionCode = await regionIn(app.db, req.scope, req.query.regionCode ?? req.user.regionCode)
    const annex = annexOr404(req.params.annex)
    if (!req.isMultipart()) throw new AppError('UPLOAD_NOT_MULTIPART', 400, '请以表单文件（multipart/form-data，字段名 file）上传台账')
    const part = await req.file()
    if (!part) throw new AppError('UPLOAD_NO_FILE', 400, '没有收到文件，请选择要导入的台账文件')
    const fileName = path.basename(part.filename || '未命名')
    if (part.fieldname !== 'file' || !UPLOAD_EXTENSIONS.has(path.extname(fileName).toLowerCase())) {
      part.file.resume()
      throw new AppError('UPLOAD_BAD_TYPE', 400, `文件“${fileName}”不是 Excel（.xlsx）或 CSV 文件，请另存为 .xlsx 后再上传`)
    }
    const saved = await saveUpload(part.file)
    const imp = await app.db.insertInto('ledgerImport').values({
      annex: annex.key, fileName, fileSha256: saved.sha256, regionCode, createdBy: req.user.id,
    }).returning('id').executeTakeFirstOrThrow()
    const job = parseImport({
      db: app.db, importId: imp.id, annex, regionCode, filePath: saved.filePath, fileName,
      logError: (err) => req.log.error({ err, importId: imp.id }, 'ledger import parse failed'),
    }).finally(() => fs.promises.rm(path.dirname(saved.filePath), { recursive: true, force: true }))
    running.add(job)
    void job.finally(() => running.delete(job))
    reply.code(202)
    return { importId: imp.id }
  })

  app.get('/imports', {
    schema: { tags, summary: '导入记录', querystring: ImportListQuery, response: { 200: ImportPage } },
    preHandler: app.can('resources.read'),
  }, (req) => listImports(app.db, req.scope, req.query))

  app.get('/imports/:id', {
    schema: { tags, summary: '导入批次（状态、进度、表头识别、提交结果）', params: ImportIdParam, response: { 200: ImportDetail } },
    preHandler: app.can('resources.read'),
  }, (req) => getImport(app.db, req.scope, req.params.id))

  app.get('/imports/:id/rows', {
    schema: { tags, summary: '导入预览：逐行结果与问题', params: ImportIdParam, querystring: RowsQuery, response: { 200: RowsPage } },
    preHandler: app.can('resources.read'),
  }, (req) => listImportRows(app.db, req.scope, req.params.id, req.query))

  app.post('/imports/:id/commit', {
    schema: { tags, summary: '确认导入（一个事务写入全部有效行；有问题的行跳过）', params: ImportIdParam, response: { 200: CommitSummary } },
    preHandler: app.can('resources.write'),
  }, (req) => commitImport(app.db, req.scope, req.actor, req.params.id))
}
