import crypto from 'node:crypto'
import readline from 'node:readline'
import { startPeers } from './index.js'
import type { VoiceResult } from './voice-gateway.js'

/**
 * Starts every delivery peer on loopback for a demo on one machine (npm run peers), prints the
 * environment that points the server at them, and shows each message as it arrives. SMS are
 * receipted automatically; voice calls wait for `answer` unless PEERS_VOICE_RESULT says otherwise.
 *
 * Environment: SHOUWANG_SERVER_URL (where the server listens, default http://127.0.0.1:$PORT or
 * :3000), PEERS_SMS_PORT (4010), PEERS_VOICE_PORT (4011), PEERS_SMTP_PORT (2525), PEERS_ROBOT_PORT
 * (4012), PEERS_TOKEN, SHOUWANG_CALLBACK_SECRET, PEERS_AUTO_RECEIPT (true), PEERS_VOICE_RESULT
 * (confirmed | no_answer | empty), PEERS_DINGTALK_SECRET (加签 secret of the demo 钉钉 robot).
 *
 * Callbacks are signed with SHOUWANG_CALLBACK_SECRET: give the secret shown on a running server's
 * 网关回调 page, or leave it unset and start the server with the random one printed here. The
 * `secret` command switches to another secret without a restart.
 */
const env = process.env
const serverUrl = (env.SHOUWANG_SERVER_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`).replace(/\/$/, '')
const token = env.PEERS_TOKEN ?? 'shouwang-demo-token'
// Random rather than a fixed demo value: a printed default would end up in someone's production.
const callbackSecret = env.SHOUWANG_CALLBACK_SECRET || crypto.randomBytes(32).toString('hex')
const voiceResult = env.PEERS_VOICE_RESULT === 'confirmed' || env.PEERS_VOICE_RESULT === 'no_answer' ? env.PEERS_VOICE_RESULT : null
const dingtalkSecret = env.PEERS_DINGTALK_SECRET || null

const time = () => new Date().toLocaleTimeString('zh-CN', { hour12: false })
const say = (line: string) => console.log(`[${time()}] ${line}`)

const peers = await startPeers({
  ports: {
    sms: Number(env.PEERS_SMS_PORT ?? 4010),
    voice: Number(env.PEERS_VOICE_PORT ?? 4011),
    smtp: Number(env.PEERS_SMTP_PORT ?? 2525),
    robot: Number(env.PEERS_ROBOT_PORT ?? 4012),
  },
  token,
  callbackUrl: `${serverUrl}/api/gateway`,
  callbackSecret,
  autoReceipt: env.PEERS_AUTO_RECEIPT !== 'false',
  autoResult: voiceResult,
  dingtalkSecrets: dingtalkSecret ? { demo: dingtalkSecret } : {},
  onSms: (m) => say(`短信 ${m.id} → ${m.to}：${m.text}`),
  onCall: (c) => say(`语音电话 ${c.id} → ${c.to}：${c.speech}${voiceResult ? '' : `（输入 answer ${c.id} 模拟按 1 确认）`}`),
  onMail: (m) => say(`邮件 → ${m.to.join('、')}：${m.subject}\n${m.text}`),
  onRobot: (p) => say(`${p.kind === 'wecom' ? '企业微信群' : '钉钉群'}机器人（${p.token}）：${p.content}`),
  onCallback: (path, body, result) => {
    const what = path === '/sms/receipt' ? '短信回执' : path === '/sms/reply' ? '短信回复' : '语音结果'
    if (result.status >= 200 && result.status < 300) say(`${what}已回传服务器：${JSON.stringify(body)} → ${JSON.stringify(result.body)}`)
    else say(`${what}未被服务器接受（HTTP ${result.status || '无法连接'}）：${JSON.stringify(result.body)}；请确认守望已按上面的环境变量启动，或用 secret 命令改用服务器“网关回调”页面上的密钥`)
  },
})

const vars = peers.env()
console.log('守望 演示用投递对端已在本机启动（仅监听 127.0.0.1）：')
console.log(`  短信网关      ${peers.sms.url}（自动回执：${env.PEERS_AUTO_RECEIPT !== 'false' ? '开' : '关'}）`)
console.log(`  语音网关      ${peers.voice.url}（来电${voiceResult === 'confirmed' ? '自动按 1 确认' : voiceResult === 'no_answer' ? '自动无人接听' : '默认不接听'}）`)
console.log(`  邮件服务器    smtp://${peers.smtp.host}:${peers.smtp.port}（无需登录）`)
console.log(`  企业微信机器人 ${peers.robot.wecomUrl('demo')}`)
console.log(`  钉钉机器人    ${peers.robot.dingtalkUrl('demo')}${dingtalkSecret ? `（加签密钥：${dingtalkSecret}）` : ''}`)
console.log(`回执与回复发往 ${serverUrl}/api/gateway，以回调密钥签名。请用以下环境变量启动守望服务`)
console.log('（服务已在运行、未设 SHOUWANG_CALLBACK_SECRET 时，也可输入 secret <密钥>，改用其“网关回调”页面上的回调密钥）：')
for (const [name, value] of Object.entries({ ...vars, SHOUWANG_PUBLIC_URL: serverUrl })) console.log(`${name}=${value}`)
console.log('把上面的机器人地址填入联动工作群的“企业微信/钉钉机器人”即可收到群消息。')
console.log('命令：answer <呼叫编号|last> [confirmed|answered|no_answer|busy|failed]  模拟接听；reply <手机号> <内容>  模拟短信回复；secret <回调密钥>  更换签名密钥；quit  退出')

const rl = readline.createInterface({ input: process.stdin, terminal: false })
rl.on('line', (line) => void command(line.trim()))

async function command(line: string): Promise<void> {
  const [verb, ...args] = line.split(/\s+/)
  try {
    if (verb === 'answer' && args[0]) {
      const result = args[1] ?? 'confirmed'
      if (!isVoiceResult(result)) return say(`不认识的呼叫结果“${result}”`)
      await peers.voice.answer(args[0] === 'last' ? peers.voice.received.at(-1)?.id ?? '' : args[0], result)
    } else if (verb === 'reply' && args.length >= 2) {
      await peers.sms.reply(args[0], args.slice(1).join(' '))
    } else if (verb === 'secret' && args[0]) {
      peers.setCallbackSecret(args[0])
      say('此后的回调改用新的回调密钥签名')
    } else if (verb === 'quit' || verb === 'exit') {
      await stop()
    } else if (verb) {
      console.log('命令：answer <呼叫编号|last> [confirmed|answered|no_answer|busy|failed]；reply <手机号> <内容>；secret <回调密钥>；quit')
    }
  } catch (err) {
    say(`命令失败：${err instanceof Error ? err.message : String(err)}`)
  }
}

function isVoiceResult(v: string): v is VoiceResult {
  return ['confirmed', 'answered', 'no_answer', 'busy', 'failed'].includes(v)
}

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  rl.close()
  await peers.close()
  console.log('演示用投递对端已停止。')
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
