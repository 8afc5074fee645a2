import { EyeOutlined, PhoneOutlined } from '@ant-design/icons'
import { Button, Typography } from 'antd'
import { useState } from 'react'
import type { HandoverContact } from '../../server/features/resources/handover.js'
import { revealPersonPhones } from '../lib/directory-api.js'
import { telHref } from '../lib/format.js'
import { useCan } from '../lib/session.js'

/**
 * Whom to call about a holding, where the result is: role, name and post, the masked number, and
 * for a role allowed `phone.reveal` one tap to reveal it (the server audits each reveal) after
 * which the number is a tel: link, so a phone calls with the second tap. The full number is never
 * fetched before it is asked for, and is forgotten with the component.
 */
export function CallContact({ contact }: { contact: HandoverContact }) {
  const can = useCan()
  const [full, setFull] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const reveal = async () => {
    setBusy(true)
    try {
      const p = await revealPersonPhones(contact.personId)
      setFull(p.mobile ?? p.landline ?? null)
    } catch {
      // the http client has shown why
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="sw-map-contact" data-testid="call-contact" data-role={contact.role}>
      <span>
        <Typography.Text type="secondary">{contact.roleLabel}</Typography.Text> {contact.name}
        {contact.post && <Typography.Text type="secondary">（{contact.post}）</Typography.Text>}
      </span>
      {full ? (
        <Button size="small" type="primary" icon={<PhoneOutlined />} href={telHref(full)} className="sw-num" data-testid="call-phone"
          onClick={(e) => e.stopPropagation()}>
          {full}
        </Button>
      ) : contact.phone ? (
        <span className="sw-map-contact-phone">
          <span className="sw-num" data-testid="masked-phone">{contact.phone}</span>
          {can('phone.reveal') && (
            <Button size="small" icon={<EyeOutlined />} loading={busy} title="查看完整号码（将记入审计日志）" data-testid="reveal-phone"
              onClick={(e) => { e.stopPropagation(); void reveal() }}>
              查看号码
            </Button>
          )}
        </span>
      ) : (
        <Typography.Text type="secondary">未登记电话</Typography.Text>
      )}
    </div>
  )
}
