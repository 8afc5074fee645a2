import type { ChannelConfig } from './config.js'
import { postJson } from './http.js'
import { fitBytes, robotResult } from './robot.js'
import type { ChannelAdapter, SendResult } from './types.js'

// 企业微信 refuses text messages over 2048 bytes (errcode 40058) rather than cutting them.
const MAX_TEXT_BYTES = 2048

/** A 企业微信 group robot: the address is the group's webhook URL (…/cgi-bin/webhook/send?key=…). */
export function wecomAdapter(config: ChannelConfig['wecom']): ChannelAdapter {
  return {
    channel: 'wecom',
    async send(msg, signal): Promise<SendResult> {
      const res = await postJson(msg.address, { msgtype: 'text', text: { content: fitBytes(msg.text, MAX_TEXT_BYTES) } }, {
        peer: '企业微信机器人', timeoutMs: config.timeoutMs, signal,
      })
      return robotResult(res, '企业微信机器人')
    },
  }
}
