import net from 'node:net'

/**
 * SHOUWANG_GATEWAY_ALLOW: the addresses gateway callbacks may come from, as IPs and CIDR blocks
 * separated by commas ("10.1.2.3, 192.0.2.0/24, 2001:db8::/32"). Empty means any address; the
 * signature is checked either way. Behind a reverse proxy the address is the client's only with
 * SHOUWANG_TRUST_PROXY=true.
 */

/** The entries as written, each checked; a malformed one stops start-up rather than letting everyone in. */
export function parseAllowList(text: string | undefined): readonly string[] {
  const entries = (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)
  for (const entry of entries) toRule(entry)
  return entries
}

type Rule = { address: string; prefix: number; family: 'ipv4' | 'ipv6' }

function toRule(entry: string): Rule {
  const [address, bits, extra] = entry.split('/')
  const version = net.isIP(address)
  const max = version === 4 ? 32 : 128
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN
  if (version === 0 || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
    throw new RangeError(`SHOUWANG_GATEWAY_ALLOW 中的“${entry}”不是有效的 IP 地址或网段（如 10.1.2.3 或 192.0.2.0/24）`)
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' }
}

/** Whether `ip` (as Fastify reports it) is allowed; true when the list is empty. */
export function addressAllowed(entries: readonly string[], ip: string): boolean {
  if (entries.length === 0) return true
  const list = new net.BlockList()
  for (const e of entries) {
    const r = toRule(e)
    list.addSubnet(r.address, r.prefix, r.family)
  }
  // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d.
  const plain = ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip
  const version = net.isIP(plain)
  if (version === 0) return false
  return list.check(plain, version === 4 ? 'ipv4' : 'ipv6')
}
