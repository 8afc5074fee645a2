import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { PassThrough, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { TEXT_LIMITS, textLength } from '../../../domain/field-limits.js'
import { ANNEXES, annexByKey, annexFullTitle, type Annex } from '../../../domain/ledgers/annexes.js'
import { mappingTargets } from '../../../domain/ledgers/mapping.js'
import type { Db } from '../../db/database.js'
import { codeInScope, type Scope } from '../../db/scope.js'
import { AppError, invalid, notFound, outOfScope } from '../../errors.js'
import { attachmentHeader, prepareExport, prepareTemplate, type PreparedExport } from './export.js'
import { deleteImport, recoverStaleImports, SWEEP_MS } from './import-cleanup.js'
import { commitImport } from './import-commit.js'
import { restoreUpload } from './import-file.js'
import { remapImport } from './import-mapping.js'
import { parseImport, type ParseJob } from './import-parse.js'
import { getImport, listImportRows, listImports } from './imports-queries.js'
import { makeUploadDir, removeUploadDir } from './read/temp-files.js'
import {
  Accepted, AnnexList, AnnexParam, CommitSummary, Deleted, ImportDetail, ImportIdParam, ImportListQuery, ImportPage, MappingBody, RegionQuery, RowsPage, RowsQuery,
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

type SavedUpload = { dir: string; filePath: string; sha256: string; fileName: string }

/** Writes the upload to a temp file, hashing it on the way; refuses more than 50 MB. */
async function saveUpload(file: NodeJS.ReadableStream & { truncated?: boolean }, fileName: string): Promise<SavedUpload> {
  const dir = await makeUploadDir()
  const filePath = path.join(dir, 'upload')
  const hash = crypto.createHash('sha256')
  try {
    await pipeline(file, new Transform({ transform(chunk, _enc, done) { hash.update(chunk); done(null, chunk) } }), fs.createWriteStream(filePath))
    // The multipart limit cuts the stream short rather than failing it.
    if (file.truncated) throw new AppError('UPLOAD_TOO_LARGE', 413, '文件超过 50 MB 的上限，请删去无关的工作表或拆分后再上传')
  } catch (err) {
    await removeUploadDir(dir)
    throw err
  }
  return { dir, filePath, sha256: hash.digest('hex'), fileName }
}

const FIELD = '表单字段“file”'

/** The name a browser sent, or why it cannot be kept (it is stored, shown and put in messages). */
function checkedFileName(part: MultipartFile): string {
  const raw = part.filename || '未命名'
  // Control characters (NUL above all, which PostgreSQL cannot store) are never part of a real name.
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    const shown = raw.replace(/[\u0000-\u001f\u007f]/g, '�').slice(0, 60)
    throw new AppError('UPLOAD_BAD_NAME', 400, `${FIELD}的文件名“${shown}”含有控制字符，请重命名文件后再上传`, [{ field: 'file', value: shown }])
  }
  const fileName = path.basename(raw.replaceAll('\\', '/'))
  if (textLength(fileName) > TEXT_LIMITS.fileName) {
    throw new AppError('UPLOAD_BAD_NAME', 400, `${FIELD}的文件名超过 ${TEXT_LIMITS.fileName} 个字符，请改短后再上传`, [{ field: 'file' }])
  }
  if (part.fieldname !== 'file' || !UPLOAD_EXTENSIONS.has(path.extname(fileName).toLowerCase())) {
    throw new AppError('UPLOAD_BAD_TYPE', 400, `文件“${fileName}”不是 Excel（.xlsx）或 CSV 文件，请另存为 .xlsx 后再上传`, [{ field: 'file', value: fileName }])
  }
  return fileName
}

/**
 * A broken form in Chinese, naming the field: the multipart parser's own errors (no boundary,
 * a body cut short, a second file) would otherwise leave as 500s. Errors of our own and of the
 * disk pass through unchanged.
 */
function uploadFault(err: unknown): unknown {
  if (err instanceof AppError) return err
  const e = err as { code?: string; syscall?: string; message?: string }
  if (e?.syscall) return err
  switch (e?.code) {
    case 'FST_FILES_LIMIT':
      return new AppError('UPLOAD_TOO_MANY_FILES', 400, `${FIELD}只能上传一个文件，请每次选择一个台账文件`, [{ field: 'file' }])
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
      return new AppError('UPLOAD_MALFORMED', 400, `上传的表单项过多或有误，请只提交${FIELD}`, [{ field: 'file' }])
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('UPLOAD_TOO_LARGE', 413, '文件超过 50 MB 的上限，请删去无关的工作表或拆分后再上传', [{ field: 'file' }])
  }
  const message = e?.message ?? ''
  if (/boundary/i.test(message)) {
    return new AppError('UPLOAD_MALFORMED', 400, `上传请求的内容类型缺少分隔符（boundary），请以表单文件上传台账（${FIELD}）`, [{ field: 'file' }])
  }
  return new AppError('UPLOAD_MALFORMED', 400, `上传的表单数据不完整或格式有误（${FIELD}没有完整收到），请重新上传`, [{ field: 'file' }])
}

/**
 * The one file of an upload form, saved to a temp file: other fields are passed over, a second
 * file refuses the upload. Whatever goes wrong, nothing stays on disk.
 */
async function receiveUpload(req: FastifyRequest): Promise<SavedUpload> {
  let saved: SavedUpload | null = null
  try {
    for await (const part of req.parts()) {
      if (part.type !== 'file') continue
      if (saved) {
        part.file.resume()
        throw uploadFault({ code: 'FST_FILES_LIMIT' })
      }
      let fileName: string
      try {
        fileName = checkedFileName(part)
      } catch (err) {
        part.file.resume()
        throw err
      }
      saved = await saveUpload(part.file, fileName)
    }
  } catch (err) {
    if (saved) await removeUploadDir(saved.dir)
    throw uploadFault(err)
  }
  if (!saved) throw new AppError('UPLOAD_NO_FILE', 400, `没有收到文件（${FIELD}），请选择要导入的台账文件`, [{ field: 'file' }])
  return saved
}

export const ledgersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11 } })

  // Parses run after the 202; closing the app waits for them so no write outlives the database.
  const running = new Set<Promise<void>>()
  // Every instance looks for parses that died elsewhere (at start, app.ts gives up its own).
  let sweeper: NodeJS.Timeout | null = null
  app.addHook('onReady', async () => {
    sweeper = setInterval(() => {
      recoverStaleImports(app.db).catch((err) => app.log.error({ err }, 'recovering stale ledger imports failed'))
    }, SWEEP_MS)
    sweeper.unref()
  })
  app.addHook('preClose', async () => {
    if (sweeper) clearInterval(sweeper)
    await Promise.allSettled([...running])
  })

  app.get('/annexes', {
    schema: { tags, summary: '可导入导出的台账（附件1–7、专家、避难场所、风险隐患点、储备点、保供单位）及其列', response: { 200: AnnexList } },
    preHandler: app.can('resources.read'),
  }, () => ANNEXES.map((a) => ({
    key: a.key, title: a.title, fullTitle: annexFullTitle(a), entity: a.entity,
    columns: a.columns.map((c) => ({ key: c.key, label: c.labels[0], ...(c.parent ? { parent: c.parent[0] } : {}), required: c.required ?? false })),
    targets: mappingTargets(a).map((t) => ({ key: t.key, label: t.label, required: t.required, places: t.place !== undefined, extra: t.extra === true })),
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
    if (!req.isMultipart()) throw new AppError('UPLOAD_NOT_MULTIPART', 400, `请以表单文件（multipart/form-data，${FIELD}）上传台账`, [{ field: 'file' }])
    const saved = await receiveUpload(req)
    let imp: { id: number }
    try {
      imp = await app.db.insertInto('ledgerImport').values({
        annex: annex.key, fileName: saved.fileName, fileSha256: saved.sha256, regionCode, createdBy: req.user.id,
      }).returning('id').executeTakeFirstOrThrow()
    } catch (err) {
      await removeUploadDir(saved.dir)
      throw err
    }
    startParse(req, { importId: imp.id, annex, regionCode, fileName: saved.fileName, mapping: null }, saved)
    reply.code(202)
    return { importId: imp.id }
  })

  /**
   * Reads an import's file in the background: the saved upload on the first reading (kept with
   * the import), else the kept copy. Whatever happens, the temp folder goes.
   */
  function startParse(
    req: FastifyRequest, what: Pick<ParseJob, 'importId' | 'annex' | 'regionCode' | 'fileName' | 'mapping'>, saved: { dir: string; filePath: string } | null,
  ) {
    const logError = (err: unknown) => req.log.error({ err, importId: what.importId }, 'ledger import parse failed')
    let dir = saved?.dir ?? null
    const run = async () => {
      const file = saved ?? (await restoreUpload(app.db, what.importId))
      dir = file?.dir ?? null
      if (!file) {
        await app.db.updateTable('ledgerImport').set({ status: 'failed', message: '该批次的原文件已不在服务器上，请重新上传' })
          .where('id', '=', what.importId).where('status', '=', 'parsing').execute()
        return
      }
      await parseImport({ db: app.db, ...what, filePath: file.filePath, keepFile: saved !== null, logError })
    }
    const job = run().catch(logError).finally(() => (dir ? removeUploadDir(dir) : undefined))
    running.add(job)
    void job.finally(() => running.delete(job)).catch(() => {})
  }

  app.put('/imports/:id/mapping', {
    schema: {
      tags, summary: '指定表格各列的对应关系（或全部行所属区划、有歧义的名称对应的区划），按此重新读取；默认记住，下次同样表头的文件直接沿用',
      params: ImportIdParam, body: MappingBody, response: { 202: Accepted },
    },
    preHandler: app.can('resources.write'),
  }, async (req, reply) => {
    const remapped = await remapImport(app.db, req.scope, req.actor, req.params.id, req.body)
    startParse(req, { importId: remapped.id, annex: remapped.annex, regionCode: remapped.regionCode, fileName: remapped.fileName, mapping: remapped.mapping }, null)
    reply.code(202)
    return { importId: remapped.id }
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

  app.delete('/imports/:id', {
    schema: { tags, summary: '删除未导入的批次（解析中、待确认或失败的；已导入的保留为记录）', params: ImportIdParam, response: { 200: Deleted } },
    preHandler: app.can('resources.write'),
  }, async (req) => {
    await deleteImport(app.db, req.scope, req.actor, req.params.id)
    return { ok: true }
  })

  app.post('/imports/:id/commit', {
    schema: { tags, summary: '确认导入（一个事务写入全部有效行；有问题的行跳过）', params: ImportIdParam, response: { 200: CommitSummary } },
    preHandler: app.can('resources.write'),
  }, (req) => commitImport(app.db, req.scope, req.actor, req.params.id))
}
