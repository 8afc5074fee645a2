/**
 * Why the server cannot start, told to whoever ran it: what is wrong and what to do, in Chinese
 * and in English (the operator may read either, and the English line is what a search finds).
 * main.ts prints it and exits non-zero instead of dying with a bare stack or nothing at all.
 */
export class StartupError extends Error {
  constructor(
    /** Stable English name of the cause, for tests and retries: 'port-in-use', 'corrupt', … */
    readonly kind: string,
    /** Chinese: the problem, naming the directory, port or address, then what to do. */
    readonly zh: string,
    readonly en: string,
    /** The underlying tool's own words (PostgreSQL's FATAL lines, the system error). */
    readonly detail = '',
  ) {
    super(`${zh}\n${en}`)
  }
}

/** The text main.ts prints for a failed start; anything not a StartupError keeps its own message and stack. */
export function describeStartupFailure(err: unknown): string {
  if (err instanceof StartupError) {
    const detail = err.detail.trim()
    return [`守望无法启动：${err.zh}`, `Shouwang cannot start: ${err.en}`, ...(detail ? ['', detail] : [])].join('\n')
  }
  const message = err instanceof Error ? err.message : String(err)
  return [
    `守望无法启动：${message}`,
    `Shouwang cannot start: ${message}`,
    '',
    err instanceof Error && err.stack ? err.stack : '',
  ].join('\n').trim()
}
