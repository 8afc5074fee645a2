/** Password policy of GB/T 22239 level 3 practice: ≥ 8 characters drawn from ≥ 3 classes. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return '口令至少 8 位'
  if (password.length > 128) return '口令不能超过 128 位'
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length
  if (classes < 3) return '口令须包含大写字母、小写字母、数字、符号中的至少三类'
  return null
}
