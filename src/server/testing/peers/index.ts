import type { ChannelConfig } from '../../channels/config.js'
import type { CallbackResult, CallbackSecretSource } from './http-peer.js'
import { startRobotPeer, type RobotPeer, type RobotPost } from './robot.js'
import { startSmsGateway, type SmsGateway, type SmsMessage } from './sms-gateway.js'
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from './smtp.js'
import { startVoiceGateway, type VoiceCall, type VoiceGateway } from './voice-gateway.js'

export type PeersOptions = {
  /** Fixed ports (the demo CLI); 0 or absent picks free ones. */
  ports?: { sms?: number; voice?: number; smtp?: number; robot?: number }
  /** Bearer token both gateways demand. */
  token?: string | null
  /** Base of the server's gateway callbacks, e.g. http://127.0.0.1:3000/api/gateway. */
  callbackUrl?: string | null
  /**
   * The server's callback secret: a string stands for SHOUWANG_CALLBACK_SECRET (channels() and
   * env() pass it on); a function looks up the secret the server generated, per callback.
   */
  callbackSecret?: CallbackSecretSource
  autoReceipt?: boolean
  autoResult?: 'confirmed' | 'no_answer' | null
  dingtalkSecrets?: Record<string, string>
  onSms?: (m: SmsMessage) => void
  onCall?: (c: VoiceCall) => void
  onMail?: (m: ReceivedMail) => void
  onRobot?: (p: RobotPost) => void
  /** Each callback a gateway posted to the server, with the server's answer. */
  onCallback?: (path: string, body: unknown, result: CallbackResult) => void
}

export type Peers = {
  sms: SmsGateway
  voice: VoiceGateway
  smtp: SmtpPeer
  robot: RobotPeer
  /** Channel configuration pointing a server (testApp({ channels })) at these peers. */
  channels(publicBaseUrl: string, timeoutMs?: number): ChannelConfig
  /** The same as SHOUWANG_* environment variables, for a server started separately. */
  env(): Record<string, string>
  /** Where callbacks go, once the server's address is known. */
  setCallbackUrl(url: string | null): void
  /** What callbacks are signed with from now on (e.g. the secret read from the server's 网关回调 page). */
  setCallbackSecret(secret: CallbackSecretSource): void
  close(): Promise<void>
}

/** Every delivery peer on loopback: SMS and voice gateways, a mail server and the group robots. */
export async function startPeers(opts: PeersOptions = {}): Promise<Peers> {
  const shared: { token: string | null; callbackUrl: string | null; callbackSecret: CallbackSecretSource } = {
    token: opts.token ?? null, callbackUrl: opts.callbackUrl ?? null, callbackSecret: opts.callbackSecret ?? null,
  }
  const [sms, voice, smtp, robot] = await Promise.all([
    startSmsGateway({ ...shared, port: opts.ports?.sms, autoReceipt: opts.autoReceipt, onMessage: opts.onSms, onCallback: opts.onCallback }),
    startVoiceGateway({ ...shared, port: opts.ports?.voice, autoResult: opts.autoResult ?? null, onCall: opts.onCall, onCallback: opts.onCallback }),
    startSmtpPeer({ port: opts.ports?.smtp, onMail: opts.onMail }),
    startRobotPeer({ port: opts.ports?.robot, dingtalkSecrets: opts.dingtalkSecrets, onPost: opts.onRobot }),
  ])
  return {
    sms, voice, smtp, robot,
    channels: (publicBaseUrl, timeoutMs = 2_000) => ({
      publicBaseUrl,
      callbackSecret: typeof shared.callbackSecret === 'string' ? shared.callbackSecret : null,
      gatewayAllow: [],
      sms: { url: sms.url, token: shared.token, timeoutMs },
      voice: { url: voice.url, token: shared.token, timeoutMs },
      email: { host: smtp.host, port: smtp.port, secure: false, user: null, pass: null, from: '守望应急 <noreply@shouwang.test>' },
      wecom: { enabled: true, timeoutMs },
      dingtalk: { enabled: true, timeoutMs },
    }),
    env: () => ({
      SHOUWANG_SMS_URL: sms.url,
      ...(shared.token ? { SHOUWANG_SMS_TOKEN: shared.token } : {}),
      SHOUWANG_VOICE_URL: voice.url,
      ...(shared.token ? { SHOUWANG_VOICE_TOKEN: shared.token } : {}),
      SHOUWANG_SMTP_HOST: smtp.host,
      SHOUWANG_SMTP_PORT: String(smtp.port),
      ...(typeof shared.callbackSecret === 'string' ? { SHOUWANG_CALLBACK_SECRET: shared.callbackSecret } : {}),
    }),
    setCallbackUrl: (url) => {
      sms.setCallbackUrl(url)
      voice.setCallbackUrl(url)
    },
    setCallbackSecret: (secret) => {
      shared.callbackSecret = secret
      sms.setCallbackSecret(secret)
      voice.setCallbackSecret(secret)
    },
    close: async () => { await Promise.all([sms.close(), voice.close(), smtp.close(), robot.close()]) },
  }
}
