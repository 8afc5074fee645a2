import { describe, expect, it } from 'vitest'
import { fileNameOf } from './download.js'

describe('fileNameOf', () => {
  it('prefers the UTF-8 name, which carries the Chinese title', () => {
    const name = encodeURIComponent('附件4-月河街道.xlsx')
    expect(fileNameOf(`attachment; filename="annex4-330502001000.xlsx"; filename*=UTF-8''${name}`)).toBe('附件4-月河街道.xlsx')
  })

  it('falls back to the plain name, and to nothing', () => {
    expect(fileNameOf('attachment; filename="annex4-template.xlsx"')).toBe('annex4-template.xlsx')
    expect(fileNameOf(null)).toBeNull()
  })
})
