/**
 * A load generator in its own thread: POSTs each URL once, `width` at a time, over kept-alive
 * connections, and reports the time. Benchmarks of an HTTP route run it off the server's thread,
 * so the client's own work does not count against the server. The worker's code is plain
 * JavaScript, so the thread needs no TypeScript loader.
 */
import { Worker } from 'node:worker_threads'

export type LoadResult = { ms: number; ok: number; failed: number; firstError: string | null }

const WORKER = `
const http = require('node:http')
const { parentPort, workerData } = require('node:worker_threads')
const { urls, width, body } = workerData
const agent = new http.Agent({ keepAlive: true, maxSockets: width })
const result = { ms: 0, ok: 0, failed: 0, firstError: null }
const post = (url) => new Promise((resolve) => {
  const headers = { 'content-length': Buffer.byteLength(body) }
  if (body) headers['content-type'] = 'application/json'
  const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
    res.resume()
    res.on('end', () => {
      if (res.statusCode < 300) result.ok++
      else { result.failed++; result.firstError = result.firstError || url + ' → ' + res.statusCode }
      resolve()
    })
  })
  req.on('error', (err) => { result.failed++; result.firstError = result.firstError || err.message; resolve() })
  req.end(body)
})
let next = 0
const start = process.hrtime.bigint()
Promise.all(Array.from({ length: width }, async () => { while (next < urls.length) await post(urls[next++]) })).then(() => {
  result.ms = Number(process.hrtime.bigint() - start) / 1e6
  agent.destroy()
  parentPort.postMessage(result)
})
`

/** Runs the POSTs in a worker thread and resolves with the time and outcome counts. */
export function postAllInWorker(urls: string[], width: number, body = ''): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { urls, width, body } })
    worker.once('message', (r: LoadResult) => { void worker.terminate(); resolve(r) })
    worker.once('error', reject)
  })
}
