/** The part of autocannon's API the read-load benchmark uses (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  type Request = { method?: string; path?: string; headers?: Record<string, string>; body?: string }
  type Options = {
    url: string
    connections?: number
    /** Seconds. */
    duration?: number
    headers?: Record<string, string>
    /** Each connection sends these in turn, over and over. */
    requests?: Request[]
  }

  /** Emits 'response' (client, statusCode, bytes, milliseconds) per response. */
  function autocannon(opts: Options, done?: (err: Error | null, result: unknown) => void): EventEmitter
  export default autocannon
}
