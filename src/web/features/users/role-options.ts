import type { RoleOption } from './api.js'

/**
 * 三权分立: the system administrator creates business accounts only; the administrator roles
 * are given by the security administrator. The server enforces it; the form just does not offer them.
 */
const ADMIN_PERMISSIONS = new Set(['users.manage', 'users.security', 'audit.read'])

export function isAdminRole(role: RoleOption): boolean {
  return role.permissions.some((p) => ADMIN_PERMISSIONS.has(p.key))
}

export function roleSelectOptions(roles: readonly RoleOption[]) {
  return roles.map((r) => ({ value: r.key, label: r.label, title: r.description }))
}
