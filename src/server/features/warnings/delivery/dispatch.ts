import { setMaxListeners } from 'node:events'
import { sql } from 'kysely'
import type { Channel } from '../../../../domain/warnings/delivery.js'
import { DIGEST_STEP, NOTICE_STEP } from '../../../../domain/warnings/ladder.js'
import { isWarningLevel } from '../../../../domain/warnings/levels.js'
import { dingtalkAddress } from '../../../channels/dingtalk.js'
import type { ChannelAdapter, OutgoingMessage, SendResult } from '../../../channels/types.js'
import type { Db } from '../../../db/database.js'
import { publish } from '../../../events/bus.js'
import type { Clock } from '../../../jobs/clock.js'
import { liveWorkerInstances } from '../../../jobs/instance.js'
import { applyWaitingCallbacks } from '../../gateway/callbacks.js'
import { escalationTexts } from './escalation-notice.js'
import { composeMessage, confirmLink, type ComposeInput, type Composed, type MessageWarning } from './message.js'
import { confirmTokenSigner } from './tokens.js'

export type DispatcherOptions = {
  db: Db
  clock: Clock
  /** Base of the confirm links. */
  publicBaseUrl: string
  adapters: Map<Channel, ChannelAdapter>
  /** Deliveries claimed at a time. */
  batchSize?: number
  /** Sends in flight per channel, across the batches in flight. */
  concurrency?: Partial<Record<Channel, number>>
  /** Batches in flight at once in drain(): the next are claimed and composed while one is out. */
  parallelBatches?: number
  /** How long claimed deliveries are ours; renewed while the batch is out. */
  leaseMs?: number
  /** Sends of one delivery before a retryable failure counts as final. */
  maxTries?: number
  /** Wait before the next try after the n-th retryable failure. */
  retryDelayMs?: (tries: number) => number
  /** Hard limit on one send, on top of the adapter's own timeout. */
  sendTimeoutMs?: number
  pollMs?: number
  /** This process's worker instance: claimed rows name it, and rows of dead instances are taken at once. */
  instance?: { readonly id: number | null }
  log?: { error: (obj: object, msg: string) => void }
}

export type Dispatcher = {
  /** Claims one batch of due deliveries and sends it; returns how many were claimed. */
  dispatchDue(): Promise<number>
  /** Batches until nothing is due now. */
  drain(): Promise<number>
  start(): void
  wake(): void
  /** Stops claiming and waits for the batch in flight. */
  stop(): Promise<void>
}

// Outcomes are written a thousand at a time (or every FLUSH_MS): each write also looks for
// gateway receipts that came first, and costs the same for 200 rows as for 1000.
const FLUSH_ROWS = 1000
const FLUSH_MS = 250
const DEFAULT_CONCURRENCY: Record<Channel, number> = { inapp: 50, sms: 50, voice: 20, email: 10, wecom: 5, dingtalk: 5 }
const defaultRetryDelay = (tries: number) => Math.min(5 * 60_000, 15_000 * 2 ** (tries - 1))

type Claimed = {
  id: number
  state: string
  key: string
  channel: Channel
  address: string | null
  personId: number | null
  groupId: number | null
  warningId: number
  step: number
  tries: number
  aboutPersonId: number | null
  roundId: number | null
  dingtalkSecret: string | null
}

type Outcome = { id: number; warningId: number; channel: Channel; state: 'sent' | 'delivered' | 'failed' | 'queued'; providerId: string | null; error: string | null; sendAfter: Date | null }

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const { db, clock, adapters } = opts
  const batchSize = opts.batchSize ?? 1000
  const leaseMs = opts.leaseMs ?? 120_000
  const maxTries = opts.maxTries ?? 4
  const retryDelay = opts.retryDelayMs ?? defaultRetryDelay
  const sendTimeoutMs = opts.sendTimeoutMs ?? 30_000
  const pollMs = opts.pollMs ?? 500
  const parallelBatches = opts.parallelBatches ?? 3
  const limits = new Map<Channel, Semaphore>()
  const limitOf = (channel: Channel) => {
    let s = limits.get(channel)
    if (!s) limits.set(channel, (s = new Semaphore(opts.concurrency?.[channel] ?? DEFAULT_CONCURRENCY[channel])))
    return s
  }
  const deadline = sharedDeadlines(sendTimeoutMs)
  let loop: Promise<void> | null = null
  let wakeUp: (() => void) | null = null
  let stopping = false

  /**
   * Takes a batch of due deliveries under a lease. A row still 'sending' whose lease ran out was
   * being sent when its instance died: it is taken again and re-sent with the same key, which
   * the gateway recognises. So is one whose instance is gone (its process died; see
   * jobs/instance.ts), without waiting for the lease. Rows that need no sending any more are
   * settled on the way: the person already confirmed, or the warning was closed or superseded
   * (its notice still goes).
   */
  async function claim(): Promise<Claimed[]> {
    const now = clock.now()
    const until = new Date(now.getTime() + leaseMs)
    const instanceId = opts.instance?.id ?? null
    const { rows } = await sql<Claimed>`
      with due as (
        select d.id from delivery d
        where d.state in ('queued', 'sending') and d.send_after <= ${now}
          and (d.state = 'queued' or d.locked_until is null or d.locked_until < ${now}
            or (d.locked_by is not null and d.locked_by not in (${liveWorkerInstances()})))
        -- send_after alone: the partial index gives that order without sorting the whole queue.
        order by d.send_after
        limit ${batchSize}
        for update of d skip locked),
      info as (
        select d.id,
          coalesce(case when d.step = ${DIGEST_STEP}
            -- A digest spans warnings: it goes while any of them is still in force.
            then not exists (select 1 from notice_digest_item i join warning x on x.id = i.warning_id
              where i.delivery_id = d.id and x.status = 'issued')
            else d.step <> ${NOTICE_STEP} and (w.status in ('cancelled', 'ended') or d.revision < w.revision) end, false) as dropped,
          coalesce(d.step >= 0 and r.state = 'acknowledged', false) as acked,
          w.status in ('cancelled', 'ended') as closed,
          g.dingtalk_secret
        from due join delivery d on d.id = due.id
        join warning w on w.id = d.warning_id
        left join warning_recipient r on r.warning_id = d.warning_id and r.person_id = d.person_id
        left join linkage_group g on g.id = d.group_id)
      update delivery d set
        state = case when i.dropped then 'failed' when i.acked then 'acknowledged' else 'sending' end,
        error = case when i.dropped then case when i.closed then '预警已撤销/解除' else '预警已更新，改发新版' end else d.error end,
        failed_at = case when i.dropped then ${now}::timestamptz else d.failed_at end,
        acknowledged_at = case when i.acked and not i.dropped then ${now}::timestamptz else d.acknowledged_at end,
        locked_until = case when i.dropped or i.acked then null else ${until}::timestamptz end,
        locked_by = case when i.dropped or i.acked then null else ${instanceId}::bigint end,
        tries = case when i.dropped or i.acked then d.tries else d.tries + 1 end
      from info i where d.id = i.id
      returning d.id, d.state, d.key, d.channel, d.address, d.person_id, d.group_id, d.warning_id, d.step, d.tries, d.about_person_id, d.round_id, i.dingtalk_secret`.execute(db)
    return rows
  }

  /** Composes each claimed delivery: the warning as it is now, the person's own confirm link. */
  /**
   * What composing a batch needs (the warnings, names, escalation texts), read once; each message
   * is then made when its turn to go comes. Made all at once, a batch's thousand texts would
   * outlive the young generation and be collected the slow way.
   */
  async function compose(batch: Claimed[]): Promise<(d: Claimed) => OutgoingMessage> {
    const warningIds = [...new Set(batch.map((d) => d.warningId))]
    const warnings = new Map((await db.selectFrom('warning')
      .select(['id', 'level', 'purpose', 'status', 'revision', 'eventClass', 'eventType', 'headline', 'description', 'instruction',
        'areaDesc', 'senderName', 'issuedAt', 'onset', 'expires'])
      .where('id', 'in', warningIds).execute()).map((w) => [w.id, w]))
    const personIds = [...new Set(batch.flatMap((d) => (d.personId === null ? [] : [d.personId])))]
    const people = personIds.length === 0 ? [] : await db.selectFrom('person').select(['id', 'name'])
      .where(sql<boolean>`id = any(${personIds}::bigint[])`).execute()
    const nameOf = new Map(people.map((p) => [p.id, p.name]))
    // Escalation notices and digests, and the line a superior new to the warning reads first.
    const escalation = await escalationTexts(db, batch, (path) => `${opts.publicBaseUrl}${path}`)
    const composeOnce = composerFor()
    const signLink = await confirmTokenSigner(db)
    return (d) => {
      const w = warnings.get(d.warningId)!
      const person = d.personId === null ? null : { name: nameOf.get(d.personId) ?? null }
      const notice = d.step === NOTICE_STEP
      const silent = d.step < 0 && !notice
      let confirmUrl: string | null = null
      if (d.personId !== null && !notice && !silent) {
        confirmUrl = confirmLink(opts.publicBaseUrl, signLink({ warningId: w.id, personId: d.personId }))
      }
      const text = (silent ? escalation.notices.get(d.id) : undefined) ?? composeOnce({
        warning: w as MessageWarning,
        channel: d.channel,
        confirmUrl,
        notice,
        standsInFor: escalation.standIns.get(d.id) ?? null,
      })
      return {
        deliveryId: d.id,
        key: d.key,
        channel: d.channel,
        address: d.channel === 'dingtalk' ? dingtalkAddress(d.address ?? '', d.dingtalkSecret) : d.address ?? '',
        personId: d.personId,
        personName: person?.name ?? null,
        warningId: d.warningId,
        level: isWarningLevel(w.level) ? w.level : 4,
        kind: notice ? 'notice' : silent ? 'escalation' : 'warning',
        ...text,
        confirmUrl,
      }
    }
  }

  async function sendOne(msg: OutgoingMessage): Promise<SendResult> {
    const adapter = adapters.get(msg.channel)
    if (!adapter) return { state: 'failed', error: '该渠道未开启', retryable: false }
    const signal = deadline()
    try {
      return await adapter.send(msg, signal)
    } catch (err) {
      const why = signal.aborted ? `发送超时（超过 ${sendTimeoutMs} 毫秒）` : err instanceof Error ? err.message : String(err)
      return { state: 'failed', error: why, retryable: true }
    }
  }

  function outcomeOf(d: Claimed, r: SendResult, now: Date): Outcome {
    if (r.state !== 'failed') return { id: d.id, warningId: d.warningId, channel: d.channel, state: r.state, providerId: r.providerId ?? null, error: null, sendAfter: null }
    if (r.retryable && d.tries < maxTries) {
      return { id: d.id, warningId: d.warningId, channel: d.channel, state: 'queued', providerId: null, error: r.error, sendAfter: new Date(now.getTime() + retryDelay(d.tries)) }
    }
    return { id: d.id, warningId: d.warningId, channel: d.channel, state: 'failed', providerId: null, error: r.error, sendAfter: null }
  }

  /** Writes a set of outcomes in one statement; only rows still ours ('sending') change. */
  async function record(outcomes: Outcome[]): Promise<void> {
    if (outcomes.length === 0) return
    const now = clock.now()
    await sql`
      update delivery d set
        state = u.state,
        provider_id = coalesce(u.provider_id, d.provider_id),
        sent_at = case when u.state in ('sent', 'delivered') then ${now}::timestamptz else d.sent_at end,
        delivered_at = case when u.state = 'delivered' then ${now}::timestamptz else d.delivered_at end,
        failed_at = case when u.state = 'failed' then ${now}::timestamptz else d.failed_at end,
        error = u.error,
        send_after = coalesce(u.send_after, d.send_after),
        locked_until = null,
        locked_by = null
      -- One JSON parameter rather than five arrays: a thousand outcomes are serialised natively, not
      -- element by element into array literals, which held up the event loop and every send with it.
      from json_to_recordset(${JSON.stringify(outcomes.map((o) => ({
        id: o.id, state: o.state, provider_id: o.providerId, error: o.error, send_after: o.sendAfter,
      })))}::json)
        as u(id bigint, state text, provider_id text, error text, send_after timestamptz)
      where d.id = u.id and d.state = 'sending'`.execute(db)
    const byWarning = new Map<number, Record<string, number>>()
    for (const o of outcomes) {
      const c = byWarning.get(o.warningId) ?? {}
      c[o.state] = (c[o.state] ?? 0) + 1
      byWarning.set(o.warningId, c)
    }
    for (const [warningId, counts] of byWarning) await publish(db, `warning:${warningId}`, { kind: 'deliveries', ...counts })
  }

  async function dispatchDue(): Promise<number> {
    const claimed = await claim()
    const sending = claimed.filter((d) => d.state === 'sending')
    if (sending.length === 0) return claimed.length
    // Ours until the outcome is written: the lease is renewed for these while the batch is out.
    const unrecorded = new Set(sending.map((d) => d.id))
    const renew = () => {
      if (unrecorded.size === 0) return
      db.updateTable('delivery').set({ lockedUntil: new Date(clock.now().getTime() + leaseMs) })
        .where(sql<boolean>`id = any(${[...unrecorded]}::bigint[])`).where('state', '=', 'sending')
        .execute().catch(() => {})
    }
    const pending: Outcome[] = []
    let flushing = Promise.resolve()
    // Outcomes are written in sets, soon after they come (a gateway's callback may follow fast).
    const flush = () => {
      if (pending.length === 0) return
      const chunk = pending.splice(0)
      // A failed write leaves its rows 'sending': once the lease runs out they are re-sent
      // under the same keys, which the gateways recognise.
      flushing = flushing.then(() => record(chunk)).then(
        async () => {
          for (const o of chunk) unrecorded.delete(o.id)
          // Receipts that came before their ids were recorded; a failure leaves them waiting.
          await applyWaitingCallbacks(db, clock.now(), chunk)
            .catch((err) => opts.log?.error({ err }, 'dispatcher: applying waiting callbacks failed'))
        },
        (err) => opts.log?.error({ err }, 'dispatcher: recording outcomes failed'),
      )
    }
    const heartbeat = setInterval(renew, Math.max(50, leaseMs / 3))
    const flusher = setInterval(flush, FLUSH_MS)
    try {
      const messageFor = await compose(sending)
      // Each channel's messages go to its limit one at a time, as slots free: queueing a whole
      // batch on the limit at once holds a closure and a promise per waiting message, and
      // collecting those cost more than the sends' own bookkeeping. Batches take turns, so one
      // batch's messages all go before the next batch's: the first batch to finish is claiming
      // and composing again while the others still send. Channels do not wait on each other.
      const byChannel = new Map<Channel, Claimed[]>()
      for (const d of sending) {
        const list = byChannel.get(d.channel)
        if (list) list.push(d)
        else byChannel.set(d.channel, [d])
      }
      await Promise.all([...byChannel].map(async ([channel, list]) => {
        const limit = limitOf(channel)
        const sent: Array<Promise<void>> = []
        await limit.inTurn(async () => {
          for (const d of list) {
            // Made before it waits for its slot, so that a slot is spent on sending alone. A message
            // that cannot be composed is tried again later, like a failed send.
            let message: OutgoingMessage | SendResult
            try {
              message = messageFor(d)
            } catch (err) {
              message = { state: 'failed', error: `生成消息出错：${err instanceof Error ? err.message : String(err)}`, retryable: true }
            }
            const slot = limit.acquire()
            if (slot) await slot
            const made = 'deliveryId' in message ? sendOne(message) : Promise.resolve(message)
            sent.push(made.then((result) => {
              pending.push(outcomeOf(d, result, clock.now()))
              if (pending.length >= FLUSH_ROWS) flush()
            }).finally(() => limit.release()))
          }
        })
        await Promise.all(sent)
      }))
      flush()
      await flushing
    } finally {
      clearInterval(heartbeat)
      clearInterval(flusher)
    }
    return claimed.length
  }

  async function drain(): Promise<number> {
    let total = 0
    const lane = async () => {
      for (;;) {
        const n = await dispatchDue()
        total += n
        if (n === 0 || stopping) return
      }
    }
    await Promise.all(Array.from({ length: parallelBatches }, lane))
    return total
  }

  async function work(): Promise<void> {
    let failures = 0
    while (!stopping) {
      let n = 0
      try {
        n = await drain()
        failures = 0
      } catch (err) {
        failures++
        opts.log?.error({ err }, 'dispatcher: batch failed')
      }
      if (n === 0 && !stopping) {
        // While the database is away, poll less and less often (up to 10 s) instead of logging twice a second.
        const wait = failures === 0 ? pollMs : Math.min(10_000, pollMs * 2 ** Math.min(failures, 10))
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait)
          wakeUp = () => { clearTimeout(t); resolve() }
        })
        wakeUp = null
      }
    }
  }

  return {
    dispatchDue,
    drain,
    start() {
      if (loop) return
      stopping = false
      loop = work()
    },
    wake() { wakeUp?.() },
    async stop() {
      stopping = true
      wakeUp?.()
      await loop
      loop = null
    },
  }
}

// Stands where a recipient's own link goes while the rest of a message is composed once.
const LINK_SLOT = '\u0000confirm-link\u0000'

/**
 * composeMessage for one batch, with the text composed once per warning, channel and kind: the
 * recipients of a warning read the same words but for their own confirm link, which goes into
 * the slot left for it. Messages with a stand-in line are composed each on their own, and so is
 * any text the slot does not come out of exactly once.
 */
function composerFor(): (input: ComposeInput) => Composed {
  // Per warning row (one object per warning in a batch), then per channel and kind.
  const shared = new Map<MessageWarning, Map<string, Composed | null>>()
  return (input) => {
    if (input.standsInFor || input.confirmUrl === null) return composeMessage(input)
    let byKind = shared.get(input.warning)
    if (!byKind) shared.set(input.warning, (byKind = new Map()))
    const key = `${input.channel}:${input.notice === true}`
    let template = byKind.get(key)
    if (template === undefined) {
      const t = composeMessage({ ...input, confirmUrl: LINK_SLOT })
      const once = (s: string) => s.split(LINK_SLOT).length <= 2
      template = once(t.text) && once(t.speech) && !t.subject.includes(LINK_SLOT) ? t : null
      byKind.set(key, template)
    }
    if (template === null) return composeMessage(input)
    const url = input.confirmUrl
    return { subject: template.subject, text: template.text.replace(LINK_SLOT, () => url), speech: template.speech.replace(LINK_SLOT, () => url) }
  }
}

/** How far apart sends may start and still share one deadline signal. */
const DEADLINE_SLOT_MS = 50

/**
 * Signals that abort `limitMs` (up to DEADLINE_SLOT_MS more) after they are handed out. Sends
 * starting within the same slot share one signal and one timer: a signal of its own per send
 * (AbortSignal.timeout) is registered for garbage-collector cleanup, which at 10^5 sends of a
 * province-wide warning cost more than the rest of the dispatcher's own work per message.
 */
function sharedDeadlines(limitMs: number): () => AbortSignal {
  let current: { signal: AbortSignal; until: number } | null = null
  return () => {
    const now = Date.now()
    if (current === null || now >= current.until) {
      const controller = new AbortController()
      // Every send of the slot listens on it; that is no leak.
      setMaxListeners(0, controller.signal)
      // unref: a pending deadline must not keep a stopped process alive.
      setTimeout(() => controller.abort(), limitMs + DEADLINE_SLOT_MS).unref()
      current = { signal: controller.signal, until: now + DEADLINE_SLOT_MS }
    }
    return current.signal
  }
}

/** At most `limit` tasks at a time; the rest wait in order. */
class Semaphore {
  private active = 0
  private readonly waiting: Array<() => void> = []
  constructor(private readonly limit: number) {}

  private turn: Promise<void> = Promise.resolve()

  /** Runs `feed` after every feed handed to inTurn before it has finished. */
  inTurn(feed: () => Promise<void>): Promise<void> {
    const mine = this.turn.then(feed)
    this.turn = mine.catch(() => {})
    return mine
  }

  /** Takes a slot: at once (nothing to wait for) or when one is released to us. */
  acquire(): Promise<void> | undefined {
    if (this.active < this.limit) {
      this.active++
      return undefined
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  release(): void {
    const next = this.waiting.shift()
    if (next) next() // the slot passes straight to the next task
    else this.active--
  }
}
