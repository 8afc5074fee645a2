/**
 * Names of the warning pipeline's job queues and delivery topic, in one place: the modules that
 * enqueue (workflow, fan-out, ladder, close) and the one that wires the workers all import them
 * from here, so neither has to import the other.
 */

/** A warning was issued or revised: work out who receives it. */
export const FANOUT_QUEUE = 'warning.fanout'

/** A timed step of the escalation ladder (call again, escalate to a superior). */
export const LADDER_QUEUE = 'warning.ladder'

/** A warning was cancelled or ended: tell those who received it. */
export const CLOSE_QUEUE = 'warning.close'

/** Deliveries ready to send on a channel. */
export const DELIVERIES_TOPIC = 'deliveries'
