import { type App, message as staticMessage, notification as staticNotification } from 'antd'

type AppApi = ReturnType<typeof App.useApp>
type MessageInstance = AppApi['message']
type NotificationInstance = AppApi['notification']

/**
 * Toasts raised outside React (the http client). The shell binds the context-aware instances
 * from antd's <App> so that toasts follow the theme and locale; the static ones are a fallback.
 */
let messageApi: MessageInstance = staticMessage
let notificationApi: NotificationInstance = staticNotification

export function bindFeedback(m: MessageInstance, n: NotificationInstance): void {
  messageApi = m
  notificationApi = n
}

export const toast = {
  success: (text: string) => void messageApi.success(text),
  info: (text: string) => void messageApi.info(text),
  warning: (text: string) => void messageApi.warning(text),
  error: (text: string) => void messageApi.error(text),
  /** A problem with a list of reasons (rows of an import, fields of a form). */
  problem: (title: string, lines: string[]) => {
    notificationApi.error({ title, description: lines.slice(0, 20).join('\n'), duration: 8, style: { whiteSpace: 'pre-line' } })
  },
}
