import { describe, expect, it } from 'vitest'
import { safeNext } from './next.js'

describe('safeNext', () => {
  it('returns to the page the user came from', () => {
    expect(safeNext('/people?q=张')).toBe('/people?q=张')
  })

  it.each([[null], [''], ['https://evil.example/'], ['//evil.example'], ['/\\evil.example'], ['/login?next=/x'], ['people']])(
    'goes home instead of %s',
    (next) => {
      expect(safeNext(next)).toBe('/')
    },
  )
})
