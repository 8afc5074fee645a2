import { isAdminRole } from './roles.js'

/**
 * Two-person control over administrator accounts (三权分立). One administrator alone could
 * otherwise make an account he controls an auditor, or reset the auditor's password and read
 * the log as him. Such a change is filed as a request; a second administrator, neither the one
 * who asked nor the account concerned, approves or rejects it.
 */
export const APPROVAL_KINDS = {
  assign_role: '分配角色与辖区',
  reset_password: '重置口令',
  set_disabled: '停用或启用账号',
} as const
export type ApprovalKind = keyof typeof APPROVAL_KINDS

export const APPROVAL_STATES = {
  pending: '待审批',
  approved: '已批准',
  rejected: '已驳回',
} as const
export type ApprovalState = keyof typeof APPROVAL_STATES

/** A role change needs a second administrator when it gives or takes an administrator role. */
export function roleChangeNeedsApproval(fromRole: string, toRole: string): boolean {
  return isAdminRole(fromRole) || isAdminRole(toRole)
}

/** Resetting the password of, or disabling / enabling, an administrator account. */
export function accountChangeNeedsApproval(targetRole: string): boolean {
  return isAdminRole(targetRole)
}
