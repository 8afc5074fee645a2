/**
 * Chinese names of audit actions, for the log viewer's filter and rows. Features that record a
 * new action add its label here; an unlabelled action is still shown, by its key.
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'auth.login': '登录',
  'auth.login_failed': '登录失败',
  'auth.logout': '退出登录',
  'user.created': '创建账号',
  'user.updated': '修改账号',
  'user.role_changed': '分配角色',
  'user.password_reset': '重置口令',
  'user.password_changed': '修改本人口令',
  'user.unlocked': '解锁账号',
  'user.totp_enabled': '启用动态口令',
  'user.totp_disabled': '停用动态口令',
  'audit.verified': '校验审计日志',
  'audit.pruned': '清理过期审计日志',
  'demo.seeded': '生成演示数据',
  'unit.created': '新增单位',
  'unit.updated': '修改单位',
  'unit.deleted': '删除单位',
  'unit.phone_revealed': '查看单位完整电话',
  'person.created': '新增人员',
  'person.updated': '修改人员',
  'person.deleted': '删除人员',
  'person.phone_revealed': '查看人员完整电话',
  'leading_group.created': '新增领导小组',
  'leading_group.updated': '修改领导小组',
  'leading_group.deleted': '删除领导小组',
  'leading_group.members_replaced': '调整领导小组成员',
  'leading_group.phone_revealed': '查看办公室完整电话',
  'supply.created': '新增物资装备',
  'supply.updated': '修改物资装备',
  'supply.deleted': '删除物资装备',
  'supply.stock_moved': '物资出入库',
  'supply.transferred': '物资调拨',
  'supply_class.created': '新增物资分类',
  'supply_class.updated': '修改物资分类',
  'supply_class.deleted': '删除物资分类',
}

export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action
}
