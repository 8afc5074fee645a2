import type { Config } from '../../config.js'

/**
 * Where the server listens. Demo accounts have passwords printed to the console and demo people
 * have made-up numbers; a deployment holding them should not face the network by accident. So
 * while demo data exists and HOST is not set, the server listens on loopback only and says how to
 * change that; a HOST set explicitly is always obeyed, with a reminder when it faces the network.
 */
export type ListenChoice = { host: string; notice: string | null }

const LOOPBACK = '127.0.0.1'
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.')

export function listenHost(config: Pick<Config, 'host' | 'hostSet'>, demo: boolean): ListenChoice {
  if (!demo) return { host: config.host, notice: null }
  if (!config.hostSet) {
    return {
      host: LOOPBACK,
      notice: `当前含演示数据，只在本机 ${LOOPBACK} 上监听，其他电脑无法访问。` +
        '正式使用前请运行 npm run demo:purge 清除演示数据；如确需让其他电脑访问演示，请设置环境变量 HOST（如 HOST=0.0.0.0）。',
    }
  }
  return {
    host: config.host,
    notice: isLoopback(config.host) ? null
      : `当前含演示数据（演示账号的口令已打印在控制台），并按 HOST=${config.host} 对外监听：请勿用于生产，正式使用前请运行 npm run demo:purge。`,
  }
}
