/**
 * Runs `fn` at most once per `ms`, the last call winning: a burst of confirmations becomes one
 * refetch at the start and one at the end, so the counts are never left behind.
 */
export function throttle(fn: () => void, ms: number): { call: () => void; cancel: () => void } {
  let last = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const run = () => {
    timer = undefined
    last = Date.now()
    fn()
  }
  return {
    call: () => {
      if (timer) return
      const wait = last + ms - Date.now()
      if (wait <= 0) run()
      else timer = setTimeout(run, wait)
    },
    cancel: () => {
      clearTimeout(timer)
      timer = undefined
    },
  }
}
